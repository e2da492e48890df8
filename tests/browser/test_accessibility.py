"""Every page of the portal, opened in Chromium as the role that uses it, checked with axe-core.

Later features add their pages to PAGES: (role, URL name, URL kwargs, text the page must show).
"""

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("anonymous", "home", {}, "Safeguarding partnership portal"),
    ("anonymous", "account_login", {}, "Sign in"),
    ("anonymous", "account_reset_password", {}, "Password"),
    ("business_manager", "home", {}, "What you can do"),
    ("business_manager", "partnership:detail", {"partnership_slug": "{partnership}"}, "Reporting periods"),
    ("business_manager", "agencies:list", {"partnership_slug": "{partnership}"}, "Agencies"),
    (
        "lead_a",
        "agencies:detail",
        {"partnership_slug": "{partnership}", "agency_slug": "{agency_a}"},
        "People with accounts",
    ),
    (
        "business_manager",
        "agencies:funding",
        {"partnership_slug": "{partnership}", "period_slug": "{period}"},
        "Total",
    ),
]


def fill(kwargs, world):
    values = {"{partnership}": world.partnership.slug, "{period}": world.period.slug, "{agency_a}": world.agency_a.slug}
    return {key: values.get(value, value) for key, value in kwargs.items()}


@pytest.mark.parametrize(("role", "name", "kwargs", "text"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_page_has_no_axe_violations(page, live_server, world, role, name, kwargs, text):
    if role != "anonymous":
        sign_in(page, live_server.url, world.users[role].username, PASSWORD)
    page.goto(live_server.url + reverse(name, kwargs=fill(kwargs, world)))
    assert text in page.content()
    violations = axe_violations(page)
    assert violations == [], violations


def test_business_manager_signs_in_and_sees_the_funding_total(page, live_server, world):
    from tests.factories import FundingFactory

    FundingFactory(agency=world.agency_a, period=world.period, amount="210300")
    FundingFactory(agency=world.agency_b, period=world.period, amount="13300.50")
    sign_in(page, live_server.url, "manager", PASSWORD)
    page.get_by_role("link", name=f"Check funding for {world.period.label}").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Funding 2019/20"
    assert page.get_by_test_id("funding-total").inner_text() == "£223,600.50"
    assert axe_violations(page) == []


def test_failed_sign_in_shows_an_error_summary(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username or email").fill("manager")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert axe_violations(page) == []
