"""What needs a person now, for the home page: each task with its count and where to do it.

A handful of queries per partnership, whatever the number of sections; every count comes
from the same permission querysets the pages use, so a task never points at a page that
would refuse the person.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from reports.models import Challenge, ChallengeState, Section, SectionState, SignOff
from reports.permissions import (
    sections_challengeable_by,
    sections_reviewable_by,
    sections_submittable_by,
    user_can_sign_off_report,
)
from reports.publishing import draft_fingerprint, statutory_agency_for


@dataclass(frozen=True)
class Task:
    text: str
    count: int
    url: str


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def period_is_catch_up(period) -> bool:
    """A period entered after its year (its deadline had passed when it was opened): no 'late' noise for it."""
    return bool(getattr(period, "is_catch_up", False))


def tasks_for(*, user, period, today: datetime.date | None = None, pending_invitations: int = 0) -> list[Task]:
    """The person's tasks in one period, most pressing first; only those with something to do."""
    today = today or timezone.localdate()
    p, s = period.partnership.slug, period.slug
    dashboard = reverse("reports:dashboard", args=[p, s])
    in_period = Q(spec__period=period)
    # A business manager who wrote the latest revision does not review it: another manager does.
    awaiting = sections_reviewable_by(user).filter(in_period, state=SectionState.SUBMITTED)
    awaiting = awaiting.exclude(current_revision__author=user).count()
    mine = sections_submittable_by(user).filter(in_period)
    returned = mine.filter(state=SectionState.CHANGES_REQUESTED).count()
    to_answer = Challenge.objects.filter(section__in=mine, state=ChallengeState.OPEN).count()
    scrutinised = sections_challengeable_by(user).filter(in_period)
    to_close = Challenge.objects.filter(section__in=scrutinised, state=ChallengeState.ANSWERED).count()
    unfinished = mine.filter(state__in=[SectionState.NOT_STARTED, SectionState.DRAFT]).count()
    pending = pending_invitations
    when = "" if period_is_catch_up(period) else _deadline_words(period.submission_deadline, today)
    candidates = [
        (awaiting, f"{awaiting} {_plural(awaiting, 'section is', 'sections are')} waiting for your review", dashboard),
        (returned, f"{returned} {_plural(returned, 'section was', 'sections were')} returned to you for changes",
         dashboard),
        (to_answer, f"{to_answer} {_plural(to_answer, 'challenge needs', 'challenges need')} your answer", dashboard),
        (to_close, f"{to_close} {_plural(to_close, 'answer is', 'answers are')} waiting for you to read and close",
         dashboard),
        (unfinished, f"{unfinished} of your sections {_plural(unfinished, 'is', 'are')} not yet submitted{when}",
         dashboard),
        (_sign_off_waiting(user, period), _sign_off_text(user, period), reverse("reports:report", args=[p, s])),
        (pending, f"{pending} {_plural(pending, 'invitation is', 'invitations are')} waiting to be accepted",
         reverse("people:list", args=[p])),
    ]  # fmt: skip
    return [Task(text, count, url) for count, text, url in candidates if count]


def _sign_off_waiting(user, period) -> int:
    if not user_can_sign_off_report(user, period) or awaiting_sections(period):
        return 0
    agency = statutory_agency_for(user, period)
    signed = SignOff.objects.filter(period=period, agency=agency, fingerprint=draft_fingerprint(period)).exists()
    return 0 if signed else 1


def _sign_off_text(user, period) -> str:
    agency = statutory_agency_for(user, period) if user_can_sign_off_report(user, period) else None
    return f"The final draft is waiting for your sign-off for {agency.name}" if agency else ""


def awaiting_sections(period) -> bool:
    """Whether any section of the period is still short of approval (sign-off waits for the final draft)."""
    return Section.objects.filter(spec__period=period).exclude(state=SectionState.APPROVED).exists()


def _deadline_words(deadline: datetime.date, today: datetime.date) -> str:
    days = (deadline - today).days
    if days < 0:
        return f": {-days} {_plural(-days, 'day', 'days')} past the deadline of {deadline:%-d %B %Y}"
    if days == 0:
        return ": they are due today"
    return f": due by {deadline:%-d %B %Y}, in {days} {_plural(days, 'day', 'days')}"


def tasks_count(tasks: list[Task]) -> int:
    return sum(task.count for task in tasks)
