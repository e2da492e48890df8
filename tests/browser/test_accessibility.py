"""Browser checks of particular journeys and states, with axe-core.

Every page as every role is opened by the accessibility crawl (tests/browser/test_crawl.py), which replaced the list
of pages this module used to keep.
"""

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD
from tests.test_permission_matrix import REPORTS_PERIOD

TRAINING_PERIOD = {"partnership_slug": "{partnership}", "period_slug": "{period}"}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill(kwargs, world):
    values = {"{partnership}": world.partnership.slug, "{period}": world.period.slug, "{agency_a}": world.agency_a.slug}
    return {key: values.get(value, value) for key, value in kwargs.items()}


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


def test_published_report_reads_well_for_everyone(page, live_server, world):
    """A real publication: sign-offs, publishing, the PDF made by the task; then the public pages, checked with axe."""
    from reports.models import PublishedReport
    from tests.reports.test_publishing import ready_outline, sign_all

    ready_outline(world)
    sign_all(world)
    sign_in(page, live_server.url, "manager", PASSWORD)
    page.goto(live_server.url + reverse("reports:report", kwargs=fill(REPORTS_PERIOD, world)))
    page.get_by_role("button", name="Publish the report").click()
    assert "Version 1 is published" in page.content()
    version = PublishedReport.objects.get()
    assert version.pdf_state == "ready"
    assert axe_violations(page) == []

    public = page.context.browser.new_context(locale="en-GB", bypass_csp=True).new_page()
    public.goto(live_server.url + reverse("public:partnership_reports", args=[world.partnership.slug]))
    assert "Annual report 2019/20" in public.content()
    assert axe_violations(public) == []
    public.get_by_role("link", name="Read the 2019/20 report").click()
    assert public.locator("h1").count() == 1
    assert "Section about scrutiny" in public.content()
    assert axe_violations(public) == []
    response = public.request.get(live_server.url + version.pdf_path())
    assert response.headers["content-type"] == "application/pdf"
    public.context.close()


def test_error_pages_have_no_axe_violations(page, live_server, world):
    sign_in(page, live_server.url, world.users["lead_a"].username, PASSWORD)
    page.goto(f"{live_server.url}/p/no-such-partnership/")
    assert "Page not found" in page.content()
    assert axe_violations(page) == []
    page.goto(live_server.url + reverse("agencies:funding", kwargs=fill(REPORTS_PERIOD, world)))
    assert "You cannot do this" in page.content()
    assert axe_violations(page) == []


def test_settings_page_after_a_failed_save_has_no_axe_violations(page, live_server, world):
    sign_in(page, live_server.url, "manager", PASSWORD)
    page.goto(live_server.url + reverse("partnership:settings", args=[world.partnership.slug]))
    page.get_by_label("Full name").fill("")
    page.get_by_role("button", name="Save the settings").click()
    assert page.title().startswith("Error: Partnership settings")
    assert "Enter the partnership's name." in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []


def test_business_manager_enters_and_corrects_a_contribution(page, live_server, world):
    sign_in(page, live_server.url, "manager", PASSWORD)
    page.goto(live_server.url + reverse("agencies:funding", kwargs=fill(TRAINING_PERIOD, world)))
    page.get_by_role("link", name="Add a contribution").click()
    page.get_by_label("Agency").select_option(label="Police")
    page.get_by_label("Amount in pounds").fill("-5")
    page.get_by_role("button", name="Save contribution").click()
    assert page.title().startswith("Error: ")
    assert "Enter an amount of £0 or more" in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Amount in pounds").fill("£13,300.50")
    page.get_by_role("button", name="Save contribution").click()
    page.get_by_role("link", name="Change Police's contribution").click()
    page.get_by_label("Amount in pounds").fill("13400")
    page.get_by_role("button", name="Save contribution").click()
    assert page.get_by_test_id("funding-total").inner_text() == "£13,400"
    page.get_by_text("History").click()
    assert "Amount £13,300.50 to £13,400" in page.content()
    assert axe_violations(page) == []
