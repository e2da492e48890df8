"""Recommendations, decisions on them and the actions they set: services and the business manager's pages."""

import datetime

import pytest
from django.urls import reverse

from lib.errors import InvalidInput, NotAllowed
from partnership.models import AuditEntry, Subgroup
from reviews.models import DecidedBy, Decision, Recommendation, ReviewAction
from reviews.recommendations import recommendation_add, recommendation_decide, review_action_add
from reviews.services import review_action_update
from tests.factories import AgencyFactory, PartnershipFactory
from tests.reviews.factories import ActionFactory, RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2020, 7, 1)


def only_entry() -> AuditEntry:
    entries = list(AuditEntry.objects.all())
    assert len(entries) == 1, [entry.code for entry in entries]
    return entries[0]


@pytest.fixture
def review(world):
    return ReviewFactory(partnership=world.partnership, reference="LCSPR-1", title="Child P")


@pytest.fixture
def group(world):
    return Subgroup.objects.create(partnership=world.partnership, name="Case Review Group", slug="crg")


def _decide(world, recommendation, role="business_manager", **changes):
    values = {
        "decision": Decision.ACCEPTED,
        "decision_text": "The board agreed to revise the neglect guidance.",
        "decided_by": DecidedBy.BOARD,
        "decided_by_subgroup": None,
        "decided_on": D(2020, 6, 3),
    }
    return recommendation_decide(
        user=world.users[role], recommendation=recommendation, today=TODAY, **{**values, **changes}
    )


# Recommendations ------------------------------------------------------------


def test_the_manager_adds_a_recommendation_numbered_after_the_last(world, review):
    RecommendationFactory(review=review, number=4)
    recommendation = recommendation_add(user=world.users["business_manager"], review=review, text="  Share sooner. ")
    assert (recommendation.number, recommendation.text, recommendation.decision) == (5, "Share sooner.", "")
    entry = only_entry()
    assert (entry.code, entry.actor, entry.target_id) == (
        "reviews.recommendation.added",
        world.users["business_manager"],
        recommendation.pk,
    )


@pytest.mark.parametrize("role", ["lead_a", "scrutineer", "outsider"])
def test_only_the_manager_adds_recommendations(world, review, role):
    with pytest.raises(NotAllowed):
        recommendation_add(user=world.users[role], review=review, text="Share sooner.")
    assert not Recommendation.objects.exists() and not AuditEntry.objects.exists()


def test_an_empty_recommendation_is_refused(world, review):
    with pytest.raises(InvalidInput, match="Enter the recommendation."):
        recommendation_add(user=world.users["business_manager"], review=review, text="   ")
    assert not Recommendation.objects.exists()


# Decisions ------------------------------------------------------------------


def test_the_decision_is_recorded_with_who_and_when_and_audited(world, review, group):
    recommendation = RecommendationFactory(review=review, number=1)
    _decide(world, recommendation, decided_by=DecidedBy.SUBGROUP, decided_by_subgroup=group)
    recommendation.refresh_from_db()
    assert (recommendation.decision, recommendation.decided_by, recommendation.decided_by_subgroup) == (
        "accepted",
        "subgroup",
        group,
    )
    entry = only_entry()
    assert entry.code == "reviews.recommendation.decided"
    assert entry.data["changes"]["decision"] == ["", "accepted"]
    assert entry.data["changes"]["decided_by_subgroup"] == [None, group.pk]


def test_a_board_decision_keeps_no_subgroup(world, review, group):
    recommendation = RecommendationFactory(review=review, number=1)
    _decide(world, recommendation, decided_by=DecidedBy.BOARD, decided_by_subgroup=group)
    recommendation.refresh_from_db()
    assert (recommendation.decided_by, recommendation.decided_by_subgroup) == ("board", None)


def test_saving_the_same_decision_again_writes_nothing(world, review):
    recommendation = RecommendationFactory(review=review, number=1)
    _decide(world, recommendation)
    _decide(world, recommendation)
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"decision": "maybe"}, "Choose the decision: accepted, accepted in part or not accepted."),
        ({"decision_text": " "}, "Enter what was decided."),
        ({"decided_by": ""}, "Choose who decided: the partnership board or a subgroup."),
        ({"decided_by": DecidedBy.SUBGROUP}, "Choose the subgroup that decided."),
        ({"decided_on": None}, "Enter the date of the decision."),
        (
            {"decided_on": D(2020, 7, 2)},
            "The date of the decision cannot be in the future. Enter 01/07/2020 or earlier.",
        ),
    ],
)
def test_an_incomplete_decision_is_refused_and_nothing_changes(world, review, changes, message):
    recommendation = RecommendationFactory(review=review, number=1)
    with pytest.raises(InvalidInput) as refused:
        _decide(world, recommendation, **changes)
    assert refused.value.errors == [message]
    recommendation.refresh_from_db()
    assert recommendation.decision == "" and not AuditEntry.objects.exists()


def test_another_partnerships_subgroup_is_refused(world, review):
    elsewhere = Subgroup.objects.create(partnership=PartnershipFactory(), name="Elsewhere", slug="elsewhere")
    recommendation = RecommendationFactory(review=review, number=1)
    with pytest.raises(InvalidInput, match="Choose one of this partnership's subgroups."):
        _decide(world, recommendation, decided_by=DecidedBy.SUBGROUP, decided_by_subgroup=elsewhere)


@pytest.mark.parametrize("role", ["lead_a", "scrutineer"])
def test_only_the_manager_records_decisions(world, review, role):
    recommendation = RecommendationFactory(review=review, number=1)
    with pytest.raises(NotAllowed):
        _decide(world, recommendation, role=role)


# Actions ----------------------------------------------------------------------


