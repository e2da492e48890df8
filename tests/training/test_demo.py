"""The demo programme's statistics equal the reference report's figures (see training/demo.py)."""

from decimal import Decimal

import pytest

from demo.loader import DEMO_DIR, demo_base_load
from training.demo import read_training_yaml, training_demo_load
from training.models import Booking, Course, FeedbackResponse
from training.selectors import course_feedback_summary
from training.stats import training_statistics


@pytest.fixture
def demo(db):
    result = demo_base_load(password="demo-password-for-tests")
    first = training_demo_load(partnership=result.partnership, period=result.period, path=DEMO_DIR / "training.yaml")
    again = training_demo_load(partnership=result.partnership, period=result.period, path=DEMO_DIR / "training.yaml")
    feedback = {
        course.slug: course_feedback_summary(period=result.period, course=course)
        for course in Course.objects.filter(partnership=result.partnership)
    }
    return {
        "first": first,
        "again": again,
        "stats": training_statistics(period=result.period),
        "feedback": feedback,
        "counts": (Booking.objects.count(), FeedbackResponse.objects.count()),
    }


def test_children_only_figures_are_the_reports(demo):
    c = demo["stats"].children_only
    assert (c.sessions_delivered, c.courses_delivered) == (45, 14)
    assert (c.training_hours, c.places_offered) == (Decimal(220), 1445)
    assert (c.did_not_attend, c.hours_lost, c.organisations, c.completions) == (227, Decimal(1400), 38, 862)
    assert c.delegate_hours == Decimal(4760)  # "over 4,700"
    assert c.bookings == 1127  # not the report's 595: see training/demo.py


def test_joint_figures_are_the_reports(demo):
    j = demo["stats"].joint
    assert (j.sessions_delivered, j.training_hours, j.bookings, j.did_not_attend) == (12, Decimal(56), 379, 124)
    assert (j.hours_lost, j.organisations, j.completions, j.delegate_hours) == (Decimal(652), 41, 172, Decimal(1701))


def test_quoted_courses_feedback_is_90_and_100_per_cent(demo):
    for slug in ("introduction-to-domestic-abuse", "introduction-to-child-criminal-exploitation"):
        summary = demo["feedback"][slug]
        assert (summary.met_aims_percent, summary.more_competent_percent) == (90, 100)
        assert len(summary.quotes) == 5
    assert demo["stats"].total.met_aims_percent == 90
    assert demo["stats"].total.more_competent_percent == 100


def test_figures_equal_the_targets_in_the_yaml(demo):
    targets = read_training_yaml(DEMO_DIR / "training.yaml")["targets"]
    for split in ("children_only", "joint"):
        figures = getattr(demo["stats"], split)
        for name, value in targets[split].items():
            if name.endswith("_over"):
                assert getattr(figures, name.removesuffix("_over")) > value, (split, name)
            else:
                assert getattr(figures, name) == value, (split, name)
    for slug, expected in targets["feedback"].items():
        summary = demo["feedback"][slug]
        assert summary.met_aims_percent == expected["met_aims_percent"]
        assert summary.more_competent_percent == expected["more_competent_percent"]


def test_loading_twice_changes_nothing(demo):
    assert demo["first"] > 0
    assert demo["again"] == 0
    assert demo["counts"] == (1127 + 43 + 379, 50)
