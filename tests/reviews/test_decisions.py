"""The record of decisions and actions on review recommendations (reviews.stats.review_decisions), by hand count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnership.models import Subgroup
from reviews.models import ActionStatus, DecidedBy, Decision, ReviewKind, ReviewStatus
from reviews.stats import review_decisions, review_statistics
from tests.factories import PartnershipFactory
from tests.reviews.factories import ActionFactory, RecommendationFactory, ReviewFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def _review(world, reference, kind, **values):
    values.setdefault("became_aware_on", None)
    return ReviewFactory(partnership=world.partnership, reference=reference, kind=kind, **values)


SEPTEMBER_1 = D(2019, 9, 1)


def _decided(review, number, decision, *, by=DecidedBy.BOARD, subgroup=None, on=SEPTEMBER_1, text="Agreed."):
    return RecommendationFactory(
        review=review, number=number, text=f"Recommendation {number} of {review.reference}.",
        decision=decision, decision_text=text, decided_by=by, decided_by_subgroup=subgroup, decided_on=on,
    )  # fmt: skip


def _completed(rec, owner, number=1, **values):
    return ActionFactory(
        recommendation=rec, number=number, owner=owner, status=ActionStatus.COMPLETED,
        completed_on=D(2020, 1, 15), completion_evidence="Audit done.", **values,
    )  # fmt: skip


@pytest.fixture
def record(world):
    """2019/20 (1 Apr 2019 to 31 Mar 2020): two LCSPRs, three learning reviews, one old SCR with an open action,
    one national review; three reviews out of scope."""
    council, police = world.agency_a, world.agency_b
    group = Subgroup.objects.create(partnership=world.partnership, name="Case Review Group", slug="crg")
    l1 = _review(world, "L1", ReviewKind.LCSPR, title="Child P", summary="Neglect of a toddler.",
                 became_aware_on=D(2019, 6, 1), notification_sent_on=D(2019, 6, 5),
                 completed_on=D(2019, 12, 1))  # fmt: skip
    l1r1 = _decided(l1, 1, Decision.ACCEPTED)
    _completed(l1r1, council, improvement="Referrals reach the front door within a day.")
    ActionFactory(recommendation=l1r1, number=2, owner=police, status=ActionStatus.IN_PROGRESS, due_on=D(2020, 1, 31))
    l1r2 = _decided(l1, 2, Decision.ACCEPTED_IN_PART, by=DecidedBy.SUBGROUP, subgroup=group, on=D(2019, 10, 1))
    ActionFactory(recommendation=l1r2, number=1, owner=council, due_on=D(2020, 12, 31))
    RecommendationFactory(review=l1, number=3)  # awaiting a decision
    l2 = _review(world, "L2", ReviewKind.LCSPR, title="Child Q", became_aware_on=D(2019, 11, 1))
    _decided(l2, 1, Decision.NOT_ACCEPTED, text="Already covered by the neglect strategy.")

    g1 = _review(world, "G1", ReviewKind.LOCAL_LEARNING_REVIEW, title="Young Person R", summary="Exploitation.",
                 decision_on=D(2019, 5, 1), completed_on=D(2019, 11, 30), published_on=D(2020, 1, 10))  # fmt: skip
    _completed(_decided(g1, 1, Decision.ACCEPTED), police)
    g2 = _review(world, "G2", ReviewKind.LOCAL_LEARNING_REVIEW, title="Infant S", decision_on=D(2019, 8, 1))
    RecommendationFactory(review=g2, number=1)
    g3 = _review(world, "G3", ReviewKind.LOCAL_LEARNING_REVIEW, title="Sibling group T", decision_on=D(2019, 9, 1))
    g3r1 = _decided(g3, 1, Decision.ACCEPTED_IN_PART)
    _completed(g3r1, council)
    ActionFactory(recommendation=g3r1, number=2, owner=police, status=ActionStatus.IN_PROGRESS, due_on=D(2020, 6, 1))

    # Finished long before the period, but one action is still open: its record belongs in this year's report.
    x2 = _review(world, "X2", ReviewKind.SCR, status=ReviewStatus.PUBLISHED, commissioned_on=D(2017, 1, 1),
                 completed_on=D(2018, 6, 1), published_on=D(2018, 9, 1))  # fmt: skip
    ActionFactory(recommendation=RecommendationFactory(review=x2, number=1), owner=council, due_on=D(2019, 3, 31))
    n1 = _review(world, "N1", ReviewKind.NATIONAL, title="Thematic review of infant safety",
                 published_on=D(2019, 7, 1))  # fmt: skip
    n1r1 = _decided(n1, 1, Decision.ACCEPTED, on=D(2019, 9, 10))
    ActionFactory(recommendation=n1r1, number=1, owner=council, status=ActionStatus.IN_PROGRESS, due_on=D(2020, 9, 1))

    # Out of scope: finished before the period with every action done before it; started after it; elsewhere.
    x1 = _review(world, "X1", ReviewKind.SCR, status=ReviewStatus.CLOSED, commissioned_on=D(2017, 1, 1),
                 completed_on=D(2018, 6, 1), published_on=D(2018, 9, 1))  # fmt: skip
    old = _decided(x1, 1, Decision.ACCEPTED, on=D(2018, 7, 1))
    ActionFactory(recommendation=old, owner=council, status=ActionStatus.COMPLETED, completed_on=D(2018, 12, 1),
                  completion_evidence="Done.")  # fmt: skip
    _review(world, "L9", ReviewKind.LCSPR, became_aware_on=D(2020, 5, 1))
    ReviewFactory(partnership=PartnershipFactory(), reference="L1", kind=ReviewKind.LCSPR)
    return world


def _groups(decisions):
    return {group.kind: group for group in decisions.groups}


def test_each_kind_counts_recommendations_decisions_and_actions(record):
    decisions = review_decisions(period=record.period, threshold=3)
    counts = [
        (g.kind, g.reviews_count, g.recommendations, g.accepted, g.accepted_in_part, g.not_accepted, g.undecided,
         g.actions, g.actions_completed)
        for g in decisions.groups
    ]  # fmt: skip
    assert counts == [
        ("lcspr", 2, 4, 1, 1, 1, 1, 3, 1),
        ("scr", 1, 1, 0, 0, 0, 1, 1, 0),
        ("local_learning_review", 3, 3, 1, 1, 0, 1, 3, 2),
        ("national", 1, 1, 1, 0, 0, 0, 1, 0),
    ]
    assert decisions.reviews_count == 7
    assert decisions.as_of == D(2020, 3, 31)


def test_a_kind_with_fewer_reviews_than_the_threshold_withholds_what_could_identify_the_child(record):
    lcspr = _groups(review_decisions(period=record.period, threshold=3))["lcspr"]
    assert lcspr.withheld is True
    assert [(r.heading, r.summary, r.dates) for r in lcspr.reviews] == [("Review 1", "", ()), ("Review 2", "", ())]
    # The recommendations, decisions and actions are still there in full.
    first = lcspr.reviews[0].recommendations
    assert [(r.number, r.decision, r.decided_by, r.decided_on) for r in first] == [
        (1, "Accepted", "the partnership board", D(2019, 9, 1)),
        (2, "Accepted in part", "the Case Review Group", D(2019, 10, 1)),
        (3, "", "", None),
    ]
    assert [(a.number, a.owner, a.status, a.overdue, a.improvement) for a in first[0].actions] == [
        ("1.1", "Council", "Completed", False, "Referrals reach the front door within a day."),
        ("1.2", "Police", "In progress", True, ""),
    ]
    assert lcspr.reviews[1].recommendations[0].decision_text == "Already covered by the neglect strategy."


def test_a_kind_with_as_many_reviews_as_the_threshold_shows_them(record):
    learning = _groups(review_decisions(period=record.period, threshold=3))["local_learning_review"]
    assert learning.withheld is False
    assert [r.heading for r in learning.reviews] == ["G1: Young Person R", "G2: Infant S", "G3: Sibling group T"]
    assert learning.reviews[0].summary == "Exploitation."
    assert learning.reviews[0].dates == (("Completed", D(2019, 11, 30)), ("Published", D(2020, 1, 10)))


@pytest.mark.parametrize(("threshold", "withheld"), [(2, False), (3, True)])
def test_the_threshold_boundary_for_two_reviews(record, threshold, withheld):
    assert _groups(review_decisions(period=record.period, threshold=threshold))["lcspr"].withheld is withheld


@pytest.mark.parametrize(("threshold", "withheld"), [(3, False), (4, True)])
def test_the_threshold_boundary_for_three_reviews(record, threshold, withheld):
    group = _groups(review_decisions(period=record.period, threshold=threshold))["local_learning_review"]
    assert group.withheld is withheld
    assert (group.reviews[0].heading == "Review 1") is withheld


def test_the_reviews_block_leaves_national_reviews_to_the_decisions_block(record):
    kinds = dict(review_statistics(period=record.period).reviews_by_kind)
    assert "National panel review" not in kinds
    assert kinds["Local child safeguarding practice review"] == 2


def test_an_empty_period_has_no_groups(world):
    assert review_decisions(period=world.period, threshold=5).groups == ()


def test_queries_stay_constant_as_reviews_grow(record):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            review_decisions(period=record.period, threshold=3)
        return len(queries)

    before = count()
    for n in range(6):
        review = _review(record, f"M{n}", ReviewKind.RAPID_REVIEW, became_aware_on=D(2019, 10, 1))
        rec = _decided(review, 1, Decision.ACCEPTED)
        _completed(rec, record.agency_a)
        ActionFactory(recommendation=rec, number=2, owner=record.agency_b)
    assert count() == before == 3
