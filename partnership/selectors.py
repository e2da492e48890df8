"""Reads for the partnership app, scoped to what a user may see."""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.utils import timezone

from partnership.models import AuditEntry, Oversight, Partnership, Priority, ReportingPeriod, Subgroup, SubgroupMeetings
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


# Setting the partnership up --------------------------------------------------------


def days_late(period: ReportingPeriod, today: datetime.date) -> int | None:
    """Days since the period's submission deadline (0 before it); None for a catch-up period,
    which was entered after its year, so no section of it is 'late'."""
    if period.is_catch_up:
        return None
    return max(0, (today - period.submission_deadline).days)


def overseeing_subgroup(partnership, kind: str) -> Subgroup | None:
    """The subgroup the business manager marked as overseeing 'reviews' or 'training', or None."""
    if kind not in Oversight.values or not kind:
        raise ValueError(f"Unknown oversight {kind!r}: use one of {[v for v in Oversight.values if v]}.")
    return Subgroup.objects.filter(partnership=partnership, oversees=kind).first()


def priorities_current(*, partnership) -> QuerySet[Priority]:
    """The priorities offered for new sections and courses, in order; retired ones stay only where cited."""
    return Priority.objects.filter(partnership=partnership).current().order_by("position")


def priorities_all(*, partnership) -> QuerySet[Priority]:
    """Every priority of the partnership, current ones first in order, then retired ones."""
    return Priority.objects.filter(partnership=partnership).order_by(F("retired_at").asc(nulls_first=True), "position")


def subgroups_with_meetings(*, partnership) -> list[tuple[Subgroup, list[SubgroupMeetings]]]:
    """Each subgroup with its meeting counts, newest period first."""
    meetings = (
        SubgroupMeetings.objects.filter(subgroup__partnership=partnership)
        .select_related("period")
        .order_by("-period__start")
    )
    by_subgroup: dict[int, list[SubgroupMeetings]] = {}
    for row in meetings:
        by_subgroup.setdefault(row.subgroup_id, []).append(row)
    return [(s, by_subgroup.get(s.pk, [])) for s in Subgroup.objects.filter(partnership=partnership)]


def logo_data_uri(partnership) -> str:
    """The partnership's logo as a data URI, for a preview with no media server; '' if it has none."""
    if not partnership.logo:
        return ""
    mime = "image/svg+xml" if partnership.logo.name.lower().endswith(".svg") else "image/png"
    try:
        with partnership.logo.open("rb") as handle:
            return f"data:{mime};base64,{base64.b64encode(handle.read()).decode('ascii')}"
    except FileNotFoundError:
        return ""
