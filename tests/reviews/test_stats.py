import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnership.models import Subgroup, SubgroupMeetings
from reviews.models import ActionStatus, ReviewKind, ReviewStatus
from reviews.stats import AgencyActions, review_statistics
from tests.reviews.factories import ActionFactory, BriefingFactory, RecommendationFactory, ReviewFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def _review(world, reference, kind, status=ReviewStatus.SCOPING, **dates):
    dates.setdefault("became_aware_on", None)
    return ReviewFactory(partnership=world.partnership, reference=reference, kind=kind, status=status, **dates)


@pytest.fixture
def figures(world):
    """Reviews, actions, briefings and meetings around the 2019/20 period (1 Apr 2019 to 31 Mar 2020)."""
    # Notified on the due day (Thu 2 Jan, see test_clock); rapid review due Thu 23 Jan
    # (Fri 3 Jan (1), Mon 6..Fri 10 (2-6), Mon 13..Fri 17 (7-11), Mon 20..Thu 23 (12-15)) but sent Fri 24: late.
    r1 = _review(
        world, "R1", ReviewKind.LCSPR, ReviewStatus.IN_PROGRESS,
        became_aware_on=D(2019, 12, 23), notification_sent_on=D(2020, 1, 2), rapid_review_sent_on=D(2020, 1, 24),
    )  # fmt: skip
    # Aware Fri 6 Mar, notification due Fri 13 Mar, sent Mon 16: late. Rapid review due Mon 6 Apr, sent 27 Mar: on time.
    _review(
        world, "R2", ReviewKind.RAPID_REVIEW,
        became_aware_on=D(2020, 3, 6), notification_sent_on=D(2020, 3, 16), rapid_review_sent_on=D(2020, 3, 27),
    )  # fmt: skip
    # Aware Mon 16 Mar, notification due Mon 23 Mar, never sent: breached by 31 Mar, so late.
    _review(world, "R7", ReviewKind.RAPID_REVIEW, became_aware_on=D(2020, 3, 16))
    _review(
        world, "R3", ReviewKind.SCR, ReviewStatus.PUBLISHED,
        commissioned_on=D(2018, 6, 1), completed_on=D(2019, 9, 30), published_on=D(2019, 11, 15),
    )  # fmt: skip
    _review(
        world, "R4", ReviewKind.LOCAL_LEARNING_REVIEW, ReviewStatus.COMPLETED,
        decision_on=D(2019, 7, 1), completed_on=D(2019, 12, 1),
    )  # fmt: skip
    # Out of the period: finished before it, started after it.
    r5 = _review(
        world, "R5", ReviewKind.SCR, ReviewStatus.CLOSED,
        commissioned_on=D(2017, 1, 1), completed_on=D(2018, 6, 1), published_on=D(2018, 9, 1),
    )  # fmt: skip
    _review(world, "R6", ReviewKind.LCSPR, became_aware_on=D(2020, 5, 1))

    rec = RecommendationFactory(review=r1)
    a, b = world.agency_a, world.agency_b
    ActionFactory(
        recommendation=rec,
        owner=a,
        status=ActionStatus.COMPLETED,
        completed_on=D(2020, 2, 1),
        completion_evidence="Done",
    )
    ActionFactory(recommendation=rec, owner=a, status=ActionStatus.IN_PROGRESS, due_on=D(2020, 6, 30))
    ActionFactory(recommendation=rec, owner=a, status=ActionStatus.NOT_STARTED, due_on=D(2020, 1, 31))  # overdue
    ActionFactory(recommendation=rec, owner=b, status=ActionStatus.IN_PROGRESS, due_on=D(2020, 2, 1))  # overdue
    ActionFactory(recommendation=rec, owner=b, status=ActionStatus.NOT_STARTED, due_on=D(2020, 12, 31))
    ActionFactory(recommendation=RecommendationFactory(review=r5), owner=a, due_on=D(2018, 1, 1))  # review out of scope

    BriefingFactory(partnership=world.partnership, published_on=D(2019, 11, 1))
    BriefingFactory(partnership=world.partnership, published_on=D(2020, 4, 15))
    BriefingFactory(partnership=world.partnership, published_on=D(2019, 3, 31))
    BriefingFactory(published_on=D(2019, 11, 1))  # another partnership

    learning = Subgroup.objects.create(
        partnership=world.partnership, name="Case Review Group", slug="case-reviews", oversees="reviews"
    )
    other = Subgroup.objects.create(partnership=world.partnership, name="Other", slug="other")
    SubgroupMeetings.objects.create(subgroup=learning, period=world.period, meetings_held=5)
    SubgroupMeetings.objects.create(subgroup=other, period=world.period, meetings_held=3)
    return world