def test_the_manager_sets_an_action_owned_by_an_agency(world, review):
    recommendation = RecommendationFactory(review=review, number=2)
    ActionFactory(recommendation=recommendation, number=1, owner=world.agency_a)
    action = review_action_add(
        user=world.users["business_manager"], recommendation=recommendation, description="Audit escalation.",
        owner=world.agency_b, due_on=D(2021, 3, 31),
    )  # fmt: skip
    assert (action.number, action.owner, action.status) == (2, world.agency_b, "not_started")
    assert only_entry().code == "reviews.action.added"


def test_an_action_owned_by_another_partnerships_agency_is_refused(world, review):
    recommendation = RecommendationFactory(review=review, number=1)
    with pytest.raises(InvalidInput, match="Choose one of this partnership's agencies to own the action."):
        review_action_add(
            user=world.users["business_manager"], recommendation=recommendation, description="Audit.",
            owner=AgencyFactory(partnership=PartnershipFactory()), due_on=D(2021, 3, 31),
        )  # fmt: skip
    assert not ReviewAction.objects.exists()


def test_a_lead_cannot_set_actions(world, review):
    recommendation = RecommendationFactory(review=review, number=1)
    with pytest.raises(NotAllowed):
        review_action_add(
            user=world.users["lead_a"], recommendation=recommendation, description="Audit.",
            owner=world.agency_a, due_on=D(2021, 3, 31),
        )  # fmt: skip


def _update(world, role, action, **extra):
    return review_action_update(
        user=world.users[role], action=action, status="in_progress", completed_on=None,
        completion_evidence="", impact_evidence="", **extra,
    )  # fmt: skip


def test_the_owning_lead_records_what_improved(world):
    action = ActionFactory(owner=world.agency_a)
    _update(world, "lead_a", action, improvement="  Children are seen sooner. ")
    action.refresh_from_db()
    assert action.improvement == "Children are seen sooner."
    assert only_entry().data["changes"]["improvement"] == ["", "Children are seen sooner."]


def test_an_update_that_does_not_mention_what_improved_keeps_it(world):
    action = ActionFactory(owner=world.agency_a, improvement="Children are seen sooner.")
    _update(world, "lead_a", action)
    action.refresh_from_db()
    assert action.improvement == "Children are seen sooner."


def test_another_agencys_lead_cannot_record_what_improved(world):
    action = ActionFactory(owner=world.agency_a)
    with pytest.raises(NotAllowed):
        _update(world, "lead_b", action, improvement="Better.")
    action.refresh_from_db()
    assert action.improvement == ""


# Pages --------------------------------------------------------------------------


def _url(name, review, **extra):
    return reverse(name, kwargs={"partnership_slug": "tsp", "reference": review.reference, **extra})


def test_the_manager_records_a_decision_on_the_page(world, client_as, review, group):
    RecommendationFactory(review=review, number=1)
    response = client_as("business_manager").post(
        _url("reviews:recommendation_decision", review, number=1),
        {"decision": "not_accepted", "decision_text": "Covered by the neglect strategy.", "decided_by": "subgroup",
         "decided_by_subgroup": group.pk, "decided_on": "2020-06-03"},
    )  # fmt: skip
    assert response.status_code == 302
    detail = client_as("business_manager").get(response.url).content.decode()
    assert "<strong>Not accepted</strong> by the Case Review Group on 3 June 2020" in detail


def test_a_decision_page_with_a_missing_subgroup_says_what_to_do(world, client_as, review):
    RecommendationFactory(review=review, number=1)
    response = client_as("business_manager").post(
        _url("reviews:recommendation_decision", review, number=1),
        {"decision": "accepted", "decision_text": "Agreed.", "decided_by": "subgroup", "decided_on": "2020-06-03"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "Select the subgroup that decided, or choose the board." in page
    assert Recommendation.objects.get().decision == ""


def test_the_manager_adds_a_recommendation_and_an_action_on_the_pages(world, client_as, review):
    client = client_as("business_manager")
    assert client.post(_url("reviews:recommendation_add", review), {"text": "Share sooner."}).status_code == 302
    response = client.post(
        _url("reviews:action_add", review, number=1),
        {"description": "Audit escalation.", "owner": world.agency_a.pk, "due_on": "2021-03-31"},
    )
    assert response.status_code == 302
    action = ReviewAction.objects.get()
    assert (action.recommendation.text, action.owner, action.due_on) == (
        "Share sooner.",
        world.agency_a,
        D(2021, 3, 31),
    )


def test_an_unknown_recommendation_is_not_found(world, client_as, review):
    assert client_as("business_manager").get(_url("reviews:action_add", review, number=9)).status_code == 404


def test_the_owning_lead_records_what_improved_on_the_update_page(world, client_as):
    action = ActionFactory(recommendation=RecommendationFactory(review=ReviewFactory(partnership=world.partnership)),
                           owner=world.agency_a)  # fmt: skip
    url = reverse("reviews:action_update", kwargs={"partnership_slug": "tsp", "action_id": action.pk})
    response = client_as("lead_a").post(url, {"status": "in_progress", "improvement": "Seen sooner."})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.improvement == "Seen sooner."
    assert client_as("lead_b").post(url, {"status": "in_progress", "improvement": "X"}).status_code == 404
    assert "Seen sooner.</textarea>" in client_as("lead_a").get(url).content.decode()


def test_a_national_review_is_dated_by_its_publication_alone(world):
    from reviews.services import review_create

    review = review_create(
        user=world.users["business_manager"], partnership=world.partnership,
        values={"reference": "NAT-1", "title": "National review of infant safety", "kind": "national",
                "status": "published", "published_on": D(2020, 7, 22)},
    )  # fmt: skip
    assert (review.kind, review.became_aware_on, review.published_on) == ("national", None, D(2020, 7, 22))
