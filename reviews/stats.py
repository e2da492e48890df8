"""Review figures for a reporting period: the one function the report asks for.

`review_statistics` runs a fixed number of queries whatever the data size. Counts are
database aggregates; statutory timeliness is computed here from one query's dates,
because England's working days (bank holidays from the `holidays` package) are not
something the database knows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from partnership.models import SubgroupMeetings
from partnership.selectors import overseeing_subgroup
from reviews.models import (
    ActionStatus,
    LearningBriefing,
    PracticeReview,
    ReviewAction,
    ReviewKind,
    ReviewStatus,
)
from reviews.rules import RULES_BY_CODE, clock_evaluate

TIMELINESS_RULES = ("notification", "rapid_review")


@dataclass(frozen=True)
class AgencyActions:
    agency: str
    completed: int
    in_progress: int
    not_started: int
    overdue: int

    @property
    def total(self) -> int:
        return self.completed + self.in_progress + self.not_started + self.overdue


@dataclass(frozen=True)
class ReviewStatistics:
    """Figures for the report's reviews block. Action columns partition the actions:
    overdue ones are counted only as overdue, whatever their recorded status."""

    period_label: str
    as_of: datetime.date
    reviews_total: int
    reviews_by_kind: tuple[tuple[str, int], ...]
    reviews_by_status: tuple[tuple[str, int], ...]
    notifications_on_time: int
    notifications_late: int
    rapid_reviews_on_time: int
    rapid_reviews_late: int
    actions_by_agency: tuple[AgencyActions, ...]
    actions_completed: int
    actions_in_progress: int
    actions_not_started: int
    actions_overdue: int
    briefings_published: int
    meetings_held: int
    overseeing_subgroup: str = ""


def reviews_in_period(*, period) -> QuerySet[PracticeReview]:
    """The partnership's reviews under way at any time in the period."""
    return PracticeReview.objects.alias(
        started=Coalesce("became_aware_on", "decision_on", "commissioned_on"),
        finished=Coalesce("published_on", "completed_on"),
    ).filter(
        Q(finished__isnull=True) | Q(finished__gte=period.start),
        partnership_id=period.partnership_id,
        started__lte=period.end,
    )


def review_statistics(*, period, as_of: datetime.date | None = None) -> ReviewStatistics:
    """Reviews, statutory timeliness, action progress, briefings and meetings for the period.

    Clocks and overdue actions are judged as at `as_of`: by default the period's last day,
    or today while the period is still running.
    """
    as_of = as_of or min(period.end, timezone.localdate())
    scope = reviews_in_period(period=period)
    by_kind = dict(scope.order_by().values_list("kind").annotate(n=Count("pk")))
    by_status = dict(scope.order_by().values_list("status").annotate(n=Count("pk")))
    timeliness = _timeliness(period=period, as_of=as_of)
    agencies = _actions_by_agency(scope=scope, as_of=as_of)
    briefings = LearningBriefing.objects.filter(
        partnership_id=period.partnership_id, published_on__range=(period.start, period.end)
    ).count()
    # The subgroup the partnership marked as overseeing practice reviews, under its own name; none marked, no line.
    overseer = overseeing_subgroup(period.partnership, "reviews")
    meetings = None
    if overseer is not None:
        meetings = SubgroupMeetings.objects.filter(period=period, subgroup=overseer).aggregate(n=Sum("meetings_held"))[
            "n"
        ]
    return ReviewStatistics(
        period_label=period.label,
        as_of=as_of,
        reviews_total=sum(by_kind.values()),
        reviews_by_kind=tuple((label, by_kind.get(value, 0)) for value, label in ReviewKind.choices),
        reviews_by_status=tuple((label, by_status.get(value, 0)) for value, label in ReviewStatus.choices),
        notifications_on_time=timeliness["notification"][0],
        notifications_late=timeliness["notification"][1],
        rapid_reviews_on_time=timeliness["rapid_review"][0],
        rapid_reviews_late=timeliness["rapid_review"][1],
        actions_by_agency=agencies,
        actions_completed=sum(a.completed for a in agencies),
        actions_in_progress=sum(a.in_progress for a in agencies),
        actions_not_started=sum(a.not_started for a in agencies),
        actions_overdue=sum(a.overdue for a in agencies),
        briefings_published=briefings,
        meetings_held=meetings or 0,
        overseeing_subgroup=overseer.name if overseer is not None else "",
    )


def _timeliness(*, period, as_of: datetime.date) -> dict[str, tuple[int, int]]:
    """(on time, late) per clock whose start falls in the period; a clock still open past its due date is late."""
    rules = [RULES_BY_CODE[code] for code in TIMELINESS_RULES]
    fields = sorted({name for rule in rules for name in (rule.start_field, rule.end_field)})
    in_period = Q()
    for rule in rules:
        in_period |= Q(**{f"{rule.start_field}__range": (period.start, period.end)})
    rows = PracticeReview.objects.filter(in_period, partnership_id=period.partnership_id).values("kind", *fields)
    counts = {rule.code: [0, 0] for rule in rules}
    for row in rows:
        for rule in rules:
            start = row[rule.start_field]
            if row["kind"] not in rule.kinds or start is None or not period.start <= start <= period.end:
                continue
            clock = clock_evaluate(rule=rule, start=start, done_on=row[rule.end_field], today=as_of)
            if clock.is_breached:
                counts[rule.code][1] += 1
            elif clock.done_on is not None:
                counts[rule.code][0] += 1
    return {code: (on_time, late) for code, (on_time, late) in counts.items()}


def _actions_by_agency(*, scope, as_of: datetime.date) -> tuple[AgencyActions, ...]:
    overdue = ~Q(status=ActionStatus.COMPLETED) & Q(due_on__lt=as_of)
    rows = (
        ReviewAction.objects.filter(recommendation__review__in=scope.values("pk"))
        .order_by()
        .values("owner__name")
        .annotate(
            completed=Count("pk", filter=Q(status=ActionStatus.COMPLETED)),
            in_progress=Count("pk", filter=Q(status=ActionStatus.IN_PROGRESS) & ~overdue),
            not_started=Count("pk", filter=Q(status=ActionStatus.NOT_STARTED) & ~overdue),
            overdue=Count("pk", filter=overdue),
        )
        .order_by("owner__name")
    )
    return tuple(
        AgencyActions(
            agency=row["owner__name"],
            completed=row["completed"],
            in_progress=row["in_progress"],
            not_started=row["not_started"],
            overdue=row["overdue"],
        )
        for row in rows
    )
