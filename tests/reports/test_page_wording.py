"""The pages print what the views and selectors decided: deadlines in days, return reasons, which
buttons and forms each reader gets."""

import datetime

import pytest
from django.utils import timezone

from reports import services
from tests.reports.conftest import content, make_spec, put_in_state
from tests.reports.test_views import url


def set_deadline(world, days_from_today: int):
    world.period.submission_deadline = timezone.localdate() + datetime.timedelta(days=days_from_today)
    world.period.save()


def dashboard(client_as, role="business_manager") -> str:
    return client_as(role).get(url("dashboard")).content.decode()


@pytest.mark.parametrize(
    ("days", "period_says", "row_says"),
    [
        (3, "3 days to go.", "In 3 days"),
        (1, "1 day to go.", "In 1 day"),
        (0, "today.", "Today"),
        (-1, "<strong>1 day ago.</strong>", "1 day late"),
        (-2, "<strong>2 days ago.</strong>", "2 days late"),
    ],
)
def test_dashboard_says_how_far_the_deadline_is(client_as, world, sections, days, period_says, row_says):
    put_in_state(sections.b, "approved", world.users["lead_b"])
    set_deadline(world, days)
    page = dashboard(client_as)
    deadline = world.period.submission_deadline.strftime("%-d %B %Y")
    assert f"Sections are due by {deadline}:\n  {period_says}</p>" in page
    assert page.count(f'<td class="govuk-table__cell">{row_says}</td>') == 2  # a and intro; b is handed in
    assert page.count('<td class="govuk-table__cell">Handed in</td>') == 1
    assert page.count("portal-overdue") == (2 if days < 0 else 0)


def test_dashboard_says_whether_a_challenge_awaits_its_answer(client_as, world, sections):
    scrutineer = world.users["scrutineer"]
    answered = services.challenge_raise(user=scrutineer, section=sections.a, question="First?")
    services.challenge_answer(user=world.users["lead_a"], challenge=answered, answer="Yes.")
    services.challenge_raise(user=scrutineer, section=sections.b, question="Second?")
    page = dashboard(client_as)
    assert page.count("Awaiting answer</strong>") == 1
    assert page.count("Answered, awaiting closure</strong>") == 1


def test_return_reason_is_shown_while_changes_are_requested(client_as, world, sections):
    section = put_in_state(sections.a, "submitted", world.users["lead_a"])
    services.section_request_changes(user=world.users["business_manager"], section=section, reason="Add Q4 figures.")
    page = client_as("lead_a").get(url("section", sections.a)).content.decode()
    assert '<p class="govuk-body" data-testid="return-reason">Add Q4 figures.</p>' in page
    services.section_submit(user=world.users["lead_a"], section=sections.a)
    page = client_as("lead_a").get(url("section", sections.a)).content.decode()
    assert "return-reason" not in page


def test_a_section_put_in_changes_requested_without_a_recorded_return_shows_no_reason(client_as, world, sections):
    put_in_state(sections.a, "changes_requested", world.users["lead_a"])
    page = client_as("lead_a").get(url("section", sections.a)).content.decode()
    assert "return-reason" not in page


@pytest.mark.parametrize(
    ("state", "role", "buttons"),
    [
        ("not_started", "lead_a", ["Start writing"]),
        ("draft", "lead_a", ["Edit", "Submit for approval"]),
        ("draft", "contributor", ["Edit"]),
        ("submitted", "lead_a", []),
        ("submitted", "business_manager", ["Approve revision 1", "Return for changes"]),
        ("approved", "lead_a", ["Edit"]),
        ("changes_requested", "lead_a", ["Edit", "Submit for approval"]),
        ("draft", "scrutineer", []),
    ],
)
def test_section_page_offers_only_the_actions_the_reader_may_take(client_as, world, sections, state, role, buttons):
    put_in_state(sections.a, state, world.users["lead_a"])
    page = client_as(role).get(url("section", sections.a)).content.decode()
    offered = [
        label
        for label in ("Start writing", "Edit", "Submit for approval", "Approve revision 1", "Return for changes")
        if f">{label}</" in page
    ]
    assert offered == buttons


def test_challenge_forms_go_to_the_writer_while_open_and_to_the_scrutineer_once_answered(client_as, world, sections):
    scrutineer = world.users["scrutineer"]
    open_one = services.challenge_raise(user=scrutineer, section=sections.a, question="Open?")
    answered = services.challenge_raise(user=scrutineer, section=sections.a, question="Answered?")
    services.challenge_answer(user=world.users["lead_a"], challenge=answered, answer="Yes.")
    lead_page = client_as("lead_a").get(url("section", sections.a)).content.decode()
    scrutineer_page = client_as("scrutineer").get(url("section", sections.a)).content.decode()
    answer_url = url("challenge_answer", sections.a, challenge_id=open_one.pk)
    close_url = url("challenge_close", sections.a, challenge_id=answered.pk)
    assert (lead_page.count("Send answer</button>"), answer_url in lead_page) == (1, True)
    assert "Close challenge</button>" not in lead_page
    assert (scrutineer_page.count("Close challenge</button>"), close_url in scrutineer_page) == (1, True)
    assert "Send answer</button>" not in scrutineer_page


@pytest.mark.parametrize(
    ("state", "says"),
    [
        ("submitted", "This section is with the business manager for review."),
        ("approved", "This section is approved. Saving starts a new draft; the report keeps using revision 1"),
    ],
)
def test_edit_page_warns_of_the_sections_state(client_as, world, sections, state, says):
    put_in_state(sections.a, state, world.users["lead_a"])
    page = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    assert says in page


def test_edit_page_of_a_draft_carries_no_state_warning(client_as, world, sections):
    put_in_state(sections.a, "draft", world.users["lead_a"])
    page = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    assert "with the business manager for review" not in page and "This section is approved" not in page


def test_history_links_each_revision_to_the_changes_from_the_one_before(client_as, world, sections):
    lead = world.users["lead_a"]
    section = put_in_state(sections.a, "approved", lead)
    services.section_save(user=lead, section=section, content=content("Second."), based_on=1)
    page = client_as("scrutineer").get(url("section_history", sections.a)).content.decode()
    assert f"{url('section_diff', sections.a)}?from=1&amp;to=2" in page
    assert page.count("Changes from ") == 1
    assert page.count(">Approved</strong>") == 1 and page.count(">Latest</strong>") == 1
    assert 'for="diff-from">Compare revision' in page


def test_history_and_diff_of_one_revision_offer_nothing_to_compare(client_as, world, sections):
    put_in_state(sections.a, "draft", world.users["lead_a"])
    history = client_as("scrutineer").get(url("section_history", sections.a)).content.decode()
    assert "Compare revision" not in history and "Changes from " not in history
    diff = client_as("scrutineer").get(url("section_diff", sections.a)).content.decode()
    assert "There are fewer than two revisions, so there is nothing to compare yet." in diff
    assert "Compare revision" not in diff


def test_outline_shows_a_state_for_sections_and_none_for_headings(client_as, world, sections):
    make_spec(world.period, slug="part-one", position=4, kind="heading", author="business_manager")
    page = client_as("business_manager").get(url("outline")).content.decode()
    assert page.count("Not started</strong>") == 3
