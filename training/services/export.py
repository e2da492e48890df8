"""Exports of delegates' bookings, which carry personal data and so are audited."""

from __future__ import annotations

from django.db import transaction

from lib.errors import InvalidInput
from partnership.audit import audit_record
from training.services.base import require_manager

EXPORT_FORMATS = ("csv", "xlsx")


def bookings_export(*, user, period, file_format: str) -> str | bytes:
    """The period's bookings as CSV or XLSX, formulas neutralised; a download of delegates' details is audited."""
    from training.resources import BookingResource

    require_manager(user, period.partnership, "Only the business manager can export the delegates' bookings.")
    if file_format not in EXPORT_FORMATS:
        raise InvalidInput("Choose CSV or XLSX for the export.")
    dataset = BookingResource(period=period).export()
    content = dataset.export(file_format)
    with transaction.atomic():
        audit_record(
            code="training.bookings.exported",
            actor=user,
            period=period,
            target=period,
            data={"rows": len(dataset), "format": file_format},
        )
    return content
