"""The accessibility crawl: every URL pattern of the portal, opened in Chromium as every role that may open it.

On each page: axe-core (WCAG 2.0/2.1 A and AA, 2.2 AA: failed; best practice: counted and printed), reflow at 320 px,
a visible focus on every Tab stop, and every form sent empty to check its error state. One test opens everything and
fails at the end with the complete list, so one live server and one world serve the whole crawl; it runs once in CI
(sqlite_only: the PostgreSQL half leaves it out, the pages are the same).
"""

import os
import time

import pytest

from tests.browser.conftest import sign_in
from tests.browser.crawl import (
    EXCLUDED,
    Findings,
    axe_check,
    crawl_pages,
    crawl_world,
    error_state_check,
    focus_check,
    page_checks,
    reflow_check,
    uncovered_url_names,
)
from tests.factories import PASSWORD, totp_code, totp_secret_of

# Pages whose forms take an empty answer as a valid one, with why: the crawl checks the page but does not send its forms
# (sending them would change the world the rest of the crawl opens). Their error states are tested where named.
EMPTY_VALID = {
    "reports:section_edit": "an empty draft is a draft; the editor's errors: tests/reports/test_editor_a11y.py",
}
# Pages whose forms are valid empty (a choice always made, the rest optional), sent instead with this invalid input.
INVALID_INPUT = {
    "reports:tracked_item": {"rating": "little"},  # little or no progress needs an explanation
    "reviews:action_update": {"status": "completed"},  # completed needs a date and evidence
}


def test_every_url_is_crawled_or_excluded():
    assert uncovered_url_names() == [], "Add these URL names to the crawl or to EXCLUDED with a reason"


def test_excluded_names_are_real_url_names():
    from tests.test_permission_matrix import project_url_names

    names = {name for name, _ in project_url_names()}
    assert sorted(name for name in EXCLUDED if name != "admin:*" and name not in names) == []


def test_every_crawled_role_opens_some_page():
    from tests.browser.crawl import CRAWL_ROLES

    assert {page.role for page in crawl_pages()} == set(CRAWL_ROLES)


def _signed_in(browser, live_server, world, role, findings):
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    page = context.new_page()
    if role == "business_manager":
        _sign_in_through_second_factor(page, live_server, world, findings)
    elif role != "anonymous":
        sign_in(page, live_server.url, world.users[role].username, PASSWORD)
    return page


def _sign_in_through_second_factor(page, live_server, world, findings):
    """The manager's sign-in, checking the authentication page on the way (and its error state)."""
    user = world.users["business_manager"]
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username or email").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    label = "business_manager mfa_authenticate"
    page_checks(page, label, findings)
    error_state_check(page, page.url, label, findings)
    findings.pages["business_manager"] += 1
    page.locator("input[name=code]").fill(totp_code(totp_secret_of(user)))
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/")


def _authenticator_set_up(page, live_server, findings):
    """Lead A sets up an authenticator: asked for the password again first, then shown the set-up page."""
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    if "reauthenticate" in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url("**/2fa/totp/activate/")
    label = "lead_a mfa_activate_totp"
    page_checks(page, label, findings)
    error_state_check(page, page.url, label, findings)
    findings.pages["lead_a"] += 1


def _open(page, live_server, world, entry, findings):
    url = live_server.url + entry.url(world)
    response = page.goto(url)
    label = entry.label()
    if response is None or response.status != 200:
        findings.other.append(f"{label}: {url} answered {response.status if response else 'nothing'}")
        return
    if entry.shows and not page.locator(entry.shows).count():
        findings.other.append(f"{label}: {url} shows nothing matching {entry.shows!r}")
    if entry.action == "preview":
        page.locator("textarea").first.fill(page.locator("textarea").first.input_value() + "\n\nA previewed line.")
        with page.expect_navigation():
            page.get_by_role("button", name="Preview").first.click()
        if "A previewed line." not in page.locator("[data-testid=preview]").inner_text():
            findings.other.append(f"{label}: the preview does not show the text")
        focused = page.evaluate("() => document.activeElement.getAttribute('aria-labelledby')")
        if focused != "preview-title":
            findings.other.append(f"{label}: focus is not moved to the preview (it is on {focused!r})")
        page_checks(page, label, findings)
    else:
        page_checks(page, label, findings)
        if entry.name not in EMPTY_VALID:
            error_state_check(page, page.url, label, findings, INVALID_INPUT.get(entry.name), name=entry.name)
    findings.pages[entry.role] += 1


