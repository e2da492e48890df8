"""Changes to practice reviews and their action plans.

Each service checks the user's permission, then in one transaction locks the row it
changes (or, for a new review, the partnership whose references must stay unique),
applies the values it was given to the row as it is now, saves only those fields and
writes the audit entry. Forms validate for the page; the services check again under the
lock, so a direct caller or a race cannot store what a form would refuse.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import capfirst

from lib.errors import DomainError, InvalidInput, NotAllowed
from partnership.audit import audit_record, changes_between
from partnership.models import Partnership
from reviews.models import STEP_FIELDS, ActionStatus, ActionUpdate, PracticeReview, ReviewAction
from reviews.permissions import user_can_manage_reviews, user_can_update_review_action

MANAGER_ONLY = "Only the business manager can change review records."
REVIEW_FIELDS = (
    "reference",
    "title",
    "kind",
    "status",
    "summary",
    *[name for name, _ in STEP_FIELDS],
    "lead_reviewer",
    "family_invited",
    "family_engaged",
    "learning_themes",
)
ACTION_FIELDS = ("status", "completed_on", "completion_evidence", "impact_evidence", "improvement")


class ReviewError(DomainError):
    """A change the review rules refuse; the message says what to do instead."""


def _snapshot(obj: models.Model, names: Iterable[str]) -> dict:
    """The named fields of the row, relations by id."""
    return {name: getattr(obj, obj._meta.get_field(name).attname) for name in names}


# Review actions ------------------------------------------------------------


def _action_values(
    status: str, completed_on: datetime.date | None, completion_evidence: str, impact_evidence: str, improvement: str
) -> dict:
    if status not in ActionStatus.values:
        raise ReviewError("Choose a status: not started, in progress or completed.")
    completion_evidence, impact_evidence = completion_evidence.strip(), impact_evidence.strip()
    if status == ActionStatus.COMPLETED and (not completion_evidence or completed_on is None):
        raise ReviewError(
            "To mark the action completed, give the date it was completed and the evidence of completion."
        )
    return {
        "status": status,
        "completed_on": completed_on if status == ActionStatus.COMPLETED else None,
        "completion_evidence": completion_evidence,
        "impact_evidence": impact_evidence,
        "improvement": improvement.strip(),
    }


def review_action_update(
    *,
    user,
    action: ReviewAction,
    status: str,
    completed_on: datetime.date | None,
    completion_evidence: str,
    impact_evidence: str,
    improvement: str | None = None,
    note: str = "",
) -> ActionUpdate:
    """Record an action's new status and evidence, a history row of who changed what, and the audit entry."""
    if not user_can_update_review_action(user, action):
        raise NotAllowed("Only the owning agency's lead or the business manager can update this action.")
    note = note.strip()
    with transaction.atomic():
        locked = ReviewAction.objects.select_for_update().get(pk=action.pk)
        before = _snapshot(locked, ACTION_FIELDS)
        # A caller that does not say what improved leaves it as it is.
        improvement = before["improvement"] if improvement is None else improvement
        values = _action_values(status, completed_on, completion_evidence, impact_evidence, improvement)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*ACTION_FIELDS, "updated_at"])
        update = ActionUpdate.objects.create(
            action=locked,
            user=user,
            code=f"reviews.action.{status}",
            from_status=before["status"],
            to_status=status,
            note=note,
        )
        audit_record(
            code="reviews.action.updated",
            actor=user,
            partnership=action.owner.partnership_id,
            target=locked,
            data={"changes": changes_between(before, values), "note": note},
        )
    return update


# Practice reviews ----------------------------------------------------------


def review_reference_problem(*, partnership_id: int, reference: str, review_pk: int | None = None) -> str:
    """Why a review of the partnership may not have this reference, or '' if it may."""
    clash = PracticeReview.objects.filter(partnership_id=partnership_id, reference=reference)
    if clash.exclude(pk=review_pk).exists():
        return f"Another review already has the reference {reference}. Choose a different one."
    return ""


