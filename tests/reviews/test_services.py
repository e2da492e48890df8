"""Review services: who may call them, the one audit entry each writes, bad input, and the lock before the change."""

import datetime

import pytest

from lib.errors import InvalidInput, NotAllowed
from partnership.models import AuditEntry, Priority
from reviews.models import ActionUpdate, PracticeReview, ReviewAction
from reviews.services import ReviewError, review_action_update, review_change, review_create
from tests.factories import PartnershipFactory
from tests.reviews.factories import ActionFactory, ReviewFactory

pytestmark = pytest.mark.django_db
D = datetime.date
MANAGER_ONLY = "Only the business manager can change review records."


def only_entry() -> AuditEntry:
    entries = list(AuditEntry.objects.all())
    assert len(entries) == 1, [entry.code for entry in entries]
    return entries[0]


def assert_entry(entry, *, code, actor, target, partnership):
    assert (entry.code, entry.actor, entry.partnership_id) == (code, actor, partnership.pk)
    assert (entry.target_type.model_class(), entry.target_id) == (type(target), target.pk)


def _update(world, role, action, **changes):
    values = {"status": "in_progress", "completed_on": None, "completion_evidence": "", "impact_evidence": ""}
    return review_action_update(user=world.users[role], action=action, **{**values, **changes})


# Review actions -------------------------------------------------------------


@pytest.mark.parametrize("role", ["lead_b", "scrutineer"])
def test_other_roles_are_refused_an_action_update(world, role):
    action = ActionFactory(owner=world.agency_a)
    with pytest.raises(NotAllowed, match="Only the owning agency's lead or the business manager can update"):
        _update(world, role, action)
    assert ReviewAction.objects.get(pk=action.pk).status == "not_started"
    assert not ActionUpdate.objects.exists()
    assert not AuditEntry.objects.exists()


def test_business_manager_may_update_any_action(world):
    action = ActionFactory(owner=world.agency_b)
    update = _update(world, "business_manager", action, note="  Chased  ")
    assert (update.from_status, update.to_status, update.note) == ("not_started", "in_progress", "Chased")


def test_an_action_update_writes_a_history_row_and_one_audit_entry(world):
    action = ActionFactory(owner=world.agency_a)
    _update(
        world,
        "lead_a",
        action,
        status="completed",
        completed_on=D(2020, 2, 3),
        completion_evidence=" Audit report ",
        note="Done",
    )
    assert ActionUpdate.objects.get().code == "reviews.action.completed"
    entry = only_entry()
    assert_entry(
        entry, code="reviews.action.updated", actor=world.users["lead_a"], target=action, partnership=world.partnership
    )
    assert entry.data == {
        "changes": {
            "status": ["not_started", "completed"],
            "completed_on": [None, "2020-02-03"],
            "completion_evidence": ["", "Audit report"],
        },
        "note": "Done",
    }


def test_an_action_update_starts_from_the_locked_row_not_the_callers_copy(world):
    """A copy read before someone else's update does not decide 'from' in the history or 'before' in the audit."""
    action = ActionFactory(owner=world.agency_a)
    stale = ReviewAction.objects.get(pk=action.pk)
    stale.status = "completed"  # edited in memory only
    ReviewAction.objects.filter(pk=action.pk).update(status="in_progress", impact_evidence="Fewer re-referrals")
    update = _update(world, "lead_a", stale, impact_evidence="Fewer re-referrals")
    assert (update.from_status, update.to_status) == ("in_progress", "in_progress")
    assert only_entry().data == {"changes": {}, "note": ""}


def test_completing_needs_date_and_evidence(world):
    action = ActionFactory(owner=world.agency_a)
    with pytest.raises(ReviewError, match="give the date it was completed and the evidence of completion"):
        _update(world, "lead_a", action, status="completed", completion_evidence="   ")
    assert ReviewAction.objects.get(pk=action.pk).status == "not_started"
    assert not AuditEntry.objects.exists()


def test_reopening_clears_the_completion_date(world):
    action = ActionFactory(
        owner=world.agency_a, status="completed", completed_on=datetime.date(2020, 1, 1), completion_evidence="Done"
    )
    _update(world, "lead_a", action, completed_on=datetime.date(2020, 1, 1), completion_evidence="Done")
    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("in_progress", None)
    assert only_entry().data["changes"] == {
        "status": ["completed", "in_progress"],
        "completed_on": ["2020-01-01", None],
    }


def test_unknown_status_is_refused(world):
    with pytest.raises(ReviewError, match="Choose a status"):
        _update(world, "lead_a", ActionFactory(owner=world.agency_a), status="overdue")
    assert not AuditEntry.objects.exists()


