"""Recording a review's recommendations, the partnership's decision on each and the actions it set.

The business manager keeps these records (the board or a subgroup decides; the manager writes
the decision down). Agency leads then update their own agency's actions through
`reviews.services.review_action_update`. Each service checks permission, then in one
transaction locks the parent row (so two numbers are never given twice), checks the values
again, saves and writes the audit entry.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lib.errors import InvalidInput, NotAllowed
from partnership.audit import audit_record, changes_between
from reviews.models import DecidedBy, Decision, PracticeReview, Recommendation, ReviewAction
from reviews.permissions import user_can_manage_reviews
from reviews.services import MANAGER_ONLY

MAX_TEXT = 5000
DECISION_FIELDS = ("decision", "decision_text", "decided_by", "decided_by_subgroup", "decided_on")


def _text(value: str, what: str, errors: list[str]) -> str:
    value = (value or "").strip()
    if not value:
        errors.append(f"Enter {what}.")
    elif len(value) > MAX_TEXT:
        errors.append(f"Keep {what} under {MAX_TEXT:,} characters.")
    return value


def _next_number(queryset) -> int:
    return (queryset.aggregate(n=Max("number"))["n"] or 0) + 1


def recommendation_add(*, user, review: PracticeReview, text: str) -> Recommendation:
    """Add a recommendation to a review, numbered after the last one."""
    if not user_can_manage_reviews(user, review.partnership):
        raise NotAllowed(MANAGER_ONLY)
    errors: list[str] = []
    text = _text(text, "the recommendation", errors)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        locked = PracticeReview.objects.select_for_update().get(pk=review.pk)
        recommendation = Recommendation.objects.create(
            review=locked, number=_next_number(locked.recommendations.all()), text=text
        )
        audit_record(
            code="reviews.recommendation.added",
            actor=user,
            partnership=locked.partnership_id,
            target=recommendation,
            data={"changes": changes_between({}, {"number": recommendation.number, "text": text})},
        )
    return recommendation


def _decision_values(
    recommendation: Recommendation,
    *,
    decision: str,
    decision_text: str,
    decided_by: str,
    decided_by_subgroup,
    decided_on: datetime.date | None,
    today: datetime.date,
) -> dict:
    errors: list[str] = []
    if decision not in Decision.values:
        errors.append("Choose the decision: accepted, accepted in part or not accepted.")
    decision_text = _text(decision_text, "what was decided", errors)
    if decided_by not in DecidedBy.values:
        errors.append("Choose who decided: the partnership board or a subgroup.")
    elif decided_by == DecidedBy.SUBGROUP:
        if decided_by_subgroup is None:
            errors.append("Choose the subgroup that decided.")
        elif decided_by_subgroup.partnership_id != recommendation.review.partnership_id:
            errors.append("Choose one of this partnership's subgroups.")
    if decided_on is None:
        errors.append("Enter the date of the decision.")
    elif decided_on > today:
        errors.append(f"The date of the decision cannot be in the future. Enter {today:%d/%m/%Y} or earlier.")
    if errors:
        raise InvalidInput(errors)
    return {
        "decision": decision,
        "decision_text": decision_text,
        "decided_by": decided_by,
        "decided_by_subgroup": decided_by_subgroup if decided_by == DecidedBy.SUBGROUP else None,
        "decided_on": decided_on,
    }


def recommendation_decide(
    *,
    user,
    recommendation: Recommendation,
    decision: str,
    decision_text: str,
    decided_by: str,
    decided_by_subgroup=None,
    decided_on: datetime.date | None,
    today: datetime.date | None = None,
) -> Recommendation:
    """Record (or correct) the decision taken on a recommendation: what, by whom and when."""
    if not user_can_manage_reviews(user, recommendation.review.partnership):
        raise NotAllowed(MANAGER_ONLY)
    values = _decision_values(
        recommendation,
        decision=decision,
        decision_text=decision_text,
        decided_by=decided_by,
        decided_by_subgroup=decided_by_subgroup,
        decided_on=decided_on,
        today=today or timezone.localdate(),
    )
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        before = {name: getattr(locked, locked._meta.get_field(name).attname) for name in DECISION_FIELDS}
        for name, value in values.items():
            setattr(locked, name, value)
        after = {name: getattr(locked, locked._meta.get_field(name).attname) for name in DECISION_FIELDS}
        changes = changes_between(before, after)
        if not changes:
            return locked
        locked.save(update_fields=[*DECISION_FIELDS, "updated_at"])
        audit_record(
            code="reviews.recommendation.decided",
            actor=user,
            partnership=recommendation.review.partnership_id,
            target=locked,
            data={"changes": changes, "decision": locked.get_decision_display()},
        )
    return locked


def review_action_add(
    *, user, recommendation: Recommendation, description: str, owner, due_on: datetime.date | None
) -> ReviewAction:
    """Set an action on a recommendation, owned by one of the partnership's agencies, numbered after the last."""
    partnership_id = recommendation.review.partnership_id
    if not user_can_manage_reviews(user, recommendation.review.partnership):
        raise NotAllowed(MANAGER_ONLY)
    errors: list[str] = []
    description = _text(description, "what the action is", errors)
    if owner is None:
        errors.append("Choose the agency that owns the action.")
    elif owner.partnership_id != partnership_id:
        errors.append("Choose one of this partnership's agencies to own the action.")
    if due_on is None:
        errors.append("Enter the date the action is due.")
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        action = ReviewAction.objects.create(
            recommendation=locked,
            number=_next_number(locked.actions.all()),
            description=description,
            owner=owner,
            due_on=due_on,
        )
        audit_record(
            code="reviews.action.added",
            actor=user,
            partnership=partnership_id,
            target=action,
            data={
                "changes": changes_between(
                    {}, {"description": description, "owner": owner.pk, "due_on": due_on.isoformat()}
                )
            },
        )
    return action
