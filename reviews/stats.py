"""Review figures for a reporting period: the one function the report asks for.

`review_statistics` runs a fixed number of queries whatever the data size. Counts are
database aggregates; statutory timeliness is computed here from one query's dates,
because England's working days (bank holidays from the `holidays` package) are not
something the database knows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from partnership.models import SubgroupMeetings
from partnership.selectors import overseeing_subgroup
from reviews.models import (
    LOCAL_KINDS,
    ActionStatus,
    DecidedBy,
    Decision,
    LearningBriefing,
    PracticeReview,
    Recommendation,
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
    # The partnership's own reviews: a national panel review it responds to is in the decisions block instead.
    scope = reviews_in_period(period=period).filter(kind__in=LOCAL_KINDS)
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
        reviews_by_kind=tuple(
            (label, by_kind.get(value, 0)) for value, label in ReviewKind.choices if value in LOCAL_KINDS
        ),
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


# Decisions and actions on recommendations ----------------------------------------------

# What may identify a child is withheld in a kind with fewer reviews than the partnership's
# threshold: the review's title and reference, its summary and every date of the review itself.
REVIEW_DATES_SHOWN = (("completed_on", "Completed"), ("published_on", "Published"))


@dataclass(frozen=True)
class ActionRow:
    number: str
    description: str
    owner: str
    status: str
    overdue: bool
    due_on: datetime.date
    completed_on: datetime.date | None
    completion_evidence: str
    impact_evidence: str
    improvement: str


@dataclass(frozen=True)
class RecommendationRow:
    number: int
    text: str
    decision: str
    decision_text: str
    decided_by: str
    decided_on: datetime.date | None
    actions: tuple[ActionRow, ...]


@dataclass(frozen=True)
class ReviewRow:
    heading: str
    summary: str
    dates: tuple[tuple[str, datetime.date], ...]
    recommendations: tuple[RecommendationRow, ...]


@dataclass(frozen=True)
class KindGroup:
    """One kind of review: how many, whether details are withheld, and the decisions on their recommendations."""

    kind: str
    label: str
    reviews_count: int
    withheld: bool
    reviews: tuple[ReviewRow, ...]
    recommendations: int
    accepted: int
    accepted_in_part: int
    not_accepted: int
    undecided: int
    actions: int
    actions_completed: int


@dataclass(frozen=True)
class ReviewDecisions:
    period_label: str
    as_of: datetime.date
    threshold: int
    groups: tuple[KindGroup, ...]

    @property
    def reviews_count(self) -> int:
        return sum(group.reviews_count for group in self.groups)

    @property
    def any_withheld(self) -> bool:
        return any(group.withheld for group in self.groups)


def reviews_with_decisions(*, period) -> QuerySet[PracticeReview]:
    """Reviews whose recommendations the period's report accounts for: under way in the period, or with a
    decision taken or an action completed in it, or with an action still open from before it."""
    open_statuses = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
    relevant = (
        PracticeReview.objects.alias(
            started=Coalesce("became_aware_on", "decision_on", "commissioned_on", "published_on"),
            finished=Coalesce("published_on", "completed_on"),
        )
        .filter(partnership_id=period.partnership_id, started__lte=period.end)
        .filter(
            Q(finished__isnull=True)
            | Q(finished__gte=period.start)
            | Q(recommendations__decided_on__gte=period.start)
            | Q(recommendations__actions__completed_on__gte=period.start)
            | Q(recommendations__actions__status__in=open_statuses)
        )
    )
    return PracticeReview.objects.filter(pk__in=relevant.values("pk"))


def review_decisions(*, period, threshold: int, as_of: datetime.date | None = None) -> ReviewDecisions:
    """Each review's recommendations, the decision on each, its actions with owner, status, evidence and what
    improved, grouped by kind; a kind with fewer than `threshold` reviews shows nothing that could identify
    the child. Three queries whatever the number of reviews."""
    as_of = as_of or min(period.end, timezone.localdate())
    actions = Prefetch("actions", queryset=ReviewAction.objects.select_related("owner").order_by("number"))
    recommendations = Prefetch(
        "recommendations",
        queryset=Recommendation.objects.select_related("decided_by_subgroup").prefetch_related(actions),
    )
    reviews = reviews_with_decisions(period=period).prefetch_related(recommendations).order_by("reference")
    by_kind: dict[str, list[PracticeReview]] = {}
    for review in reviews:
        by_kind.setdefault(review.kind, []).append(review)
    groups = tuple(
        _kind_group(kind, label, by_kind[kind], threshold=threshold, as_of=as_of)
        for kind, label in ReviewKind.choices
        if kind in by_kind
    )
    return ReviewDecisions(period_label=period.label, as_of=as_of, threshold=threshold, groups=groups)


def _kind_group(kind: str, label: str, reviews: list, *, threshold: int, as_of: datetime.date) -> KindGroup:
    withheld = len(reviews) < threshold
    rows = tuple(
        _review_row(review, position, withheld=withheld, as_of=as_of)
        for position, review in enumerate(reviews, start=1)
    )
    recs = [rec for row in rows for rec in row.recommendations]
    decisions = [rec.decision for rec in recs]
    action_rows = [action for rec in recs for action in rec.actions]
    return KindGroup(
        kind=kind,
        label=label,
        reviews_count=len(reviews),
        withheld=withheld,
        reviews=rows,
        recommendations=len(recs),
        accepted=decisions.count(Decision.ACCEPTED.label),
        accepted_in_part=decisions.count(Decision.ACCEPTED_IN_PART.label),
        not_accepted=decisions.count(Decision.NOT_ACCEPTED.label),
        undecided=decisions.count(""),
        actions=len(action_rows),
        actions_completed=sum(1 for action in action_rows if action.status == ActionStatus.COMPLETED.label),
    )


def _review_row(review, position: int, *, withheld: bool, as_of: datetime.date) -> ReviewRow:
    recommendations = tuple(_recommendation_row(rec, as_of) for rec in review.recommendations.all())
    if withheld:
        return ReviewRow(heading=f"Review {position}", summary="", dates=(), recommendations=recommendations)
    dates = tuple((label, getattr(review, name)) for name, label in REVIEW_DATES_SHOWN if getattr(review, name))
    return ReviewRow(
        heading=f"{review.reference}: {review.title}",
        summary=review.summary,
        dates=dates,
        recommendations=recommendations,
    )


def _recommendation_row(rec, as_of: datetime.date) -> RecommendationRow:
    if rec.decided_by == DecidedBy.SUBGROUP and rec.decided_by_subgroup is not None:
        decided_by = f"the {rec.decided_by_subgroup.name}"
    else:
        decided_by = rec.get_decided_by_display()[:1].lower() + rec.get_decided_by_display()[1:]
    actions = tuple(
        ActionRow(
            number=f"{rec.number}.{action.number}",
            description=action.description,
            owner=action.owner.name,
            status=action.get_status_display(),
            overdue=action.is_overdue(as_of),
            due_on=action.due_on,
            completed_on=action.completed_on,
            completion_evidence=action.completion_evidence,
            impact_evidence=action.impact_evidence,
            improvement=action.improvement,
        )
        for action in rec.actions.all()
    )
    return RecommendationRow(
        number=rec.number,
        text=rec.text,
        decision=rec.get_decision_display() if rec.decision else "",
        decision_text=rec.decision_text,
        decided_by=decided_by if rec.decision else "",
        decided_on=rec.decided_on,
        actions=actions,
    )
