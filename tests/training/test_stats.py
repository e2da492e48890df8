"""Each training figure on a small hand-made programme, against a hand count.

The programme (period 2019/20 unless said):
  Neglect, 6 h, children-only: session 1 (20 places), session 2 (online, 10 places)
  Domestic abuse, 3 h, joint with adults: session 3 (15 places)
  Thresholds, 2 h, children-only: one session in 2020/21, which no 2019/20 figure may count.
Bookings, with (organisation, status, completed, feedback):
  s1: Council attended+completed (aims yes, competent yes, quoted "Very useful");
      Police attended (aims no, competent yes, unquoted comment); Council did not attend;
      Village Nursery attended+completed; village nursery cancelled
  s2: VILLAGE NURSERY attended+completed (aims yes, competent no); Police did not attend; Council booked
  s3: Council attended+completed (yes, yes, quoted "Eye-opening"); Adult Care Ltd did not attend;
      Police attended+completed
"""

import datetime
from decimal import Decimal

import pytest

from lib.charts import chart_svg
from tests.factories import PeriodFactory
from tests.training.factories import BookingFactory, CourseFactory, FeedbackFactory, SessionFactory
from training.charts import MAX_COURSES, attendance_chart
from training.models import BookingStatus
from training.stats import (
    AgencyNoShows,
    CourseAttendance,
    Quote,
    TrainingFigures,
    training_block,
    training_statistics,
)

ATTENDED, DNA, BOOKED, CANCELLED = (
    BookingStatus.ATTENDED,
    BookingStatus.DID_NOT_ATTEND,
    BookingStatus.BOOKED,
    BookingStatus.CANCELLED,
)


def book(session, who, status, completed=False):
    if isinstance(who, str):
        return BookingFactory(session=session, organisation_text=who, status=status, completed=completed)
    return BookingFactory(session=session, agency=who, organisation_text="", status=status, completed=completed)


def build_programme(world):
    council, police = world.agency_a, world.agency_b
    neglect = CourseFactory(partnership=world.partnership, title="Neglect", duration_hours=Decimal("6"))
    abuse = CourseFactory(
        partnership=world.partnership, title="Domestic abuse", duration_hours=Decimal("3"), joint_with_adults=True
    )
    thresholds = CourseFactory(partnership=world.partnership, title="Thresholds", duration_hours=Decimal("2"))
    s1 = SessionFactory(course=neglect, period=world.period, places_offered=20)
    s2 = SessionFactory(course=neglect, period=world.period, places_offered=10, venue="", online=True)
    s3 = SessionFactory(course=abuse, period=world.period, places_offered=15)
    later = PeriodFactory(
        partnership=world.partnership,
        label="2020/21",
        slug="2020-21",
        start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31),
    )
    s4 = SessionFactory(course=thresholds, period=later, places_offered=99)
    book(s4, council, ATTENDED, completed=True)

    b = book(s1, council, ATTENDED, completed=True)
    FeedbackFactory(booking=b, comment="Very useful", consent_to_quote=True)
    b = book(s1, police, ATTENDED)
    FeedbackFactory(booking=b, met_aims=False, comment="Too long")
    book(s1, council, DNA)
    book(s1, "Village Nursery", ATTENDED, completed=True)
    book(s1, "village nursery", CANCELLED)

    b = book(s2, "VILLAGE NURSERY", ATTENDED, completed=True)
    FeedbackFactory(booking=b, more_competent=False)
    book(s2, police, DNA)
    book(s2, council, BOOKED)

    b = book(s3, council, ATTENDED, completed=True)
    FeedbackFactory(booking=b, comment="Eye-opening", consent_to_quote=True)
    book(s3, "Adult Care Ltd", DNA)
    book(s3, police, ATTENDED, completed=True)


def figures(**values):
    for name in ("training_hours", "hours_lost", "delegate_hours"):
        values[name] = Decimal(values[name])
    return TrainingFigures(**values)


CHILDREN = figures(
    courses_delivered=1, sessions_delivered=2, training_hours=12, places_offered=30, bookings=7, attended=4,
    did_not_attend=2, hours_lost=12, delegate_hours=24, organisations=3, completions=3,
    feedback_responses=3, met_aims=2, more_competent=2,
)  # fmt: skip
JOINT = figures(
    courses_delivered=1, sessions_delivered=1, training_hours=3, places_offered=15, bookings=3, attended=2,
    did_not_attend=1, hours_lost=3, delegate_hours=6, organisations=2, completions=2,
    feedback_responses=1, met_aims=1, more_competent=1,
)  # fmt: skip
TOTAL = figures(
    courses_delivered=2, sessions_delivered=3, training_hours=15, places_offered=45, bookings=10, attended=6,
    did_not_attend=3, hours_lost=15, delegate_hours=30, organisations=3, completions=5,
    feedback_responses=4, met_aims=3, more_competent=3,
)  # fmt: skip


@pytest.fixture
def programme(world):
    build_programme(world)
    return world


def test_children_only_figures_match_the_hand_count(programme):
    assert training_statistics(period=programme.period).children_only == CHILDREN


def test_joint_figures_match_the_hand_count(programme):
    assert training_statistics(period=programme.period).joint == JOINT


