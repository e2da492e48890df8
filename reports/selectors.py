"""Reads for outlines, sections and their history, scoped to what a user may see.

Every list here is built in a fixed number of queries, whatever the number of
sections, agencies or revisions (see tests/reports/test_queries.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.utils import timezone

from lib.pagination import page_get
from partnership.audit import audit_describe
from partnership.models import AuditEntry
from people.models import Role
from reports.models import (
    Challenge,
    ChallengeState,
    Comment,
    PeriodVisit,
    Section,
    SectionRevision,
    SectionSpec,
    SectionState,
)
from reports.permissions import sections_visible_to

User = get_user_model()


def _users_with(role: str, **where) -> QuerySet:
    return User.objects.filter(memberships__role=role, is_active=True, **where).distinct()


def business_manager_users(*, section: Section) -> QuerySet:
    """The partnership's business managers."""
    return _users_with(Role.BUSINESS_MANAGER, memberships__partnership_id=section.spec.period.partnership_id)


def scrutineer_users(*, section: Section) -> QuerySet:
    """The partnership's independent scrutineers."""
    return _users_with(Role.SCRUTINEER, memberships__partnership_id=section.spec.period.partnership_id)


def section_writer_users(*, section: Section) -> QuerySet:
    """Who writes the section: the owning agency's leads, or the business manager or scrutineer named as author."""
    spec = section.spec
    if spec.author == "agency":
        return _users_with(Role.AGENCY_LEAD, memberships__agency_id=spec.owner_agency_id)
    if spec.author == "scrutineer":
        return scrutineer_users(section=section)
    return business_manager_users(section=section)


def visible_sections(*, user, period) -> QuerySet[Section]:
    """The period's sections this user may see: all for overseers, their agencies' for agency staff."""
    return sections_visible_to(user).filter(spec__period=period)


def _not_closed() -> Q:
    return Q(challenges__state__in=[ChallengeState.OPEN, ChallengeState.ANSWERED])


# A section handed in on time or late is no longer chased: it is with the business manager.
HANDED_IN = frozenset({SectionState.SUBMITTED, SectionState.APPROVED})


@dataclass(frozen=True)
class Due:
    """Where a date stands against a deadline, in whole days, for pages to print as they are."""

    days_left: int
    days_late: int
    is_overdue: bool
    is_due_today: bool

    @classmethod
    def of(cls, days_to_deadline: int) -> Due:
        return cls(
            days_left=max(days_to_deadline, 0),
            days_late=max(-days_to_deadline, 0),
            is_overdue=days_to_deadline < 0,
            is_due_today=days_to_deadline == 0,
        )


NOT_DUE = Due(days_left=0, days_late=0, is_overdue=False, is_due_today=False)


SECTIONS_PER_PAGE = 50


@dataclass
class Dashboard:
    period: object
    sections: list[Section]  # the page's sections, marked with when each is due
    counts: dict[str, int]  # every visible section, by state, and the total
    due: Due
    open_challenges: int
    page: Page


def _mark_due(section: Section, due: Due) -> None:
    """Set is_handed_in, is_overdue, is_due_today, days_left and days_late on the section."""
    section.is_handed_in = section.state in HANDED_IN
    chased = not section.is_handed_in
    section.is_overdue = chased and due.is_overdue
    section.is_due_today = chased and due.is_due_today
    section.days_left = due.days_left if chased else 0
    section.days_late = due.days_late if chased else 0


def dashboard_for(
    *, user, period, today: datetime.date | None = None, page=None, per_page: int = SECTIONS_PER_PAGE
) -> Dashboard:
    """The sections the user may see, counted by state, and one page of them (`page`, a number; the first by
    default) with owner, state, last change, when it is due and open challenges, in four queries."""
    today = today or timezone.localdate()
    visible = visible_sections(user=user, period=period)
    counts = dict(visible.order_by().values_list("state").annotate(n=Count("pk")))
    challenges = Challenge.objects.filter(
        section__in=visible.values("pk"), state__in=[ChallengeState.OPEN, ChallengeState.ANSWERED]
    ).count()
    rows = (
        visible.select_related("spec__owner_agency", "current_revision__author")
        .annotate(open_challenges=Count("challenges", filter=_not_closed()))
        .order_by("spec__position")
    )
    shown = page_get(rows, page, per_page=per_page)
    sections = list(shown)
    # A catch-up period (entered after its year) shows only what is not done, never "N days late".
    due = NOT_DUE if period.is_catch_up else Due.of((period.submission_deadline - today).days)
    for section in sections:
        _mark_due(section, due)
    return Dashboard(
        period=period,
        sections=sections,
        counts={state: counts.get(state, 0) for state in SectionState.values} | {"total": sum(counts.values())},
        due=due,
        open_challenges=challenges,
        page=shown,
    )


