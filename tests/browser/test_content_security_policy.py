"""The portal's pages run under their Content-Security-Policy in a real browser: Chromium
reports no violation (no inline script or style was refused) and the scripts still work
(GOV.UK Frontend's init, "add another", the PDF progress poll, the admin's own JS).

Unlike the accessibility tests, these contexts do not bypass the policy.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import staff_user
from tests.test_permission_matrix import REPORTS_PERIOD, REPORTS_SECTION, MatrixPublished

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Added before any page script runs (by the browser, so the policy does not apply to it).
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (event) {
  window.__violations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline') + ' ' +
    (event.sourceFile || '') + ':' + event.lineNumber);
});
"""


@pytest.fixture
def strict_page(browser):
    context = browser.new_context(locale="en-GB")  # no bypass_csp: the page's own policy applies
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.messages = []
    page.on("console", lambda message: page.messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: page.messages.append(f"pageerror: {error}"))
    yield page
    context.close()


def signed_in(page, live_server, user):
    """Sign in by the session cookie a test client makes, whatever the sign-in steps are."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def fill(kwargs, world):
    values = {"{partnership}": world.partnership.slug, "{period}": world.period.slug}
    return {key: values.get(str(value), str(value)) for key, value in kwargs.items()}


def assert_no_violation(page):
    violations = page.evaluate("window.__violations")
    refused = [m for m in page.messages if "Content Security Policy" in m or "pageerror" in m]
    assert (violations, refused) == ([], [])


def assert_scripts_ran(page):
    # supported.js and portal.js (GOV.UK Frontend's initAll) both ran.
    classes = page.evaluate("document.body.className")
    assert "js-enabled" in classes and "govuk-frontend-supported" in classes


def test_sign_in_page(strict_page, live_server, world):
    response = strict_page.goto(live_server.url + reverse("account_login"))
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "Sign in" in strict_page.content()
    assert_scripts_ran(strict_page)
    assert_no_violation(strict_page)


def test_home_and_sign_out(strict_page, live_server, world):
    signed_in(strict_page, live_server, world.users["business_manager"])
    strict_page.goto(live_server.url + reverse("home"))
    assert "What you can do" in strict_page.content()
    assert_scripts_ran(strict_page)
    assert_no_violation(strict_page)
    strict_page.get_by_role("button", name="Sign out").click()
    strict_page.wait_for_url(f"{live_server.url}/**")
    assert_no_violation(strict_page)


def test_section_edit_adds_another_quote_without_a_round_trip(strict_page, live_server, world):
    signed_in(strict_page, live_server, world.users["lead_a"])
    strict_page.goto(live_server.url + reverse("reports:section_edit", kwargs=fill(REPORTS_SECTION, world)))
    before = strict_page.locator('[data-formset="quotes"] fieldset').count()
    strict_page.get_by_role("button", name="Add another quote or case study").click()
    assert strict_page.locator('[data-formset="quotes"] fieldset').count() == before + 1
    assert_scripts_ran(strict_page)
    assert_no_violation(strict_page)


def test_report_status_polls_the_pdf_progress(strict_page, live_server, world):
    str(MatrixPublished())  # version 1, its PDF still to be made
    signed_in(strict_page, live_server, world.users["business_manager"])
    with strict_page.expect_response(lambda r: r.url.endswith("/progress/"), timeout=60_000) as polled:
        strict_page.goto(live_server.url + reverse("reports:report", kwargs=fill(REPORTS_PERIOD, world)))
    assert polled.value.status == 200
    strict_page.wait_for_function(
        "document.querySelector('.portal-progress__text').textContent.includes('%')", timeout=60_000
    )
    assert_no_violation(strict_page)


def test_settings_page_shows_the_logo_preview(strict_page, live_server, world):
    from django.core.files.base import ContentFile

    logo = b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>'
    world.partnership.logo.save("logo.svg", ContentFile(logo))
    signed_in(strict_page, live_server, world.users["business_manager"])
    strict_page.goto(live_server.url + reverse("partnership:settings", args=[world.partnership.slug]))
    preview = strict_page.get_by_alt_text("The partnership's logo as the report shows it")
    strict_page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
    assert_no_violation(strict_page)


def test_admin_change_page(strict_page, live_server, world):
    signed_in(strict_page, live_server, staff_user())  # an operator with a second factor, as the admin requires
    strict_page.goto(f"{live_server.url}/admin/partnership/partnership/{world.partnership.pk}/change/")
    assert strict_page.locator("#partnership_form").count() == 1
    # The admin's own scripts ran: its "Show"/"Hide" of collapsed fieldsets or the date shortcuts
    # come from static files; django.jQuery is defined only if jquery.js loaded.
    assert strict_page.evaluate("typeof window.django !== 'undefined' && typeof window.django.jQuery === 'function'")
    assert_no_violation(strict_page)