# Practice reviews -----------------------------------------------------------

NO_START = (
    "Give the date the partnership became aware, decided on or commissioned the review "
    "(for a national review, the date the panel published it)."
)
REVIEW = {
    "reference": "CSPR-9",
    "title": "Child Z",
    "kind": "lcspr",
    "status": "scoping",
    "summary": "",
    "became_aware_on": D(2020, 1, 6),
    "notification_sent_on": D(2020, 1, 10),
    "lead_reviewer": "Independent reviewer",
    "family_invited": True,
    "family_engaged": False,
    "learning_themes": "Neglect",
}


@pytest.fixture
def manager(world):
    return world.users["business_manager"]


def test_business_manager_records_a_review_with_one_audit_entry(world, manager):
    priority = Priority.objects.create(partnership=world.partnership, position=1, title="Neglect")
    review = review_create(user=manager, partnership=world.partnership, values=REVIEW | {"priorities": [priority]})
    review = PracticeReview.objects.get(pk=review.pk)
    assert (review.reference, review.notification_sent_on, list(review.priorities.all())) == (
        "CSPR-9", D(2020, 1, 10), [priority],
    )  # fmt: skip
    entry = only_entry()
    assert_entry(entry, code="reviews.review.created", actor=manager, target=review, partnership=world.partnership)
    assert entry.data["changes"] == {
        "reference": [None, "CSPR-9"],
        "title": [None, "Child Z"],
        "kind": [None, "lcspr"],
        "status": [None, "scoping"],
        "summary": [None, ""],
        "became_aware_on": [None, "2020-01-06"],
        "notification_sent_on": [None, "2020-01-10"],
        "lead_reviewer": [None, "Independent reviewer"],
        "family_invited": [None, True],
        "family_engaged": [None, False],
        "learning_themes": [None, "Neglect"],
        "priorities": [None, [priority.pk]],
    }


@pytest.mark.parametrize("role", ["scrutineer", "lead_a"])
def test_other_roles_are_refused_a_new_review(world, role):
    with pytest.raises(NotAllowed, match=MANAGER_ONLY):
        review_create(user=world.users[role], partnership=world.partnership, values=REVIEW)
    assert not PracticeReview.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"reference": "RR-1"}, ["Another review already has the reference RR-1. Choose a different one."]),
        (
            {"notification_sent_on": D(2020, 1, 3)},
            [
                "Serious incident notification sent to the national panel cannot be before partnership became "
                "aware of the incident. Check both dates."
            ],
        ),
        (
            {"decision_on": D(2020, 3, 2), "published_on": D(2020, 2, 3)},
            ["Review published cannot be before decision to hold a local review. Check both dates."],
        ),
        (
            {"family_invited": False, "family_engaged": True},
            ["A family cannot have engaged without being invited. Tick 'family invited'."],
        ),
        (
            {"became_aware_on": None, "notification_sent_on": None},
            [NO_START],
        ),
        (  # only a national review is dated by its publication alone
            {"became_aware_on": None, "notification_sent_on": None, "published_on": D(2020, 7, 1)},
            [NO_START],
        ),
        ({"kind": "inquest"}, ["Kind: Value 'inquest' is not a valid choice."]),
        (
            {"reference": "CSPR 9"},
            ["Reference: Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."],
        ),
    ],
)
def test_a_bad_review_is_refused_with_a_message_and_nothing_is_written(world, manager, changes, errors):
    ReviewFactory(partnership=world.partnership, reference="RR-1")
    with pytest.raises(InvalidInput) as caught:
        review_create(user=manager, partnership=world.partnership, values=REVIEW | changes)
    assert caught.value.errors == errors
    assert PracticeReview.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_another_partnerships_priority_is_refused(world, manager):
    stranger = Priority.objects.create(partnership=PartnershipFactory(), position=1, title="Elsewhere")
    with pytest.raises(InvalidInput, match="Choose only this partnership's priorities."):
        review_create(user=manager, partnership=world.partnership, values=REVIEW | {"priorities": [stranger]})
    assert not PracticeReview.objects.exists()
    assert not AuditEntry.objects.exists()


def test_changing_a_review_audits_what_changed(world, manager):
    review = ReviewFactory(partnership=world.partnership, reference="RR-1", title="Child B")
    review_change(user=manager, review=review, values={"title": "Child C", "status": "in_progress"})
    review.refresh_from_db()
    assert (review.title, review.status) == ("Child C", "in_progress")
    entry = only_entry()
    assert_entry(entry, code="reviews.review.changed", actor=manager, target=review, partnership=world.partnership)
    assert entry.data == {"changes": {"title": ["Child B", "Child C"], "status": ["scoping", "in_progress"]}}