def _review_values(values: Mapping[str, Any]) -> tuple[dict, list | None]:
    unknown = set(values) - set(REVIEW_FIELDS) - {"priorities"}
    if unknown:
        raise TypeError(f"Not a field this service changes: {', '.join(sorted(unknown))}.")
    fields = {name: values[name] for name in REVIEW_FIELDS if name in values}
    priorities = list(values["priorities"]) if "priorities" in values else None
    return fields, priorities


def _review_problems(review: PracticeReview, priorities: list) -> list[str]:
    """Each field's own errors, named by its label; once those are right, the reference, date and family rules."""
    try:
        review.clean_fields(exclude=["partnership"])
    except ValidationError as error:
        return [
            f"{capfirst(review._meta.get_field(name).verbose_name)}: {text}"
            for name, texts in error.message_dict.items()
            for text in texts
        ]
    problems = [
        review_reference_problem(partnership_id=review.partnership_id, reference=review.reference, review_pk=review.pk)
    ]
    # The reference's uniqueness is checked above, in words; the other constraints carry their own messages.
    for check in (review.clean, lambda: review.validate_constraints(exclude={"partnership"})):
        try:
            check()
        except ValidationError as error:
            problems += error.messages
    if any(p.partnership_id != review.partnership_id for p in priorities):
        problems.append("Choose only this partnership's priorities.")
    return [problem for problem in problems if problem]


def _review_check(review: PracticeReview, priorities: list) -> None:
    problems = _review_problems(review, priorities)
    if problems:
        raise InvalidInput(problems)


def _review_snapshot(review: PracticeReview, priority_ids: Iterable[int]) -> dict:
    return _snapshot(review, REVIEW_FIELDS) | {"priorities": sorted(priority_ids)}


def review_create(*, user, partnership: Partnership, values: Mapping[str, Any]) -> PracticeReview:
    """Record a new practice review of the partnership, with the priorities it bears on."""
    if not user_can_manage_reviews(user, partnership):
        raise NotAllowed(MANAGER_ONLY)
    fields, priorities = _review_values(values)
    priorities = priorities or []
    with transaction.atomic():
        # Two reviews recorded at once must not both take one reference: the partnership's row queues them.
        Partnership.objects.select_for_update().get(pk=partnership.pk)
        review = PracticeReview(partnership=partnership, **fields)
        _review_check(review, priorities)
        review.save()
        review.priorities.set(priorities)
        after = _review_snapshot(review, [p.pk for p in priorities])
        audit_record(
            code="reviews.review.created",
            actor=user,
            partnership=partnership,
            target=review,
            data={"changes": changes_between({}, after)},
        )
    return review


def review_change(*, user, review: PracticeReview, values: Mapping[str, Any]) -> PracticeReview:
    """Change a review record: the values given are applied to the row as it is now."""
    if not user_can_manage_reviews(user, review.partnership):
        raise NotAllowed(MANAGER_ONLY)
    fields, priorities = _review_values(values)
    with transaction.atomic():
        # Parent first, as review_create does: a new reference must not clash with one taken at the same moment.
        Partnership.objects.select_for_update().get(pk=review.partnership_id)
        locked = PracticeReview.objects.select_for_update().get(pk=review.pk)
        priority_ids = list(locked.priorities.values_list("pk", flat=True))
        before = _review_snapshot(locked, priority_ids)
        for name, value in fields.items():
            setattr(locked, name, value)
        _review_check(locked, priorities or [])
        if priorities is not None:
            priority_ids = [p.pk for p in priorities]
        changes = changes_between(before, _review_snapshot(locked, priority_ids))
        if not changes:
            return locked  # nothing to write, so nothing to audit
        locked.save(update_fields=[*fields, "updated_at"])
        if "priorities" in changes:
            locked.priorities.set(priorities)
        audit_record(
            code="reviews.review.changed",
            actor=user,
            partnership=locked.partnership_id,
            target=locked,
            data={"changes": changes},
        )
    return locked
