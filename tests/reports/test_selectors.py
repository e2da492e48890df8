"""What the reports selectors decide for the pages: when each section is due, which challenges await an
answer, which revision is approved or latest and what changed since the last visit."""

import datetime

import pytest

from reports import services
from reports.selectors import Due, changes_since_last_visit, dashboard_for, open_challenges, section_history
from tests.reports.conftest import content, put_in_state

DEADLINE = datetime.date(2020, 9, 30)  # PeriodFactory's submission deadline


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (3, Due(days_left=3, days_late=0, is_overdue=False, is_due_today=False)),
        (1, Due(days_left=1, days_late=0, is_overdue=False, is_due_today=False)),
        (0, Due(days_left=0, days_late=0, is_overdue=False, is_due_today=True)),
        (-1, Due(days_left=0, days_late=1, is_overdue=True, is_due_today=False)),
        (-12, Due(days_left=0, days_late=12, is_overdue=True, is_due_today=False)),
    ],
)
def test_due_of_days_to_the_deadline(days, expected):
    assert Due.of(days) == expected


def due_by_slug(world, today):
    board = dashboard_for(user=world.users["business_manager"], period=world.period, today=today)
    rows = {
        s.spec.slug: (s.is_handed_in, s.is_overdue, s.is_due_today, s.days_left, s.days_late) for s in board.sections
    }
    return board, rows


@pytest.fixture
def states(world, sections):
    put_in_state(sections.a, "changes_requested", world.users["lead_a"])
    put_in_state(sections.b, "submitted", world.users["lead_b"])
    return sections


def test_before_the_deadline_sections_not_handed_in_have_days_left(world, states):
    board, rows = due_by_slug(world, DEADLINE - datetime.timedelta(days=3))
    assert board.due == Due(days_left=3, days_late=0, is_overdue=False, is_due_today=False)
    assert rows == {
        "council-working": (False, False, False, 3, 0),
        "police-working": (True, False, False, 0, 0),
        "introduction": (False, False, False, 3, 0),
    }


def test_on_the_deadline_sections_not_handed_in_are_due_today(world, states):
    board, rows = due_by_slug(world, DEADLINE)
    assert board.due.is_due_today is True
    assert rows == {
        "council-working": (False, False, True, 0, 0),
        "police-working": (True, False, False, 0, 0),
        "introduction": (False, False, True, 0, 0),
    }


def test_after_the_deadline_only_sections_not_handed_in_are_overdue(world, states):
    put_in_state(states.intro, "approved", world.users["business_manager"])
    board, rows = due_by_slug(world, DEADLINE + datetime.timedelta(days=2))
    assert board.due == Due(days_left=0, days_late=2, is_overdue=True, is_due_today=False)
    assert rows == {
        "council-working": (False, True, False, 0, 2),
        "police-working": (True, False, False, 0, 0),
        "introduction": (True, False, False, 0, 0),
    }


@pytest.mark.parametrize("state", ["not_started", "draft", "changes_requested"])
def test_a_section_still_with_its_writer_after_the_deadline_is_overdue(world, sections, state):
    put_in_state(sections.a, state, world.users["lead_a"])
    _, rows = due_by_slug(world, DEADLINE + datetime.timedelta(days=1))
    assert rows["council-working"] == (False, True, False, 0, 1)


def test_open_challenges_say_which_await_an_answer(world, sections):
    scrutineer, lead = world.users["scrutineer"], world.users["lead_a"]
    first = services.challenge_raise(user=scrutineer, section=sections.a, question="First?")
    services.challenge_answer(user=lead, challenge=first, answer="Yes.")
    services.challenge_raise(user=scrutineer, section=sections.a, question="Second?")
    closed = services.challenge_raise(user=scrutineer, section=sections.a, question="Third?")
    services.challenge_close(
        user=scrutineer, challenge=services.challenge_answer(user=lead, challenge=closed, answer="Done.")
    )
    found = open_challenges(period=world.period)
    assert [(c.question, c.awaiting_answer) for c in found] == [("First?", False), ("Second?", True)]


def test_history_marks_the_approved_and_latest_revisions_and_the_one_before_each(world, sections):
    lead = world.users["lead_a"]
    section = put_in_state(sections.a, "approved", lead)
    services.section_save(user=lead, section=section, content=content("Second."), based_on=1)
    services.section_save(user=lead, section=section, content=content("Third."), based_on=2)
    section.refresh_from_db()
    rows = [(r.number, r.previous_number, r.is_approved, r.is_latest) for r in section_history(section=section)]
    assert rows == [(3, 2, False, True), (2, 1, False, False), (1, None, True, False)]


def test_changes_say_whether_the_text_moved_on_since_the_revision_last_seen(world, sections):
    scrutineer, lead = world.users["scrutineer"], world.users["lead_a"]
    services.section_save(user=lead, section=sections.a, content=content("One."), based_on=None)
    first = {
        s.spec.slug: (s.text_changed_from, s.is_new)
        for s in changes_since_last_visit(user=scrutineer, period=world.period).sections
    }
    assert first == {"council-working": (None, True)}
    services.period_visit_record(user=scrutineer, period=world.period)
    services.section_save(user=lead, section=sections.a, content=content("Two."), based_on=1)
    services.section_save(user=world.users["lead_b"], section=sections.b, content=content("B."), based_on=None)
    services.period_visit_record(user=scrutineer, period=world.period)
    services.section_submit(user=world.users["lead_b"], section=sections.b)
    services.section_save(user=lead, section=sections.a, content=content("Three."), based_on=2)
    later = {
        s.spec.slug: (s.text_changed_from, s.is_new)
        for s in changes_since_last_visit(user=scrutineer, period=world.period).sections
    }
    assert later == {"council-working": (2, False), "police-working": (None, False)}
