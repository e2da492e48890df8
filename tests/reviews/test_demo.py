import datetime

import pytest

from demo.loader import DEMO_DIR, demo_base_load
from reviews.demo import reviews_demo_load
from reviews.models import PracticeReview, ReviewAction, RiskItem
from reviews.rules import ClockStatus, review_clocks
from reviews.selectors import review_dashboard
from reviews.stats import AgencyActions, review_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    result = demo_base_load(password="demo-correct-horse-battery")
    reviews_demo_load(partnership=result.partnership, period=result.period, path=DEMO_DIR / "reviews.yaml")
    return result


def test_demo_is_idempotent(demo):
    counts = (PracticeReview.objects.count(), ReviewAction.objects.count(), RiskItem.objects.count())
    assert reviews_demo_load(partnership=demo.partnership, period=demo.period, path=DEMO_DIR / "reviews.yaml") == 0
    assert (PracticeReview.objects.count(), ReviewAction.objects.count(), RiskItem.objects.count()) == counts


def test_demo_matches_the_report_for_2019_20(demo):
    stats = review_statistics(period=demo.period)
    assert stats.reviews_total == 6
    assert dict(stats.reviews_by_kind) == {
        "Rapid review": 0,
        "Local child safeguarding practice review": 0,
        "Serious case review (earlier rules)": 2,
        "Local learning review": 4,  # one local learning review and three local multi-agency reviews
    }
    assert stats.meetings_held == 5
    assert stats.briefings_published == 4
    # As at 31 Mar 2020: overdue are SCR-2019-01 2.2 (police, 28 Feb) and SCR-2019-02 1.2 (schools, 31 Jan).
    assert stats.actions_overdue == 2
    assert AgencyActions("West Midlands Police", 1, 0, 0, 1) in stats.actions_by_agency


def test_demo_dashboard_shows_breaches_and_overdue_actions(demo):
    board = review_dashboard(partnership=demo.partnership, today=datetime.date(2020, 11, 2))
    assert [(i.review.reference, i.clock.rule.code, i.clock.status) for i in board.breached] == [
        ("RR-2020-01", "notification", ClockStatus.LATE)
    ]
    # Not completed and due before 2 Nov 2020: SCR-2019-01 1.2, 2.1, 2.2; SCR-2019-02 1.1, 1.2;
    # LLR-2019-01 1.1; LMAR-2019-02 1.2; LMAR-2019-03 1.1, 1.2.
    assert len(board.overdue_actions) == 9
    later = review_dashboard(partnership=demo.partnership, today=datetime.date(2021, 1, 21))
    assert ("RR-2020-01", "lcspr_published") in [(i.review.reference, i.clock.rule.code) for i in later.breached]


def test_demo_rapid_review_clocks(demo):
    review = PracticeReview.objects.get(reference="RR-2020-01")
    clocks = {c.rule.code: c for c in review_clocks(review, today=datetime.date(2021, 1, 21))}
    assert (clocks["notification"].due, clocks["notification"].status) == (datetime.date(2020, 6, 8), ClockStatus.LATE)
    assert (clocks["rapid_review"].due, clocks["rapid_review"].status) == (datetime.date(2020, 7, 1), ClockStatus.MET)
    assert (clocks["lcspr_published"].due, clocks["lcspr_published"].status) == (
        datetime.date(2021, 1, 20),
        ClockStatus.BREACHED,
    )
