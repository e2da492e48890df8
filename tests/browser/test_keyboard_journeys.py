"""One journey per role with the keyboard only: Tab, Shift+Tab, Enter, Space and typing into the focused field.

No element is clicked or filled; page.goto stands for typing an address. Each journey also walks every page it
passes through from the first Tab stop until focus comes round again, which fails if focus is trapped.
"""

import pytest
from django.urls import reverse

from reports.models import Challenge, Section, SectionState, SignOff
from tests.factories import PASSWORD, totp_code, totp_secret_of
from tests.reports.report_fixtures import add_section, add_spec, content

# Run on the PostgreSQL half of CI only: the SQLite half runs the crawl, and the journeys are the same on both.
pytestmark = [pytest.mark.browser, pytest.mark.postgresql_only, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    if (!el.__journeyMark) el.__journeyMark = Math.random().toString(36).slice(2);
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
    return {mark: el.__journeyMark, name: el.getAttribute('name') || '', text, tag: el.tagName.toLowerCase()};
}"""


class Keyboard:
    """Presses keys on a page and counts them."""

    def __init__(self, page):
        self.page, self.presses = page, 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.presses += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.presses += len(text)

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def tab_to(self, *, text: str = "", name: str = "", limit: int = 400) -> None:
        """Tab forward until the focused element shows `text` (or has the field name `name`)."""
        first = None
        for _ in range(limit):
            self.press("Tab")
            stop = self.focused()
            if stop is None:
                continue
            if (text and stop["text"].startswith(text)) or (name and stop["name"] == name):
                return
            if first is None:
                first = stop["mark"]
            elif stop["mark"] == first:
                pytest.fail(f"{self.page.url}: Tab went all the way round without reaching {text or name!r}")
        pytest.fail(f"{self.page.url}: {text or name!r} not reached in {limit} Tab presses")

    def activate(self, *, text: str = "", name: str = "") -> None:
        """Tab to a link or button and press Enter, waiting for the page it opens."""
        self.tab_to(text=text, name=name)
        with self.page.expect_navigation():
            self.press("Enter")

    def no_trap(self, limit: int = 400) -> int:
        """Tab from the top of the page until focus comes back round; a stop seen twice before then is a trap."""
        self.page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
        order = []
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            stop = self.focused()
            if stop is None:
                if order:
                    return len(order)
                continue
            if order and stop["mark"] == order[0]:
                return len(order)
            if stop["mark"] in order:
                pytest.fail(f"{self.page.url}: focus trapped: {stop['text'] or stop['name']!r} came round again")
            order.append(stop["mark"])
        pytest.fail(f"{self.page.url}: focus did not come round in {limit} Tab presses")


def keyboard_sign_in(page, live_server, user) -> Keyboard:
    keys = Keyboard(page)
    page.goto(f"{live_server.url}/accounts/login/")
    keys.no_trap()
    keys.tab_to(name="login")
    keys.type(user.username)
    keys.press("Tab")
    assert keys.focused()["name"] == "password"
    keys.type(PASSWORD)
    with page.expect_navigation():
        keys.press("Enter")
    if page.url.endswith("/2fa/authenticate/"):
        keys.no_trap()
        keys.tab_to(name="code")
        keys.type(totp_code(totp_secret_of(user)))
        with page.expect_navigation():
            keys.press("Enter")
    assert page.url == f"{live_server.url}/", page.url
    return keys


@pytest.fixture
def journey_section(world):
    """A section of agency A (the council), not started, assigned to the contributor."""
    spec = add_spec(world.period, 1, "Early help", owner=world.agency_a)
    section = Section.objects.create(spec=spec)
    section.contributors.add(world.users["contributor"])
    return section


def section_url(live_server, world, section, name="reports:section"):
    args = [world.partnership.slug, world.period.slug, section.spec.slug]
    return live_server.url + reverse(name, args=args)


def write_and_save(keys, text: str) -> None:
    keys.tab_to(name="narrative")
    keys.type(text)
    keys.press("Shift+Tab")
    keys.activate(text="Save")


def test_contributor_drafts_a_section_with_the_keyboard(page, live_server, world, journey_section):
    keys = keyboard_sign_in(page, live_server, world.users["contributor"])
    page.goto(live_server.url + reverse("reports:dashboard", args=[world.partnership.slug, world.period.slug]))
    keys.no_trap()
    keys.activate(text="Early help")
    keys.activate(text="Start writing")
    keys.no_trap()
    write_and_save(keys, "Families told us what helped.")
    section = Section.objects.get(pk=journey_section.pk)
    assert section.current_revision.content["narrative"] == "Families told us what helped."
    assert "Submit for approval" not in page.content()  # a contributor drafts; the agency lead submits


def test_agency_lead_writes_saves_and_submits_with_the_keyboard(page, live_server, world, journey_section):
    keys = keyboard_sign_in(page, live_server, world.users["lead_a"])
    page.goto(section_url(live_server, world, journey_section))
    keys.no_trap()
    keys.activate(text="Start writing")
    write_and_save(keys, "We opened two family hubs.")
    keys.activate(text="Submit for approval")
    section = Section.objects.get(pk=journey_section.pk)
    assert section.state == SectionState.SUBMITTED
    assert section.current_revision.content["narrative"] == "We opened two family hubs."
    assert keys.presses < 400, keys.presses


def test_business_manager_approves_with_the_keyboard(page, live_server, world, journey_section):
    add_section(add_spec(world.period, 2, "Governance"), world.users["lead_a"], content("How we are run."))
    submitted = add_section(
        add_spec(world.period, 3, "Police", owner=world.agency_b), world.users["lead_b"], content("Our year."),
        approved=False,
    )  # fmt: skip
    keys = keyboard_sign_in(page, live_server, world.users["business_manager"])
    page.goto(section_url(live_server, world, submitted))
    keys.no_trap()
    keys.activate(text="Approve revision 1")
    assert Section.objects.get(pk=submitted.pk).state == SectionState.APPROVED


def test_scrutineer_raises_a_challenge_with_the_keyboard(page, live_server, world):
    section = add_section(add_spec(world.period, 2, "Police", owner=world.agency_b), world.users["lead_b"],
                          content("Our year."), approved=False)  # fmt: skip
    keys = keyboard_sign_in(page, live_server, world.users["scrutineer"])
    page.goto(section_url(live_server, world, section))
    keys.no_trap()
    keys.tab_to(name="question")
    keys.type("How do you know the hubs reached the families most in need?")
    keys.activate(text="Raise challenge")
    challenge = Challenge.objects.get(section=section)
    assert challenge.question == "How do you know the hubs reached the families most in need?"
    assert challenge.raised_by == world.users["scrutineer"]


def test_lead_safeguarding_partner_signs_off_with_the_keyboard(page, live_server, world):
    add_section(add_spec(world.period, 2, "Governance"), world.users["business_manager"], content("How we are run."))
    keys = keyboard_sign_in(page, live_server, world.users["lead_b"])
    page.goto(live_server.url + reverse("reports:report", args=[world.partnership.slug, world.period.slug]))
    keys.no_trap()
    keys.tab_to(name="signatory_name")
    keys.type("Chief Constable")
    with page.expect_navigation():
        keys.press("Enter")
    assert [str(sign_off) for sign_off in SignOff.objects.all()] == ["Police sign-off by Chief Constable"]


def test_anyone_reads_the_published_report_and_its_pdf_with_the_keyboard(page, live_server, world):
    from tests.browser.crawl import crawl_world

    crawl_world(world)
    keys = Keyboard(page)
    page.goto(live_server.url + reverse("public:partnership_reports", args=[world.partnership.slug]))
    keys.no_trap()
    keys.activate(text="Read the 2019/20 report")
    assert page.locator("h1").count() == 1
    keys.no_trap(limit=1500)
    page.goto(live_server.url + reverse("public:partnership_reports", args=[world.partnership.slug]))
    keys.tab_to(text="download it as a PDF")
    with page.expect_response(lambda response: response.url.endswith(".pdf")) as pdf:
        keys.press("Enter")
    assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"


@pytest.mark.browser
def test_no_trap_fails_where_focus_cannot_leave(page):
    page.set_content(
        '<html lang="en"><body><a href="#a">Before</a><input id="trap"><a href="#b">After</a><script>'
        "document.getElementById('trap').addEventListener('keydown',"
        " e => { if (e.key === 'Tab') e.preventDefault(); });"
        "</script></body></html>"
    )
    with pytest.raises(pytest.fail.Exception, match="focus trapped"):
        Keyboard(page).no_trap()
    page.set_content('<html lang="en"><body><a href="#a">Before</a><input><a href="#b">After</a></body></html>')
    assert Keyboard(page).no_trap() == 3
