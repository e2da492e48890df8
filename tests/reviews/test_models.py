import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from reviews.models import ActionStatus, ReviewAction
from tests.reviews.factories import ActionFactory, ReviewFactory, RiskFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def test_reference_is_unique_within_a_partnership(world):
    ReviewFactory(partnership=world.partnership, reference="SCR-1")
    with pytest.raises(IntegrityError):
        ReviewFactory(partnership=world.partnership, reference="SCR-1")


def test_same_reference_is_allowed_in_another_partnership(world):
    ReviewFactory(partnership=world.partnership, reference="SCR-1")
    ReviewFactory(reference="SCR-1")


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("became_aware_on", "notification_sent_on"),
        ("notification_sent_on", "rapid_review_sent_on"),
        ("rapid_review_sent_on", "panel_response_on"),
        ("became_aware_on", "decision_on"),
        ("decision_on", "commissioned_on"),
        ("commissioned_on", "completed_on"),
        ("completed_on", "published_on"),
        ("published_on", "removal_due_on"),
    ],
)
def test_a_later_step_cannot_be_dated_before_the_earlier_one(world, earlier, later):
    with pytest.raises(IntegrityError):
        ReviewFactory(partnership=world.partnership, **{earlier: D(2020, 1, 10), later: D(2020, 1, 9)})


def test_steps_on_the_same_day_are_allowed(world):
    review = ReviewFactory(
        partnership=world.partnership, became_aware_on=D(2020, 1, 9), notification_sent_on=D(2020, 1, 9)
    )
    assert review.pk


def test_step_order_message_says_what_to_do(world):
    review = ReviewFactory.build(
        partnership=world.partnership, became_aware_on=D(2020, 1, 10), notification_sent_on=D(2020, 1, 9)
    )
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert (
        "Serious incident notification sent to the national panel cannot be before "
        "partnership became aware of the incident. Check both dates."
    ) in str(error.value)


def test_a_review_needs_a_start_date(world):
    with pytest.raises(IntegrityError):
        ReviewFactory(partnership=world.partnership, became_aware_on=None)


def test_family_cannot_engage_without_being_invited(world):
    with pytest.raises(IntegrityError):
        ReviewFactory(partnership=world.partnership, family_invited=False, family_engaged=True)


def test_completed_action_needs_evidence_and_date(world):
    with pytest.raises(IntegrityError):
        ActionFactory(owner=world.agency_a, status=ActionStatus.COMPLETED, completed_on=D(2020, 1, 1))


def test_completed_action_with_evidence_is_saved(world):
    action = ActionFactory(
        owner=world.agency_a,
        status=ActionStatus.COMPLETED,
        completed_on=D(2020, 1, 1),
        completion_evidence="Audit done.",
    )
    assert ReviewAction.objects.get(pk=action.pk).status == ActionStatus.COMPLETED


def test_open_action_has_no_completion_date(world):
    with pytest.raises(IntegrityError):
        ActionFactory(owner=world.agency_a, status=ActionStatus.IN_PROGRESS, completed_on=D(2020, 1, 1))


def test_overdue_is_computed_from_the_due_date(world):
    action = ActionFactory.build(owner=world.agency_a, due_on=D(2020, 3, 31), status=ActionStatus.IN_PROGRESS)
    assert action.is_overdue(D(2020, 3, 31)) is False
    assert action.is_overdue(D(2020, 4, 1)) is True
    action.status = ActionStatus.COMPLETED
    assert action.is_overdue(D(2020, 4, 1)) is False


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 3), (3, 0), (3, 6)])
def test_risk_scores_are_one_to_five(world, likelihood, impact):
    with pytest.raises(IntegrityError):
        RiskFactory(partnership=world.partnership, owner=world.agency_a, likelihood=likelihood, impact=impact)


def test_risk_rating_is_likelihood_times_impact(world):
    assert RiskFactory(partnership=world.partnership, owner=world.agency_a, likelihood=4, impact=5).rating == 20