def open_challenges(*, period) -> list[Challenge]:
    """Challenges not yet closed in the period, oldest first, each marked awaiting_answer or not;
    they block publication."""
    challenges = list(
        Challenge.objects.filter(section__spec__period=period, state__in=[ChallengeState.OPEN, ChallengeState.ANSWERED])
        .select_related("section__spec", "raised_by")
        .order_by("created_at", "pk")
    )
    for challenge in challenges:
        challenge.awaiting_answer = challenge.state == ChallengeState.OPEN
    return challenges


@dataclass
class Changes:
    since: datetime.datetime | None
    sections: list[Section]


def changes_since_last_visit(*, user, period) -> Changes:
    """Sections changed by others since the user last recorded a visit (reports.services.period_visit_record),
    each marked with what changed."""
    visit = PeriodVisit.objects.filter(user=user, period=period).first()
    since = visit.visited_at if visit else None
    sections = visible_sections(user=user, period=period).select_related("spec", "current_revision__author")
    by_others = section_audit_entries().filter(target_id=OuterRef("pk")).exclude(actor=user)
    if since is not None:
        by_others = by_others.filter(created_at__gt=since)
    changed = sections.annotate(last_change=Subquery(by_others.order_by("-created_at").values("created_at")[:1]))
    if since is None:
        changed = changed.annotate(seen_number=Value(None, output_field=IntegerField()))
    else:
        changed = changed.annotate(
            seen_number=Subquery(
                SectionRevision.objects.filter(section=OuterRef("pk"), created_at__lte=since)
                .order_by("-number")
                .values("number")[:1]
            ),
        )
    found = list(changed.filter(last_change__isnull=False).order_by("-last_change"))
    for section in found:
        _mark_text_change(section)
    return Changes(since=since, sections=found)


def _mark_text_change(section: Section) -> None:
    """text_changed_from: the revision the user last saw, if the text has moved on since; is_new: written
    since the visit, with no revision seen before."""
    latest = section.current_revision.number if section.current_revision_id else None
    seen = section.seen_number
    section.text_changed_from = seen if latest and seen and seen != latest else None
    section.is_new = bool(latest and not seen)


def section_audit_entries() -> QuerySet[AuditEntry]:
    """Audit entries whose target is a section."""
    return AuditEntry.objects.filter(target_type=ContentType.objects.get_for_model(Section))


def section_page(*, section: Section) -> dict:
    """The latest revision, the comments on every revision and the challenges, in a fixed number of queries."""
    comments = Comment.objects.filter(revision__section=section).select_related("author", "revision")
    challenges = Challenge.objects.filter(section=section).select_related(
        "raised_by", "answered_by", "closed_by", "revision"
    )
    last_return = (
        section_audit_entries()
        .filter(target_id=section.pk, code="reports.section.changes_requested")
        .select_related("actor")
        .first()
    )
    return {"comments": list(comments), "challenges": list(challenges), "last_return": last_return}


def section_history(*, section: Section) -> list[SectionRevision]:
    """Every revision, newest first, with its author, comment count, the number before it (None for the
    first) and whether it is the approved or the latest one, in one query."""
    revisions = list(
        SectionRevision.objects.filter(section=section)
        .select_related("author")
        .annotate(comment_count=Count("comments"))
        .defer("content")
        .order_by("-number")
    )
    for revision in revisions:
        revision.previous_number = revision.number - 1 if revision.number > 1 else None
        revision.is_approved = revision.pk == section.approved_revision_id
        revision.is_latest = revision.pk == section.current_revision_id
    return revisions


def section_audit(*, section: Section) -> list[AuditEntry]:
    """The section's audit entries, newest first."""
    entries = list(section_audit_entries().filter(target_id=section.pk))
    for entry in entries:
        entry.description = audit_describe(entry)
    return entries


def outline_for(*, period) -> list[SectionSpec]:
    """The period's outline in order, with owners, priorities and each section's state."""
    return list(
        SectionSpec.objects.filter(period=period)
        .select_related("owner_agency", "section")
        .prefetch_related(Prefetch("priorities"))
        .order_by("position")
    )


def previous_period(*, period):
    """The partnership's period that started most recently before this one, if any."""
    return (
        type(period)
        .objects.filter(partnership_id=period.partnership_id, start__lt=period.start)
        .order_by("-start")
        .first()
    )
