"""Reads for practice reviews, scoped to the partnership and to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from lib.roles import roles_for
from partnership.permissions import user_can_oversee_partnership
from reviews.models import (
    ActionStatus,
    ActionUpdate,
    LearningBriefing,
    PracticeReview,
    Recommendation,
    ReviewAction,
    ReviewStatus,
    RiskItem,
)
from reviews.rules import Clock, ClockStatus, review_clocks

ACTIONS_DUE_SOON_DAYS = 14
# The dashboard shows this many of each list of actions and links to the action plan for the rest:
# overdue actions pile up over the years if nobody closes them.
DASHBOARD_ACTIONS_SHOWN = 10


@dataclass(frozen=True)
class ReviewClock:
    review: PracticeReview
    clock: Clock


@dataclass
class Dashboard:
    breached: list[ReviewClock]
    due_soon: list[ReviewClock]
    running: list[ReviewClock]
    overdue_actions: list[ReviewAction]
    actions_due_soon: list[ReviewAction]
    overdue_actions_count: int = 0
    actions_due_soon_count: int = 0


def review_dashboard(*, partnership, today: datetime.date) -> Dashboard:
    """Open reviews' clocks that have breached or fall due soon, and the first overdue and due-soon actions
    with how many there are, in five queries."""
    reviews = PracticeReview.objects.filter(partnership=partnership).exclude(status=ReviewStatus.CLOSED)
    board = Dashboard(breached=[], due_soon=[], running=[], overdue_actions=[], actions_due_soon=[])
    for review in reviews.order_by("reference"):
        for clock in review_clocks(review, today=today):
            if clock.status in (ClockStatus.BREACHED, ClockStatus.LATE):
                board.breached.append(ReviewClock(review, clock))
            elif clock.status == ClockStatus.DUE_SOON:
                board.due_soon.append(ReviewClock(review, clock))
            elif clock.status == ClockStatus.RUNNING:
                board.running.append(ReviewClock(review, clock))
    board.due_soon.sort(key=lambda item: item.clock.due)
    open_actions = _actions(partnership).exclude(status=ActionStatus.COMPLETED).order_by("due_on", "pk")
    overdue = open_actions.filter(due_on__lt=today)
    due_soon = open_actions.filter(
        due_on__gte=today, due_on__lte=today + datetime.timedelta(days=ACTIONS_DUE_SOON_DAYS)
    )
    board.overdue_actions = list(overdue[:DASHBOARD_ACTIONS_SHOWN])
    board.actions_due_soon = list(due_soon[:DASHBOARD_ACTIONS_SHOWN])
    board.overdue_actions_count = overdue.count()
    board.actions_due_soon_count = due_soon.count()
    return board


def reviews_newest_first(*, partnership) -> QuerySet[PracticeReview]:
    """Every review of the partnership, the latest incident first (those with no date yet at the top)."""
    return PracticeReview.objects.filter(partnership=partnership).order_by(
        F("became_aware_on").desc(nulls_first=True), "reference"
    )


def review_for(*, partnership, reference: str) -> PracticeReview:
    """A review of the partnership with its recommendations, actions and briefings; otherwise 404."""
    actions = Prefetch("actions", queryset=ReviewAction.objects.select_related("owner").order_by("number"))
    recommendations = Prefetch(
        "recommendations",
        queryset=Recommendation.objects.select_related("decided_by_subgroup")
        .prefetch_related(actions)
        .order_by("number"),
    )
    queryset = PracticeReview.objects.filter(partnership=partnership).prefetch_related(
        recommendations, "priorities", "briefings"
    )
    return get_object_or_404(queryset, reference=reference)


def _actions(partnership) -> QuerySet[ReviewAction]:
    return ReviewAction.objects.filter(recommendation__review__partnership=partnership).select_related(
        "owner", "recommendation", "recommendation__review"
    )


def actions_visible_to(*, user, partnership) -> QuerySet[ReviewAction]:
    """Every action for overseers; only their own agencies' actions for agency leads."""
    queryset = _actions(partnership)
    if not user_can_oversee_partnership(user, partnership):
        queryset = queryset.filter(owner_id__in=roles_for(user).led_agencies)
    return queryset.order_by("recommendation__review__reference", "recommendation__number", "number")


def action_for_update(*, user, partnership, action_id: int) -> ReviewAction:
    """An action the user may update: any for the business manager, their own agencies' for a lead; else 404."""
    queryset = _actions(partnership)
    roles = roles_for(user)
    if partnership.pk not in roles.managed:
        queryset = queryset.filter(owner_id__in=roles.led_agencies)
    action = queryset.filter(pk=action_id).first()
    if action is None:
        raise Http404("No such action.")
    return action


def action_history(*, action) -> QuerySet[ActionUpdate]:
    """The action's updates, newest first, with who made them."""
    return ActionUpdate.objects.filter(action=action).select_related("user").order_by("-at", "-pk")


def risk_register(*, partnership) -> QuerySet[RiskItem]:
    """The partnership's review risks, highest rating first."""
    return (
        RiskItem.objects.filter(partnership=partnership)
        .select_related("owner", "review")
        .annotate(score=F("likelihood") * F("impact"))
        .order_by("-is_open", "-score", "title")
    )


def learning_briefings(*, partnership) -> QuerySet[LearningBriefing]:
    """The partnership's briefings, newest first, with the reviews they draw on."""
    return (
        LearningBriefing.objects.filter(partnership=partnership)
        .prefetch_related(Prefetch("reviews", queryset=PracticeReview.objects.order_by("reference")))
        .order_by("-published_on", "title")
    )
