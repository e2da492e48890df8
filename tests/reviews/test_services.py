import datetime

import pytest

from reviews.models import ActionUpdate, ReviewAction
from reviews.services import ReviewError, review_action_update, review_save
from tests.reviews.factories import ActionFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def _update(world, role, action, **changes):
    values = {"status": "in_progress", "completed_on": None, "completion_evidence": "", "impact_evidence": ""}
    return review_action_update(user=world.users[role], action=action, **{**values, **changes})


def test_lead_of_another_agency_is_refused(world):
    action = ActionFactory(owner=world.agency_a)
    with pytest.raises(ReviewError, match="Only the owning agency's lead or the business manager"):
        _update(world, "lead_b", action)
    assert not ActionUpdate.objects.exists()


def test_business_manager_may_update_any_action(world):
    action = ActionFactory(owner=world.agency_b)
    update = _update(world, "business_manager", action, note="  Chased  ")
    assert (update.from_status, update.to_status, update.note) == ("not_started", "in_progress", "Chased")


def test_completing_needs_date_and_evidence(world):
    action = ActionFactory(owner=world.agency_a)
    with pytest.raises(ReviewError, match="give the date it was completed and the evidence of completion"):
        _update(world, "lead_a", action, status="completed", completion_evidence="   ")
    assert ReviewAction.objects.get(pk=action.pk).status == "not_started"


def test_reopening_clears_the_completion_date(world):
    action = ActionFactory(
        owner=world.agency_a, status="completed", completed_on=datetime.date(2020, 1, 1), completion_evidence="Done"
    )
    _update(world, "lead_a", action, completed_on=datetime.date(2020, 1, 1), completion_evidence="Done")
    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("in_progress", None)


def test_unknown_status_is_refused(world):
    with pytest.raises(ReviewError, match="Choose a status"):
        _update(world, "lead_a", ActionFactory(owner=world.agency_a), status="overdue")


def test_only_the_business_manager_saves_reviews(world):
    review = ReviewFactory.build(partnership=world.partnership, reference="X-1")
    with pytest.raises(ReviewError, match="Only the business manager can change review records."):
        review_save(user=world.users["scrutineer"], review=review, priorities=[])
    assert not world.partnership.practice_reviews.exists()
