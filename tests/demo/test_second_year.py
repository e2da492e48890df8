"""The demo's second year: the business manager opens 2020/21 after 2019/20, its sections are written and
approved through the services, and the statutory partners sign its draft off."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.loader import demo_load
from partnership.models import AuditEntry, ReportingPeriod, SubgroupMeetings
from reports.assembly import report_assemble
from reports.guard_flags import guard_flag_clear
from reports.models import Challenge, ChallengeState, GuardFlag, Section, SectionSpec, SectionState
from reports.publishing import report_readiness
from reports.rendering import report_html


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo", stdout=StringIO())
    return ReportingPeriod.objects.get(partnership__slug="dudley", slug="2020-21")


def test_the_second_year_is_opened_written_approved_and_signed_off(demo):
    assert demo.label == "2020/21"
    opened = AuditEntry.objects.filter(code="partnership.period.created", target_id=demo.pk)
    assert [entry.actor.username for entry in opened] == ["manager"]
    assert SectionSpec.objects.filter(period=demo).count() == 19
    states = set(Section.objects.filter(spec__period=demo).values_list("state", flat=True))
    assert states == {SectionState.APPROVED}
    assert (
        list(Challenge.objects.filter(section__spec__period=demo).values_list("state", flat=True))
        == [ChallengeState.CLOSED] * 3
    )
    assert SubgroupMeetings.objects.get(period=demo, subgroup__slug="learning-and-improvement").meetings_held == 8
    readiness = report_readiness(period=demo)
    assert [status.current is not None for status in readiness.signoffs] == [True, True, True]
    assert [item.code for item in readiness.checklist if not item.met] == []


def test_the_second_years_preview_shows_last_years_items_the_voice_ledger_and_the_years_compared(demo):
    html = report_html(report_assemble(period=demo, preview=True))
    assert "<caption>Items carried into 2020/21 by progress rating</caption>" in html
    assert "<caption>How we listened in 2020/21</caption>" in html
    assert "<caption>Year on year: " in html
    assert "Decisions and Actions on Review Recommendations" in html


def test_publishing_the_second_year_is_refused_until_the_planted_detail_is_cleared(demo):
    # The one thing standing between the draft and publication is the case study's child's age and neighbourhood.
    [reason] = report_readiness(period=demo).reasons
    assert "could identify someone" in str(reason)
    [flag] = GuardFlag.objects.filter(period=demo)
    manager = get_user_model().objects.get(username="manager")
    guard_flag_clear(user=manager, flag=flag, reason="consented", note="The family agreed to the case study.")
    assert report_readiness(period=demo).reasons == []


def test_loading_the_demo_again_changes_nothing_in_the_second_year(demo):
    entries = AuditEntry.objects.count()
    result = demo_load(password="demo-password-for-tests")
    assert result.steps["2020/21 report, in draft"] == 0
    assert AuditEntry.objects.count() == entries
