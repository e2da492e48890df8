"""The programme: courses and their sessions.

The `*_problem` functions are the rules both the forms (for the page) and the services
(under the lock) apply; each returns the message, or '' when the value is allowed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from partnership.audit import audit_record, changes_between
from partnership.models import Partnership, ReportingPeriod
from training.models import Course, CourseSession
from training.services.base import field_problems, fields_given, refuse_if, require_manager, snapshot

COURSE_FIELDS = ("title", "topic", "delivery_partner", "duration_hours", "audience", "joint_with_adults")
SESSION_FIELDS = ("course", "reference", "starts_at", "online", "venue", "places_offered")


def course_slug_for(title: str) -> str:
    """A course's address slug, made once from its first title."""
    return slugify(title)[:80]


def course_title_problem(*, partnership_id: int, title: str, course_pk: int | None = None) -> str:
    """Why a course of the partnership may not have this title, or '' if it may."""
    title = title.strip()
    slug = course_slug_for(title)
    if not slug:
        return "Enter a title with some letters or numbers in it."
    if slug == "add":
        return "'Add' cannot be a course's title; give the course a longer title."
    others = Course.objects.filter(partnership_id=partnership_id).exclude(pk=course_pk)
    if others.filter(Q(title__iexact=title) | Q(slug=slug)).exists():
        return f"There is already a course called '{title}'. Give this one a different title."
    return ""


def course_duration_problem(hours: Decimal | None) -> str:
    """Why a course may not last this long, or '' if it may."""
    if hours is None or hours <= 0:
        return "Enter a length of more than 0 hours, for example 3 or 6.5."
    return ""


def _course_values(values: Mapping[str, Any]) -> tuple[dict, list | None]:
    fields = fields_given(values, COURSE_FIELDS, extra=("priorities",))
    if isinstance(fields.get("title"), str):
        fields["title"] = fields["title"].strip()
    priorities = list(values["priorities"]) if "priorities" in values else None
    return fields, priorities


def _course_check(course: Course, priorities: list) -> None:
    refuse_if(field_problems(course, exclude=["partnership", "slug"]))  # the slug comes from the title
    strangers = [p for p in priorities if p.partnership_id != course.partnership_id]
    refuse_if(
        [
            course_title_problem(partnership_id=course.partnership_id, title=course.title, course_pk=course.pk),
            course_duration_problem(course.duration_hours),
            "Choose only this partnership's priorities." if strangers else "",
        ]
    )


def _course_snapshot(course: Course, priority_ids: Iterable[int]) -> dict:
    return snapshot(course, ("slug", *COURSE_FIELDS)) | {"priorities": sorted(priority_ids)}


def course_create(*, user, partnership: Partnership, values: Mapping[str, Any]) -> Course:
    """Add a course to the partnership's programme, with the priorities it serves."""
    require_manager(user, partnership)
    fields, priorities = _course_values(values)
    priorities = priorities or []
    with transaction.atomic():
        # Two courses added at once must not both take one title: the partnership's row queues them.
        Partnership.objects.select_for_update().get(pk=partnership.pk)
        course = Course(partnership=partnership, **fields)
        course.slug = course_slug_for(course.title or "")
        _course_check(course, priorities)
        course.save()
        course.priorities.set(priorities)
        after = _course_snapshot(course, [p.pk for p in priorities])
        audit_record(
            code="training.course.created",
            actor=user,
            partnership=partnership,
            target=course,
            data={"changes": changes_between({}, after)},
        )
    return course


def course_change(*, user, course: Course, values: Mapping[str, Any]) -> Course:
    """Change a course: the values given are applied to the row as it is now; its slug never changes."""
    require_manager(user, course.partnership)
    fields, priorities = _course_values(values)
    with transaction.atomic():
        # Parent first, as course_create does: a new title must not clash with one taken at the same moment.
        Partnership.objects.select_for_update().get(pk=course.partnership_id)
        locked = Course.objects.select_for_update().get(pk=course.pk)
        priority_ids = list(locked.priorities.values_list("pk", flat=True))
        before = _course_snapshot(locked, priority_ids)
        for name, value in fields.items():
            setattr(locked, name, value)
        _course_check(locked, priorities or [])
        if priorities is not None:
            priority_ids = [p.pk for p in priorities]
        changes = changes_between(before, _course_snapshot(locked, priority_ids))
        if not changes:
            return locked  # nothing to write, so nothing to audit
        locked.save(update_fields=[*fields, "updated_at"])
        if "priorities" in changes:
            locked.priorities.set(priorities)
        audit_record(
            code="training.course.changed",
            actor=user,
            partnership=locked.partnership_id,
            target=locked,
            data={"changes": changes},
        )
    return locked


