"""Attendance at a session, recorded for all its bookings at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from partnership.audit import audit_record, changes_between
from training.models import Booking, BookingStatus, CourseSession
from training.services.base import TrainingError, require_manager, snapshot


@dataclass(frozen=True)
class AttendanceChange:
    booking_id: int
    status: str
    completed: bool


def _attendance_check(changes: list[AttendanceChange]) -> None:
    for change in changes:
        if change.status not in BookingStatus.values:
            raise TrainingError("Choose booked, attended, did not attend or cancelled for every delegate.")
        if change.completed and change.status != BookingStatus.ATTENDED:
            raise TrainingError(
                "Only a delegate who attended can have completed. Untick 'Completed' or mark them attended."
            )


def attendance_record(*, user, session: CourseSession, changes: list[AttendanceChange]) -> int:
    """Record attendance for a whole session at once; returns how many bookings changed."""
    require_manager(user, session.course.partnership)
    _attendance_check(changes)
    with transaction.atomic():
        bookings = {b.pk: b for b in Booking.objects.select_for_update().filter(session=session)}
        changed, audit_changes = [], {}
        for change in changes:
            booking = bookings.get(change.booking_id)
            if booking is None:
                raise TrainingError(
                    "A booking on this form no longer belongs to the session. Reload the page and try again."
                )
            before = snapshot(booking, ("status", "completed"))
            booking.status, booking.completed = change.status, change.completed
            difference = changes_between(before, snapshot(booking, ("status", "completed")))
            if difference:
                booking.updated_at = timezone.now()
                changed.append(booking)
                audit_changes[str(booking.pk)] = difference
        if changed:
            Booking.objects.bulk_update(changed, ["status", "completed", "updated_at"])
            audit_record(
                code="training.session.attendance_recorded",
                actor=user,
                period=session.period_id,
                partnership=session.course.partnership_id,
                target=session,
                data={"changed": len(changed), "bookings": audit_changes},
            )
    return len(changed)