def test_a_stale_review_does_not_overwrite_what_it_was_not_given(world, manager):
    """The service re-reads the row under its lock: a copy a form has edited in memory is never saved."""
    review = ReviewFactory(partnership=world.partnership, reference="RR-1", title="Child B")
    stale = PracticeReview.objects.get(pk=review.pk)
    stale.summary = "Edited in memory only"
    PracticeReview.objects.filter(pk=review.pk).update(
        lead_reviewer="Changed meanwhile", notification_sent_on=D(2019, 12, 24)
    )
    review_change(user=manager, review=stale, values={"notification_sent_on": D(2019, 12, 27)})
    review.refresh_from_db()
    assert (review.summary, review.lead_reviewer, review.notification_sent_on) == (
        "An anonymised summary.", "Changed meanwhile", D(2019, 12, 27),
    )  # fmt: skip
    assert only_entry().data == {"changes": {"notification_sent_on": ["2019-12-24", "2019-12-27"]}}


def test_the_date_rules_apply_to_the_row_as_it_is_now(world, manager):
    """Only the notification date is given; the awareness date the row holds orders it, not the caller's copy."""
    review = ReviewFactory(partnership=world.partnership, reference="RR-1", became_aware_on=D(2019, 12, 23))
    stale = PracticeReview.objects.get(pk=review.pk)
    stale.became_aware_on = D(2019, 12, 1)
    with pytest.raises(InvalidInput, match="cannot be before partnership became aware of the incident"):
        review_change(user=manager, review=stale, values={"notification_sent_on": D(2019, 12, 20)})
    assert PracticeReview.objects.get(pk=review.pk).notification_sent_on is None
    assert not AuditEntry.objects.exists()


def test_saving_a_review_unchanged_writes_no_entry(world, manager):
    review = ReviewFactory(partnership=world.partnership, reference="RR-1", title="Child B")
    review_change(user=manager, review=review, values={"title": "Child B", "priorities": []})
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", ["scrutineer", "lead_a"])
def test_other_roles_are_refused_a_review_change(world, role):
    review = ReviewFactory(partnership=world.partnership, reference="RR-1", title="Child B")
    with pytest.raises(NotAllowed, match=MANAGER_ONLY):
        review_change(user=world.users[role], review=review, values={"title": "Child C"})
    assert PracticeReview.objects.get(pk=review.pk).title == "Child B"
    assert not AuditEntry.objects.exists()


def test_changing_a_review_to_anothers_reference_is_refused(world, manager):
    review = ReviewFactory(partnership=world.partnership, reference="RR-1")
    ReviewFactory(partnership=world.partnership, reference="RR-2")
    with pytest.raises(InvalidInput) as caught:
        review_change(user=manager, review=review, values={"reference": "RR-2"})
    assert caught.value.errors == ["Another review already has the reference RR-2. Choose a different one."]
    assert PracticeReview.objects.get(pk=review.pk).reference == "RR-1"
    assert not AuditEntry.objects.exists()


@pytest.fixture
def writes(monkeypatch):
    """Every row lock and every save, in order, by model name."""
    from django.db.models import Model, QuerySet

    seen = []
    lock, save = QuerySet.select_for_update, Model.save

    def spy_lock(self, *args, **kwargs):
        seen.append(("lock", self.model.__name__))
        return lock(self, *args, **kwargs)

    def spy_save(self, *args, **kwargs):
        seen.append(("save", type(self).__name__))
        return save(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy_lock)
    monkeypatch.setattr(Model, "save", spy_save)
    return seen


def test_a_review_is_locked_before_it_is_changed(world, manager, writes):
    review = ReviewFactory(partnership=world.partnership, reference="RR-1", title="Child B")
    writes.clear()
    review_change(user=manager, review=review, values={"title": "Child C"})
    assert writes[:3] == [("lock", "Partnership"), ("lock", "PracticeReview"), ("save", "PracticeReview")]


def test_a_new_review_waits_for_the_partnership_lock(world, manager, writes):
    review_create(user=manager, partnership=world.partnership, values=REVIEW)
    assert writes[:2] == [("lock", "Partnership"), ("save", "PracticeReview")]


def test_an_action_is_locked_before_it_is_changed(world, writes):
    action = ActionFactory(owner=world.agency_a)
    writes.clear()
    _update(world, "lead_a", action)
    assert writes[:3] == [("lock", "ReviewAction"), ("save", "ReviewAction"), ("save", "ActionUpdate")]
