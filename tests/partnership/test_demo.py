from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from agencies.models import Agency, FundingContribution, Representative
from agencies.selectors import funding_for_period
from partnership.models import Partnership, Priority, ReportingPeriod, Subgroup
from people.models import Membership

pytestmark = pytest.mark.django_db


def snapshot():
    models = [Partnership, ReportingPeriod, Priority, Subgroup, Agency, Representative, FundingContribution, Membership]
    rows = {m.__name__: sorted(m.objects.values_list("pk", "updated_at")) for m in models}
    rows["users"] = sorted(get_user_model().objects.values_list("pk", "username", "password"))
    return rows


def load(monkeypatch, password="demo-password-for-tests"):
    monkeypatch.setenv("DEMO_PASSWORD", password)
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_partnership_matches_the_reference_report(monkeypatch):
    load(monkeypatch)
    period = ReportingPeriod.objects.get(partnership__slug="dudley", slug="2019-20")
    assert (str(period.start), str(period.end), str(period.arrangements_began)) == (
        "2019-04-01",
        "2020-03-31",
        "2019-09-29",
    )
    assert list(Priority.objects.values_list("title", flat=True)) == [
        "Preventing violence across the life course",
        "Neglect across the life course",
        "Exploitation across the life course",
    ]
    funding = funding_for_period(period=period)
    assert len(funding.contributions) == 10
    assert funding.total == Decimal("380150")
    assert Agency.objects.filter(partnership=period.partnership, statutory_role__gt="").count() == 3
    assert Representative.objects.filter(agency__partnership=period.partnership).count() == 12


def test_demo_users_cover_every_role(monkeypatch):
    load(monkeypatch)
    User = get_user_model()
    usernames = set(User.objects.values_list("username", flat=True))
    assert {"manager", "scrutineer", "contributor", "lead-dudley-mbc", "lead-west-midlands-police"} <= usernames
    assert all(f"lead-{slug}" in usernames for slug in Agency.objects.values_list("slug", flat=True))
    assert User.objects.get(username="manager").check_password("demo-password-for-tests")
    assert Membership.objects.filter(user__username="contributor", agency__slug="dudley-mbc").exists()


def test_running_load_demo_twice_changes_nothing(monkeypatch):
    load(monkeypatch)
    before = snapshot()
    output = load(monkeypatch, password="a-different-password")
    assert snapshot() == before
    assert "0 change(s)" in output
    assert "passwords are unchanged" in output


def test_generated_password_is_printed_when_none_is_set(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue().split("set DEMO_PASSWORD to choose one): ")[1].strip()
    assert get_user_model().objects.get(username="scrutineer").check_password(printed)
