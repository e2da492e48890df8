"""The demo's publication guard: clearances are loaded from a guard.yaml through the business manager's service;
in the real demo, 2019/20's flags are cleared and 2020/21's planted case study keeps it from publishing."""

from io import StringIO

import pytest
from django.core.management import call_command

from partnership.models import AuditEntry, ReportingPeriod
from reports.demo import DemoDataError
from reports.demo_guard import guard_demo_load
from reports.guard_flags import LinkedReason
from reports.models import GuardFlag
from reports.publishing import report_readiness
from tests.reports.report_fixtures import add_section, add_spec, content

pytestmark = pytest.mark.django_db

CLEARANCES = """
- kind: small_number
  text: 3 rapid reviews
  reason: not_identifying
  note: The number of reviews is published every year.
"""


@pytest.fixture
def drafted(world):
    spec = add_spec(world.period, 1, "Reviews")
    add_section(spec, world.users["business_manager"], content("We held 3 rapid reviews. Born on 3 May 2012."))
    return world


def test_the_loader_clears_what_the_file_lists_once_and_leaves_the_rest_open(drafted, tmp_path):
    path = tmp_path / "guard.yaml"
    path.write_text(CLEARANCES, encoding="utf-8")
    assert guard_demo_load(period=drafted.period, path=path) == 1
    flags = {flag.matched: flag for flag in GuardFlag.objects.filter(period=drafted.period)}
    assert (flags["3 rapid reviews"].reason, flags["3 rapid reviews"].cleared_by.username) == (
        "not_identifying", "manager",
    )  # fmt: skip
    assert flags["Born on 3 May 2012"].reason == ""
    assert guard_demo_load(period=drafted.period, path=path) == 0
    assert AuditEntry.objects.filter(code="reports.guard.flag_cleared").count() == 1


def test_without_a_file_the_loader_only_scans(drafted, tmp_path):
    assert guard_demo_load(period=drafted.period, path=tmp_path / "guard.yaml") == 0
    assert GuardFlag.objects.filter(period=drafted.period, reason="").count() == 2


def test_a_clearance_that_matches_no_flag_is_a_clear_error(drafted, tmp_path):
    path = tmp_path / "guard.yaml"
    path.write_text(CLEARANCES.replace("3 rapid reviews", "4 rapid reviews"), encoding="utf-8")
    with pytest.raises(DemoDataError, match="no small_number flag reads '4 rapid reviews'"):
        guard_demo_load(period=drafted.period, path=path)


def test_the_real_demo_clears_2019_20_and_keeps_the_planted_flag_of_2020_21_open(db, monkeypatch):
    from demo.loader import DEMO_DIR, NEXT_DIR

    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo", stdout=StringIO())
    first = ReportingPeriod.objects.get(partnership__slug="dudley", slug="2019-20")
    second = ReportingPeriod.objects.get(partnership__slug="dudley", slug="2020-21")
    assert guard_demo_load(period=first, path=DEMO_DIR / "guard.yaml") == 0  # load_demo cleared them
    assert guard_demo_load(period=second, path=NEXT_DIR / "guard.yaml") == 0
    assert [r for r in report_readiness(period=first).reasons if isinstance(r, LinkedReason)] == []
    assert report_readiness(period=first).reasons == []
    [flag] = GuardFlag.objects.filter(period=second)
    assert (flag.kind, flag.matched, flag.reason) == ("age", "aged 9 … from Brierley Hill", "")
    assert flag.location == "Section 9 'Appendix: Case Studies', case study 1, text"
    reasons = report_readiness(period=second).reasons
    assert [str(r) for r in reasons] == [
        "1 detail that could identify someone is not cleared. Check each on the publication guard's list of flags, "
        "edit the section or clear the flag with a reason."
    ]
