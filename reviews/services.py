"""Changes to practice reviews: each checks permission and state, then locks, saves and records history."""

from __future__ import annotations

import datetime

from django.db import transaction

from lib.errors import DomainError
from reviews.models import ActionStatus, ActionUpdate, PracticeReview, ReviewAction
from reviews.permissions import user_can_manage_reviews, user_can_update_review_action


class ReviewError(DomainError):
    """A change the review rules refuse; the message says what to do instead."""


def review_action_update(
    *,
    user,
    action: ReviewAction,
    status: str,
    completed_on: datetime.date | None,
    completion_evidence: str,
    impact_evidence: str,
    note: str = "",
) -> ActionUpdate:
    """Record an action's new status and evidence, and a history row of who changed what."""
    if not user_can_update_review_action(user, action):
        raise ReviewError("Only the owning agency's lead or the business manager can update this action.")
    if status not in ActionStatus.values:
        raise ReviewError("Choose a status: not started, in progress or completed.")
    completion_evidence, impact_evidence = completion_evidence.strip(), impact_evidence.strip()
    if status == ActionStatus.COMPLETED and (not completion_evidence or completed_on is None):
        raise ReviewError(
            "To mark the action completed, give the date it was completed and the evidence of completion."
        )
    if status != ActionStatus.COMPLETED:
        completed_on = None
    with transaction.atomic():
        locked = ReviewAction.objects.select_for_update().get(pk=action.pk)
        previous = locked.status
        locked.status = status
        locked.completed_on = completed_on
        locked.completion_evidence = completion_evidence
        locked.impact_evidence = impact_evidence
        locked.save(update_fields=["status", "completed_on", "completion_evidence", "impact_evidence", "updated_at"])
        return ActionUpdate.objects.create(
            action=locked,
            user=user,
            code=f"reviews.action.{status}",
            from_status=previous,
            to_status=status,
            note=note.strip(),
        )


def review_save(*, user, review: PracticeReview, priorities) -> PracticeReview:
    """Create or change a review record (validated by PracticeReviewForm) and its priorities."""
    if not user_can_manage_reviews(user, review.partnership):
        raise ReviewError("Only the business manager can change review records.")
    with transaction.atomic():
        if review.pk:  # serialise two saves of the same review; the later one wins whole, never half
            PracticeReview.objects.select_for_update().filter(pk=review.pk).first()
        review.save()
        review.priorities.set(priorities)
    return review
