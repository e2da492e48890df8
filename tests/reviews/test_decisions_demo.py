"""The demo's 2020/21 decisions and actions (reviews.demo.review_decisions_demo_load) on a factory period."""

import datetime

import pytest

from demo.loader import DEMO_DIR, demo_base_load
from reviews.demo import review_decisions_demo_load, reviews_demo_load
from reviews.models import PracticeReview, Recommendation, ReviewAction
from reviews.stats import review_decisions, review_statistics
from tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db
NEXT = DEMO_DIR.parent / "dudley-2020-21" / "review_decisions.yaml"


@pytest.fixture
def demo():
    result = demo_base_load(password="demo-correct-horse-battery")
    reviews_demo_load(partnership=result.partnership, period=result.period, path=DEMO_DIR / "reviews.yaml")
    result.next_period = PeriodFactory(
        partnership=result.partnership, label="2020/21", slug="2020-21",
        start=datetime.date(2020, 4, 1), end=datetime.date(2021, 3, 31), submission_deadline=datetime.date(2021, 9, 30),
    )  # fmt: skip
    return result


def _counts():
    return (PracticeReview.objects.count(), Recommendation.objects.count(), ReviewAction.objects.count())


def test_the_loader_is_idempotent_and_leaves_2019_20_figures_alone(demo):
    before = review_statistics(period=demo.period)
    assert review_decisions_demo_load(partnership=demo.partnership, period=demo.next_period, path=NEXT) > 0
    counts = _counts()
    assert review_decisions_demo_load(partnership=demo.partnership, period=demo.next_period, path=NEXT) == 0
    assert _counts() == counts
    assert review_statistics(period=demo.period) == before


def test_the_2020_21_record_by_kind(demo):
    review_decisions_demo_load(partnership=demo.partnership, period=demo.next_period, path=NEXT)
    decisions = review_decisions(period=demo.next_period, threshold=demo.partnership.small_numbers_threshold)
    assert [
        (g.kind, g.reviews_count, g.withheld, g.recommendations, g.accepted, g.accepted_in_part, g.not_accepted,
         g.undecided, g.actions, g.actions_completed)
        for g in decisions.groups
    ] == [
        ("lcspr", 1, True, 0, 0, 0, 0, 0, 0, 0),
        ("scr", 2, True, 4, 3, 1, 0, 0, 7, 2),
        ("local_learning_review", 3, True, 3, 2, 1, 0, 0, 6, 2),
        ("national", 2, True, 4, 2, 1, 1, 0, 4, 2),
    ]  # fmt: skip
    national = decisions.groups[-1].reviews[1].recommendations
    assert [(r.decision, r.decided_by) for r in national] == [
        ("Accepted", "the partnership board"),
        ("Not accepted", "the Learning and Improvement subgroup"),
    ]


def test_the_loader_refuses_another_periods_file(demo):
    with pytest.raises(ValueError, match="is for period 2020-21, not 2019-20"):
        review_decisions_demo_load(partnership=demo.partnership, period=demo.period, path=NEXT)
