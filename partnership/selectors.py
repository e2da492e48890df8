"""Reads for the partnership app, scoped to what a user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from partnership.models import AuditEntry, Partnership
from partnership.permissions import partnerships_visible_to


def partnerships_for_user(*, user) -> QuerySet[Partnership]:
    """The partnerships in which the user holds any role."""
    return partnerships_visible_to(user).order_by("name")


@dataclass(frozen=True)
class AuditFilters:
    actor_id: int | None = None
    app: str = ""
    code: str = ""
    period_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def audit_entries_for(*, partnership, filters: AuditFilters = AuditFilters()) -> QuerySet[AuditEntry]:
    """The partnership's audit entries matching the filters, newest first (paginate it: it grows every day)."""
    entries = AuditEntry.objects.filter(partnership=partnership).select_related("period")
    if filters.actor_id:
        entries = entries.filter(actor_id=filters.actor_id)
    if filters.app:
        entries = entries.filter(code__startswith=filters.app + ".")
    if filters.code:
        entries = entries.filter(code=filters.code)
    if filters.period_id:
        entries = entries.filter(period_id=filters.period_id)
    if filters.date_from:
        entries = entries.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(created_at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    return entries.order_by("-created_at", "-pk")


def audit_actors(*, partnership) -> list[tuple[int, str]]:
    """Everyone who appears in the partnership's audit log, as (user id, name) for a filter."""
    rows = (
        AuditEntry.objects.filter(partnership=partnership, actor__isnull=False)
        .values_list("actor_id", "actor_label")
        .distinct()
        .order_by("actor_label")
    )
    seen: dict[int, str] = {}
    for actor_id, label in rows:
        seen.setdefault(actor_id, label)
    return sorted(seen.items(), key=lambda item: item[1].lower())


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
