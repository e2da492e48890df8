"""Real-browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium).

No browser is downloaded: .ci/run installs the Debian package. Playwright's sync API runs
an event loop in the test thread, so Django's async-safety check is relaxed here only.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package (apt-get install chromium)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets axe be injected into pages whose CSP forbids scripts (the published report).
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, live_server_url: str, username: str, password: str) -> None:
    """Through the sign-in form; an account with an authenticator (the stock business manager and
    scrutineer) then gives the code its authenticator app would show."""
    from django.contrib.auth import get_user_model

    from people.mfa import mfa_enrolled
    from tests.factories import totp_code, totp_secret_of

    page.goto(f"{live_server_url}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    user = get_user_model().objects.get(username=username)
    if mfa_enrolled(user):
        page.wait_for_url(f"{live_server_url}/accounts/2fa/authenticate/")
        page.locator("input[name=code]").fill(totp_code(totp_secret_of(user)))
        page.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{live_server_url}/")


AXE_RUN = """async (limit) => {
    // A stalled run (seen once on a loaded machine) fails after `limit` ms instead of hanging the suite.
    const stalled = new Promise((_, reject) => setTimeout(() => reject(new Error('axe run stalled')), limit));
    const result = await Promise.race([axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
    }), stalled]);
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)
    }));
}"""


def axe_violations(page, stall_ms: int = 90_000) -> list[dict]:
    """Run axe-core with the WCAG 2.x A/AA and 2.2 AA rules; return the violations. A run that stalls is
    tried once more on the reloaded page: the check is of the page, not of the machine's load."""
    from playwright.sync_api import Error

    page.add_script_tag(path=str(AXE))
    try:
        return page.evaluate(AXE_RUN, stall_ms)
    except Error as error:
        if "axe run stalled" not in str(error):
            raise
    page.reload()
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN, stall_ms)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test signs in afresh; allauth's per-IP sign-in limits would otherwise trip across the suite."""
    from django.core.cache import cache

    cache.clear()