def test_reviews_by_kind_and_status(figures):
    stats = review_statistics(period=figures.period)
    assert stats.as_of == D(2020, 3, 31)
    assert stats.reviews_total == 5
    assert stats.reviews_by_kind == (
        ("Rapid review", 2),
        ("Local child safeguarding practice review", 1),
        ("Serious case review (earlier rules)", 1),
        ("Local learning review", 1),
    )
    assert stats.reviews_by_status == (
        ("Scoping", 2),
        ("In progress", 1),
        ("Completed", 1),
        ("Published", 1),
        ("Closed", 0),
    )


def test_notifications_and_rapid_reviews_on_time_and_late(figures):
    stats = review_statistics(period=figures.period)
    assert (stats.notifications_on_time, stats.notifications_late) == (1, 2)
    assert (stats.rapid_reviews_on_time, stats.rapid_reviews_late) == (1, 1)


def test_actions_by_agency_with_overdue_counted_once(figures):
    stats = review_statistics(period=figures.period)
    assert stats.actions_by_agency == (
        AgencyActions(agency="Council", completed=1, in_progress=1, not_started=0, overdue=1),
        AgencyActions(agency="Police", completed=0, in_progress=0, not_started=1, overdue=1),
    )
    assert (stats.actions_completed, stats.actions_in_progress, stats.actions_not_started, stats.actions_overdue) == (
        1,
        1,
        1,
        2,
    )


def test_briefings_and_meetings(figures):
    stats = review_statistics(period=figures.period)
    assert (stats.briefings_published, stats.meetings_held) == (1, 5)


def test_empty_period_gives_zeros(world):
    stats = review_statistics(period=world.period)
    assert (stats.reviews_total, stats.notifications_late, stats.actions_by_agency, stats.meetings_held) == (
        0,
        0,
        (),
        0,
    )


def test_statistics_are_frozen(world):
    stats = review_statistics(period=world.period)
    with pytest.raises(AttributeError):
        stats.reviews_total = 9


def _add_reviews(world, count, offset):
    for n in range(count):
        review = ReviewFactory(partnership=world.partnership, notification_sent_on=D(2020, 1, 3))
        ActionFactory(
            recommendation=RecommendationFactory(review=review), owner=world.agency_a if n % 2 else world.agency_b
        )
        BriefingFactory(partnership=world.partnership, title=f"B{offset + n}")


def test_query_count_does_not_grow_with_data(world):
    _add_reviews(world, 2, 0)
    with CaptureQueriesContext(connection) as small:
        review_statistics(period=world.period)
    _add_reviews(world, 20, 100)
    with CaptureQueriesContext(connection) as large:
        stats = review_statistics(period=world.period)
    assert stats.reviews_total == 22
    assert stats.notifications_late == 22
    assert len(small) == len(large) == 6


def test_the_block_names_the_subgroup_marked_as_overseeing_reviews(figures):
    stats = review_statistics(period=figures.period)
    assert (stats.overseeing_subgroup, stats.meetings_held) == ("Case Review Group", 5)


def test_no_subgroup_marked_means_no_meetings_line(figures):
    Subgroup.objects.filter(partnership=figures.partnership).update(oversees="")
    stats = review_statistics(period=figures.period)
    assert (stats.overseeing_subgroup, stats.meetings_held) == ("", 0)