@pytest.mark.browser
@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(3600)
def test_crawl_every_page_as_every_role(browser, live_server, world, capsys):
    started = time.monotonic()
    crawl_world(world)
    findings = Findings()
    pages = {}
    for entry in crawl_pages():
        if entry.role not in pages:
            pages[entry.role] = _signed_in(browser, live_server, world, entry.role, findings)
            if entry.role == "lead_a":
                _authenticator_set_up(pages["lead_a"], live_server, findings)
        _open(pages[entry.role], live_server, world, entry, findings)
        if progress := os.environ.get("CRAWL_PROGRESS"):  # a file to follow a long crawl by
            with open(progress, "a") as log:
                log.write(f"{time.monotonic() - started:.0f}s {entry.label()}\n")
    for page in pages.values():
        page.context.close()
    with capsys.disabled():
        print("\n" + findings.summary() + f"\n  wall time: {time.monotonic() - started:.0f} s")
    failures = findings.failures()
    assert failures == [], f"{len(failures)} accessibility failures:\n" + "\n".join(failures)


# The checks themselves, on pages made to fail them: each must catch what it is for, and pass what is right.


@pytest.mark.browser
def test_axe_check_fails_wcag_and_counts_best_practice(page):
    findings = Findings()
    page.set_content('<html lang="en"><title>t</title><main><h1>A</h1><img src="x.png"><h4>Skipped</h4></main></html>')
    axe_check(page, "made", findings)
    assert [line.split(" (")[0] for line in findings.wcag] == ["made: axe image-alt"]
    assert findings.best_practice == {"heading-order": 1}


@pytest.mark.browser
def test_reflow_check_fails_a_wide_page_but_not_a_table_in_its_own_scroll_wrapper(page):
    findings = Findings()
    page.set_content(
        '<html lang="en"><body style="margin: 0"><div id="wide" style="width: 600px">Wide</div></body></html>'
    )
    reflow_check(page, "wide", findings)
    page.set_content(
        '<html lang="en"><body><div style="overflow-x: auto; position: relative" tabindex="0">'
        '<table style="width: 900px"><tr><td>Cell<span style="position: absolute; left: 880px">hidden</span></td>'
        "</tr></table></div></body></html>"
    )
    reflow_check(page, "wrapped", findings)
    page.set_content(
        '<html lang="en"><body style="margin: 0"><div style="overflow-x: auto" tabindex="0">'
        '<table style="width: 900px"><tr><td>Cell'
        '<span id="escapes" style="position: absolute; left: 880px; width: 40px; height: 1px"></span>'
        "</td></tr></table></div></body></html>"
    )
    reflow_check(page, "escapes", findings)
    assert [line.split(";")[0] for line in findings.reflow] == [
        "wide: reflow: page 600px wide in 320px",
        "escapes: reflow: page 920px wide in 320px",
    ]
    assert "span#escapes" in findings.reflow[1]
    assert page.viewport_size["width"] != 320  # the crawl's own size is put back


@pytest.mark.browser
def test_focus_check_fails_an_element_that_looks_the_same_focused(page):
    findings = Findings()
    page.set_content(
        '<html lang="en"><head><style>#hidden:focus { outline: none; } a:focus { background: #fd0; }</style></head>'
        '<body><a href="#a">Shown</a><button id="hidden">Hidden</button><button>Default</button></body></html>'
    )
    focus_check(page, "made", findings)
    assert findings.tab_stops == 3
    assert findings.focus == ['made: focus not visible on button#hidden "Hidden"']
    assert findings.tab_capped == []
    focus_check(page, "capped", findings, cap=2)
    assert (findings.tab_stops, findings.tab_capped) == (5, ["capped"])


@pytest.mark.browser
def test_error_state_check_reads_the_title_summary_links_and_messages(page):
    findings = Findings()
    page.route("**/form", lambda route: route.fulfill(content_type="text/html", body=ANSWER))
    page.goto("http://crawl.test/form")
    error_state_check(page, page.url, "made", findings)
    assert findings.forms_in_error == 1
    assert findings.forms == [
        "made form 0: sent empty, the title does not start with 'Error:' ('Form')",
        "made form 0: error summary links to no field: ['#missing']",
        "made form 0: 1 bare 'This field is required.' messages",
    ]


ANSWER = """<!DOCTYPE html><html lang="en"><title>Form</title><main><h1>Form</h1>
<div class="govuk-error-summary"><h2>There is a problem</h2><ul><li><a href="#name">Enter a name.</a></li>
<li><a href="#missing">Enter a date.</a></li><li><a href="#name">This field is required.</a></li></ul></div>
<form method="post" action="/form"><label for="name">Name</label><input id="name" name="name" value="x">
<button type="submit">Send</button></form></main></html>"""
