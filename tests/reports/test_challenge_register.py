"""The scrutineer's challenge summary (reports.challenge_register): hand counts, the comment, its page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lib.errors import InvalidInput, NotAllowed
from partnership.models import AuditEntry
from reports.challenge_register import challenge_register, challenge_register_comment_set
from reports.models import Challenge, ChallengeRegisterComment, ChallengeState
from tests.factories import PeriodFactory
from tests.reports.report_fixtures import add_section, add_spec, content

pytestmark = pytest.mark.django_db


def challenge(section, scrutineer, state):
    now = timezone.now()
    answered = state != ChallengeState.OPEN
    return Challenge.objects.create(
        section=section, raised_by=scrutineer, question="How do you know?", state=state,
        answer="An audit." if answered else "", answered_at=now if answered else None,
        closed_at=now if state == ChallengeState.CLOSED else None,
    )  # fmt: skip


@pytest.fixture
def register(world):
    """Three sections: two themes, one theme, none; six challenges on them and one on another period's section."""
    manager, scrutineer = world.users["business_manager"], world.users["scrutineer"]
    s1 = add_section(add_spec(world.period, 1, "Scrutiny", themes=["scrutiny", "impact"]), manager, content("A"))
    s2 = add_section(add_spec(world.period, 2, "Training", themes=["training"]), manager, content("B"))
    s3 = add_section(add_spec(world.period, 3, "Other"), manager, content("C"))
    for state in ("open", "open", "answered", "closed"):
        challenge(s1, scrutineer, state)
    challenge(s2, scrutineer, "closed")
    challenge(s3, scrutineer, "answered")
    later = PeriodFactory(partnership=world.partnership, label="2020/21", slug="2020-21")
    challenge(add_section(add_spec(later, 1, "Later", themes=["training"]), manager, content("D")), scrutineer, "open")
    return world


def counts(row):
    return (row.theme, row.raised, row.answered, row.closed, row.still_open)


def test_the_register_counts_raised_answered_closed_and_still_open(register):
    summary = challenge_register(period=register.period)
    assert counts(summary.total) == ("All challenges", 6, 4, 2, 4)


def test_each_challenge_counts_under_every_theme_of_its_section_in_checklist_order(register):
    summary = challenge_register(period=register.period)
    assert [counts(row) for row in summary.themes] == [
        ("Impact on outcomes for children and families", 4, 2, 1, 3),
        ("Training and its impact", 1, 1, 1, 0),
        ("Independent scrutiny", 4, 2, 1, 3),
        ("No statutory theme", 1, 1, 0, 1),
    ]


def test_a_period_with_no_challenges_counts_nothing(world):
    summary = challenge_register(period=world.period)
    assert (counts(summary.total), summary.themes, summary.comment) == (("All challenges", 0, 0, 0, 0), (), "")


def test_queries_stay_constant_as_challenges_grow(register):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            challenge_register(period=register.period)
        return len(queries)

    before = count()
    manager, scrutineer = register.users["business_manager"], register.users["scrutineer"]
    for position in range(4, 10):
        section = add_section(add_spec(register.period, position, f"More {position}", themes=["voice"]), manager, {})
        challenge(section, scrutineer, "closed")
    assert count() == before == 3


# The scrutineer's comment ---------------------------------------------------------------


def test_the_scrutineer_comments_and_the_change_is_audited_with_before_and_after(world):
    scrutineer = world.users["scrutineer"]
    challenge_register_comment_set(user=scrutineer, period=world.period, text=" Partners answered promptly. ")
    challenge_register_comment_set(user=scrutineer, period=world.period, text="Partners answered promptly.")
    challenge_register_comment_set(user=scrutineer, period=world.period, text="Most answered within a week.")
    entries = list(AuditEntry.objects.filter(code="reports.challenges.commented").order_by("pk"))
    assert [entry.data["changes"]["text"] for entry in entries] == [
        ["", "Partners answered promptly."],
        ["Partners answered promptly.", "Most answered within a week."],
    ]
    assert entries[0].period_id == world.period.pk
    assert challenge_register(period=world.period).comment == "Most answered within a week."


@pytest.mark.parametrize("role", ["business_manager", "lead_a"])
def test_only_the_scrutineer_comments(world, role):
    with pytest.raises(NotAllowed):
        challenge_register_comment_set(user=world.users[role], period=world.period, text="Fine.")
    assert not ChallengeRegisterComment.objects.exists()


def test_an_empty_comment_is_refused(world):
    with pytest.raises(InvalidInput, match="Enter your comment on the year's challenges."):
        challenge_register_comment_set(user=world.users["scrutineer"], period=world.period, text="  ")
    assert not AuditEntry.objects.exists()


def _page():
    return reverse("reports:challenge_register", args=["tsp", "2019-20"])


def test_the_scrutineer_writes_the_comment_on_the_page(register, client_as):
    client = client_as("scrutineer")
    page = client.get(_page()).content.decode()
    assert "Independent scrutiny" in page
    response = client.post(_page(), {"text": "Partners answered promptly."})
    assert response.status_code == 302
    assert ChallengeRegisterComment.objects.get().text == "Partners answered promptly."


def test_an_empty_comment_on_the_page_says_what_to_do(world, client_as):
    response = client_as("scrutineer").post(_page(), {"text": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page
    assert "Enter your comment on the year" in page
    assert not ChallengeRegisterComment.objects.exists()


def test_the_report_page_leads_the_scrutineer_to_the_register(world, client_as):
    url = reverse("reports:report", args=["tsp", "2019-20"])
    assert _page() in client_as("scrutineer").get(url).content.decode()
    assert _page() not in client_as("business_manager").get(url).content.decode()