def test_total_figures_match_the_hand_count(programme):
    assert training_statistics(period=programme.period).total == TOTAL


def test_feedback_percentages_round_to_whole_per_cent(programme):
    stats = training_statistics(period=programme.period)
    assert (stats.children_only.met_aims_percent, stats.children_only.more_competent_percent) == (67, 67)
    assert (stats.joint.met_aims_percent, stats.joint.more_competent_percent) == (100, 100)
    assert (stats.total.met_aims_percent, stats.total.more_competent_percent) == (75, 75)


def test_percentages_are_none_without_feedback(world):
    stats = training_statistics(period=world.period)
    assert stats.total.met_aims_percent is None
    assert stats.total.bookings == 0
    assert stats.total.training_hours == Decimal("0")


def test_did_not_attend_counts_per_agency_for_recharging(programme):
    stats = training_statistics(period=programme.period)
    assert stats.did_not_attend_by_agency == (
        AgencyNoShows(agency_name="Council", agency_slug="council", did_not_attend=1, hours_lost=Decimal("6")),
        AgencyNoShows(agency_name="Police", agency_slug="police", did_not_attend=1, hours_lost=Decimal("6")),
    )
    assert stats.did_not_attend_other_organisations == 1


def test_only_consented_quotes_are_returned_by_course(programme):
    assert training_statistics(period=programme.period).quotes == (
        Quote(course_title="Domestic abuse", text="Eye-opening", joint_with_adults=True),
        Quote(course_title="Neglect", text="Very useful", joint_with_adults=False),
    )


def test_one_agency_counts_only_its_own_delegates(programme):
    stats = training_statistics(period=programme.period, agency=programme.agency_a)
    total = stats.total
    assert (total.bookings, total.attended, total.did_not_attend, total.hours_lost) == (4, 2, 1, Decimal("6"))
    assert (total.delegate_hours, total.organisations, total.completions) == (Decimal("9"), 1, 2)
    assert (total.feedback_responses, total.met_aims, total.more_competent) == (2, 2, 2)
    assert (stats.children_only.bookings, stats.joint.bookings) == (3, 1)
    # The programme itself is the partnership's, whoever books onto it.
    assert (total.courses_delivered, total.sessions_delivered, total.places_offered) == (2, 3, 45)
    assert stats.did_not_attend_by_agency == (
        AgencyNoShows(agency_name="Council", agency_slug="council", did_not_attend=1, hours_lost=Decimal("6")),
    )
    assert stats.did_not_attend_other_organisations == 0
    assert stats.agency_name == "Council"


def test_statistics_take_the_same_queries_at_two_data_sizes(programme, django_assert_num_queries):
    with django_assert_num_queries(5):
        training_statistics(period=programme.period)
    build_more = SessionFactory(course__partnership=programme.partnership, period=programme.period)
    for _ in range(30):
        BookingFactory(session=build_more, status=ATTENDED)
    with django_assert_num_queries(5):
        stats = training_statistics(period=programme.period)
    assert stats.total.attended == 36


def test_training_block_gives_figures_chart_and_quotes(programme):
    block = training_block(period=programme.period)
    assert block["statistics"].total == TOTAL
    assert [(c.course_title, c.attended, c.did_not_attend) for c in block["courses"]] == [
        ("Domestic abuse", 2, 1),
        ("Neglect", 4, 2),
    ]
    chart = block["chart"]
    assert (chart.kind, chart.labels) == ("stacked_bar", ("Domestic abuse", "Neglect"))
    assert chart.series == (("Attended", (2, 4)), ("Did not attend", (1, 2)))
    assert (
        block["chart_description"]
        == chart.description
        == (
            "Attendance by course, 2019/20: a bar for each of 2 courses, showing delegates who attended and who did "
            "not. In all 6 attended and 3 did not attend; Neglect had the most who did not attend (2)."
        )
    )
    assert len(block["quotes"]) == 2


def test_chart_is_the_same_svg_every_time(programme):
    first = chart_svg(training_block(period=programme.period)["chart"])
    assert first.startswith("<svg")
    assert chart_svg(training_block(period=programme.period)["chart"]) == first
    assert ">Did not attend</text>" in first  # text stays text
    assert "<desc>Attendance by course, 2019/20: a bar for each of 2 courses" in first


def test_chart_of_many_courses_shows_the_largest_and_the_rest_as_one_bar():
    courses = [CourseAttendance(f"Course {n:03d}", False, attended=n, did_not_attend=1) for n in range(300)]
    chart = attendance_chart(courses=courses, title="Attendance")
    assert len(chart.labels) == MAX_COURSES
    assert chart.labels[:2] == ("Course 286", "Course 287")  # the 14 largest, in the given (title) order
    assert chart.labels[-1] == "Other courses (286)"
    attended, no_shows = (values for _name, values in chart.series)
    assert attended[-1] == sum(range(286)) and no_shows[-1] == 286
    assert sum(attended) == sum(range(300)) and sum(no_shows) == 300
    assert chart.description.startswith(
        "Attendance: a bar for each of the 14 courses with the most delegates and one for the other 286 courses"
    )