# Sessions ------------------------------------------------------------------


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def session_reference_problem(*, period, reference: str, session_pk: int | None = None) -> str:
    """Why a session of the period may not have this (slugified) Event ID, or '' if it may."""
    if not reference or reference == "add":
        return "Enter the Event ID from the booking system, for example EV-1042."
    if len(reference) > 40:
        return "Enter an Event ID of at most 40 letters, numbers and hyphens."
    others = CourseSession.objects.filter(period=period, reference=reference).exclude(pk=session_pk)
    if others.exists():
        return f"There is already a session {reference} in {period.label}. Check the Event ID in the booking system."
    return ""


def session_start_problem(*, period, starts_at: datetime.datetime) -> str:
    """Why a session of the period may not start then, or '' if it may."""
    day = timezone.localtime(starts_at).date()
    if not period.start <= day <= period.end:
        return (
            f"Enter a start between {_long_date(period.start)} and {_long_date(period.end)}, "
            f"the dates of {period.label}."
        )
    return ""


def session_venue_problem(*, online: bool, venue: str) -> str:
    """Why a session may not have this venue, or '' if it may: a venue, or online, never both."""
    if online and venue:
        return "Leave the venue blank for an online session, or untick 'Held online'."
    if not online and not venue:
        return "Enter the venue, or tick 'Held online'."
    return ""


def _session_values(values: Mapping[str, Any]) -> dict:
    fields = fields_given(values, SESSION_FIELDS)
    if "reference" in fields:
        fields["reference"] = slugify(fields["reference"] or "")
    if "venue" in fields:
        fields["venue"] = (fields["venue"] or "").strip()
    return fields


def _session_check(session: CourseSession, period) -> None:
    refuse_if(field_problems(session, exclude=["period"]))
    if timezone.is_naive(session.starts_at):  # a time without a zone is the portal's local time
        session.starts_at = timezone.make_aware(session.starts_at)
    refuse_if(
        [
            ""
            if session.course.partnership_id == period.partnership_id
            else "Choose one of this partnership's courses.",
            session_reference_problem(period=period, reference=session.reference, session_pk=session.pk),
            session_start_problem(period=period, starts_at=session.starts_at),
            session_venue_problem(online=session.online, venue=session.venue),
        ]
    )


def session_create(*, user, period, values: Mapping[str, Any]) -> CourseSession:
    """Add a session of one of the partnership's courses to the period."""
    require_manager(user, period.partnership)
    fields = _session_values(values)
    with transaction.atomic():
        # Two sessions added at once must not both take one Event ID: the period's row queues them.
        ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        session = CourseSession(period=period, **fields)
        _session_check(session, period)
        session.save()
        audit_record(
            code="training.session.created",
            actor=user,
            period=period,
            target=session,
            data={"changes": changes_between({}, snapshot(session, SESSION_FIELDS))},
        )
    return session


def session_change(*, user, session: CourseSession, values: Mapping[str, Any]) -> CourseSession:
    """Change a session: the values given are applied to the row as it is now."""
    period = session.period
    require_manager(user, period.partnership)
    fields = _session_values(values)
    with transaction.atomic():
        # Parent first, as session_create does: a new Event ID must not clash with one taken at the same moment.
        ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        locked = CourseSession.objects.select_for_update().get(pk=session.pk)
        before = snapshot(locked, SESSION_FIELDS)
        for name, value in fields.items():
            setattr(locked, name, value)
        _session_check(locked, period)
        changes = changes_between(before, snapshot(locked, SESSION_FIELDS))
        if not changes:
            return locked  # nothing to write, so nothing to audit
        locked.save(update_fields=[*fields, "updated_at"])
        audit_record(
            code="training.session.changed", actor=user, period=period, target=locked, data={"changes": changes}
        )
    return locked
