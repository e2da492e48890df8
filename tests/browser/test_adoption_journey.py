"""A partnership adopts the portal on its own (issue 10), driven in Chromium as each person would.

From an empty database: the operator's one command, then everything through the portal's
pages: the business manager takes up the emailed invitation, sets the partnership up
(settings, a period, priorities, subgroups, six agencies with seats, funding), invites the
scrutineer and the agency leads (who invite their contributor), and every invitee accepts
from their email in a browser of their own. Then the whole yearly cycle to a published
report: outline, writing, a challenge answered and closed, approval (the business manager's
own section with the reason the page asks for), checklist themes no section covers,
sign-off by every statutory partner (four, or three where education is not one), publishing.

No page of the Django admin is ever requested. Each person's screens (pages visited) and
form submissions are counted and printed, so `pytest -s` shows what the journey costs.
"""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import totp_code
from tests.test_no_demo_names import DEMO_WORDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30_000  # ms: generous, for a loaded two-core machine
PDF_TIMEOUT = 180_000
PASSWORD = "Riverside-bridges-2026"
PARTNERSHIP = "Riverside Safeguarding Children Partnership"
SHORT_NAME = "RSCP"
SLUG = "riverside"


def _period_dates(today: datetime.date) -> tuple[str, datetime.date, datetime.date, datetime.date]:
    """The last April-to-March year that has ended, with a submission deadline still to come."""
    first_year = today.year - 1 if today.month >= 4 else today.year - 2
    label = f"{first_year}/{(first_year + 1) % 100:02d}"
    start, end = datetime.date(first_year, 4, 1), datetime.date(first_year + 1, 3, 31)
    return label, start, end, today + datetime.timedelta(days=60)


LABEL, START, END, DEADLINE = _period_dates(datetime.date.today())
PERIOD_SLUG = LABEL.replace("/", "-")


@dataclass(frozen=True)
class AgencyPlan:
    name: str
    short_name: str
    kind: str
    statutory_role: str = ""
    signatory_title: str = ""
    seat: tuple[str, str] | None = None  # (seat, who holds it)
    funding: str = ""
    lead: tuple[str, str] | None = None  # (first name, last name) of its lead, if it has one
    section: str = ""  # the title of the section it writes

    @property
    def lead_email(self) -> str:
        domain = re.sub(r"[^a-z]", "", self.short_name.lower())
        return f"{self.lead[0].lower()}.{self.lead[1].lower()}@{domain}.example.org"

    @property
    def lead_name(self) -> str:
        return f"{self.lead[0]} {self.lead[1]}"


COUNCIL = AgencyPlan(
    "Riverside Borough Council", "Council", "Statutory partner", "Local authority",
    signatory_title="Chief Executive", seat=("Director of Children's Services", "Amara Okafor"), funding="120000",
    lead=("Amara", "Okafor"), section="Children's services in Riverside",
)  # fmt: skip
POLICE = AgencyPlan(
    "Northbank Constabulary", "Police", "Statutory partner", "Police",
    signatory_title="Chief Constable", seat=("Detective Superintendent, Public Protection", "Tom Reyes"),
    funding="45000.50", lead=("Tom", "Reyes"), section="Policing and protecting children",
)  # fmt: skip
HEALTH = AgencyPlan(
    "Riverside Integrated Care Board", "Health", "Statutory partner", "Health",
    signatory_title="Chief Nurse", seat=("Designated Nurse for Safeguarding", "Priya Shah"), funding="60000",
    lead=("Priya", "Shah"), section="Health services for children",
)  # fmt: skip
EDUCATION_PARTNER = AgencyPlan(
    "Riverside Schools Alliance", "Schools", "Statutory partner", "Education (a fourth partner)",
    signatory_title="Director of Education", funding="15000", lead=("Grace", "Lindqvist"),
    section="Schools and early years settings",
)  # fmt: skip
# Where education is not a fourth partner, the same schools are a relevant agency that writes but does not sign.
EDUCATION_AGENCY = AgencyPlan(
    "Riverside Schools Alliance", "Schools", "Education", funding="15000", lead=("Grace", "Lindqvist"),
    section="Schools and early years settings",
)  # fmt: skip
VOLUNTARY = AgencyPlan(
    "Riverside Community Action", "Community Action", "Voluntary and community",
    seat=("Chief Officer", "Sam Whitfield"), lead=("Sam", "Whitfield"), section="The voluntary sector",
)  # fmt: skip
COLLEGE = AgencyPlan("Northbank College", "College", "Education")

CONTRIBUTOR = ("Jo", "Marsh", "jo.marsh@communityaction.example.org")
SCRUTINEER = ("Helen", "Adeyemi", "helen.adeyemi@scrutiny.example.org")
MANAGER = ("Ruth", "Calloway", "ruth.calloway@riverside.example.org")
FUNDING_SECTION = "How the partnership is funded"
PRIORITIES = ["Neglect and its early signs", "Exploitation outside the home", "Safe sleep for babies"]

# Sections the agencies write, and the themes of the statutory checklist each evidences.
THEMES = {
    COUNCIL.section: ["Impact on outcomes for children and families"],
    POLICE.section: ["Voice of children and families"],
    HEALTH.section: ["Areas with little or no progress"],
    EDUCATION_PARTNER.section: ["Schools, colleges and educational settings"],
    VOLUNTARY.section: ["Relevant agencies and their involvement"],
    FUNDING_SECTION: ["Funding of the arrangements", "Partners' activity and effectiveness of the arrangements"],
}
# Themes no section covers, with what the business manager records instead.
EXEMPTIONS = {
    "Training and its impact": (
        "Does not apply this year",
        "The partnership commissioned no multi-agency training this year; each partner trained its own staff.",
    ),
    "Child safeguarding practice reviews": (
        "Does not apply this year",
        "No case met the criteria for a local child safeguarding practice review this year.",
    ),
    "Independent scrutiny": (
        "Covered elsewhere",
        "The independent scrutineer's own report is published beside this one.",
    ),
}


# Watching what every browser asks for --------------------------------------------------------------------


@dataclass
class Traffic:
    """Every request of every browser context: the screens each person saw and the forms they sent."""

    urls: list[str] = field(default_factory=list)
    screens: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    posts: Counter = field(default_factory=Counter)
    loads: Counter = field(default_factory=Counter)
    role_of: dict[str, str] = field(default_factory=dict)
    contexts: list = field(default_factory=list)

    def browser_for(self, browser, person: str, role: str):
        """A browser context of this person's own (their own cookies), watched from its first request."""
        context = browser.new_context(locale="en-GB")
        context.set_default_timeout(TIMEOUT)
        self.contexts.append(context)
        self.role_of[person] = role

        def on_request(request):
            self.urls.append(request.url)
            if not request.is_navigation_request() or request.frame.parent_frame is not None:
                return
            if request.method == "POST":
                self.posts[person] += 1
            else:
                self.loads[person] += 1
                self.screens[person].add(urlsplit(request.url).path)

        context.on("request", on_request)
        return context.new_page()

    def report(self) -> str:
        lines = ["", "Screens (distinct page addresses) and form submissions, per person and per role:"]
        by_role: dict[str, list[str]] = defaultdict(list)
        for person, role in self.role_of.items():
            by_role[role].append(person)
            lines.append(
                f"  {person} ({role}): {len(self.screens[person])} screens, {self.loads[person]} page loads, "
                f"{self.posts[person]} submissions"
            )
        for role, people in by_role.items():
            screens = set().union(*(self.screens[p] for p in people))
            posts = sum(self.posts[p] for p in people)
            lines.append(f"  role {role} ({len(people)} people): {len(screens)} distinct screens, {posts} submissions")
        every = set().union(*self.screens.values())
        lines.append(
            f"  whole journey: {len(every)} distinct screens, {sum(self.loads.values())} page loads, "
            f"{sum(self.posts.values())} submissions"
        )
        return "\n".join(lines)


@dataclass
class Person:
    name: str
    page: object
    base: str

    def open_portal(self) -> None:
        """Opening the portal from a bookmark: the one address a person types."""
        self.page.goto(self.base + "/")
        expect(self.page.get_by_role("heading", level=1)).to_have_text("What you can do", timeout=TIMEOUT)


# Small steps a person takes ---------------------------------------------------------------------------


def link(page, name, *, exact: bool = False) -> None:
    page.get_by_role("link", name=name, exact=exact).first.click()


def press(page, name, *, exact: bool = True) -> None:
    # The last such button: the one a person reaches after filling the form (the editor offers Save at its top too).
    page.get_by_role("button", name=name, exact=exact).last.click()


def heading_is(page, text) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text, timeout=TIMEOUT)


def told(page, text: str) -> None:
    """The page's success banner says this."""
    expect(page.locator(".govuk-notification-banner--success").first).to_contain_text(text, timeout=TIMEOUT)


def fill(page, values: dict[str, str]) -> None:
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)


def invitation_link(email: str, base: str) -> str:
    """The link of the latest invitation emailed to this address, pointed at the test server."""
    sent = [message for message in mail.outbox if email in message.to]
    assert sent, f"No email was sent to {email}; sent to {[m.to for m in mail.outbox]}"
    body = sent[-1].body
    assert PARTNERSHIP in body and "Safeguarding partnership portal" in body, body
    found = re.search(r"https?://\S+/invitations/\S+/", body)
    assert found, body
    return base + urlsplit(found.group(0)).path


def accept_invitation(browser, base, traffic, *, email, first, last, role, privileged=True) -> Person:
    """Open the emailed link in a browser of one's own, choose a name and a password, and arrive."""
    name = f"{first} {last}"
    page = traffic.browser_for(browser, name, role)
    page.goto(invitation_link(email, base))
    heading_is(page, f"Join {PARTNERSHIP}")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    press(page, "Make my account and accept")
    if privileged:
        heading_is(page, "Set up two-factor sign-in")
    if role in ("business manager", "scrutineer"):
        # Their role requires it (people/mfa.py): they set up an authenticator app before anything else.
        press(page, "Set up an authenticator app")  # a link styled and named as a button
        secret = page.locator("#authenticator_secret").input_value()
        page.locator("input[name=code]").fill(totp_code(secret))
        press(page, "Activate")
        page.wait_for_url(base + reverse("mfa_view_recovery_codes"))  # shown once, to be kept safe
        page.goto(f"{base}/p/{SLUG}/")
    elif privileged:
        link(page, f"Go to {PARTNERSHIP}")  # offered to agency leads, not required
    heading_is(page, PARTNERSHIP)
    return Person(name, page, base)


# The business manager sets the partnership up -------------------------------------------------------


def settings_set(page) -> None:
    link(page, "Change the partnership's settings")
    heading_is(page, "Partnership settings")
    page.get_by_label("Area").fill("Riverside")
    page.get_by_label("About the partnership (optional)").fill(
        "The council, the police and the integrated care board lead Riverside's safeguarding arrangements.\n\n"
        "Schools, the voluntary sector and the college take part as relevant agencies."
    )
    press(page, "Save the settings")
    told(page, "Saved the partnership's settings.")
    heading_is(page, PARTNERSHIP)


def priorities_add(page) -> None:
    link(page, "Add, reorder or retire priorities")
    for title in PRIORITIES:
        link(page, "Add a priority")
        fill(page, {"Title": title, "Description (optional)": f"What the partners will do about {title.lower()}."})
        press(page, "Save the priority")
        told(page, f"Saved the priority '{title}'.")
    for number, title in enumerate(PRIORITIES, start=1):
        expect(page.get_by_role("row", name=f"{number}. {title}")).to_be_visible()
    link(page, f"Back to {PARTNERSHIP}")


def subgroups_add(page) -> None:
    link(page, "Add or change subgroups, and record their meetings")
    subgroups = [
        ("Case Review Group", "Commissions and follows up practice reviews.", "Practice reviews"),
        ("Workforce Development Group", "Plans multi-agency training.", "Training"),
    ]
    for name, purpose, oversees in subgroups:
        link(page, "Add a subgroup")
        fill(page, {"Name": name, "Purpose (optional)": purpose, "Chair (optional)": "A partner's senior manager"})
        page.get_by_label(oversees, exact=True).check()
        press(page, "Save the subgroup")
        expect(page.get_by_role("row", name=name)).to_contain_text(oversees, timeout=TIMEOUT)
    link(page, f"Back to {PARTNERSHIP}")


def agency_add(page, plan: AgencyPlan) -> None:
    """From the list of agencies: add one, give it its seat, and come back to the list."""
    link(page, "Add an agency")
    fill(page, {"Name": plan.name, "Short name": plan.short_name})
    page.get_by_label("Kind of agency").select_option(label=plan.kind)
    if plan.statutory_role:
        page.get_by_label("Statutory role").select_option(label=plan.statutory_role)
    if plan.signatory_title:
        page.get_by_label("Title of the person who signs off").fill(plan.signatory_title)
    press(page, "Save agency")
    told(page, f"{plan.name} added.")
    if plan.seat:
        link(page, f"Add a seat for {plan.name}")
        fill(page, {"Seat": plan.seat[0], "Who holds it (optional)": plan.seat[1]})
        press(page, "Save seat")
        told(page, f"Seat '{plan.seat[0]}' added to {plan.name}.")
    link(page, "Agencies", exact=True)
    heading_is(page, "Agencies")


def period_open(page) -> None:
    link(page, "Open a reporting period")
    fill(page, {"Label": LABEL})
    page.get_by_label("Start date").fill(START.isoformat())
    page.get_by_label("End date").fill(END.isoformat())
    page.get_by_label("Submission deadline").fill(DEADLINE.isoformat())
    press(page, "Open the period")
    told(page, f"Opened {LABEL}.")
    heading_is(page, f"Outline of the {LABEL} report")


def spec_add(page, *, title, kind, author, agency=None, block=None, themes=(), priority=None) -> None:
    link(page, "Add a section")
    heading_is(page, "Add a section")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Level").select_option(label="Chapter")
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Written by").select_option(label=author)
    if agency:
        page.get_by_label("Owning agency").select_option(label=agency)
    if block:
        page.get_by_label("Figures the portal fills in").select_option(label=block)
    for theme in themes:
        page.get_by_label(theme, exact=True).check()
    if priority:
        page.get_by_label(priority).check()  # listed as "1. <title>"
    page.get_by_label("Guidance").fill("What you did this year, the difference it made and how you know.")
    press(page, "Save")
    told(page, f"Saved '{title}' in the outline.")


def outline_build(page, writers: list[AgencyPlan]) -> None:
    for plan, priority in zip(writers, PRIORITIES * 2, strict=False):
        spec_add(
            page, title=plan.section, kind="Agency's partnership working", author="The owning agency",
            agency=plan.name, themes=THEMES[plan.section],
            priority=priority,
        )  # fmt: skip
    spec_add(
        page, title=FUNDING_SECTION, kind="Narrative", author="The business manager", block="Funding",
        themes=THEMES[FUNDING_SECTION],
    )  # fmt: skip
    expect(page.get_by_role("table")).to_contain_text(f"{len(writers) + 1} entries")


def funding_enter(page, plans: list[AgencyPlan]) -> None:
    link(page, f"Funding for {LABEL}")
    heading_is(page, f"Funding {LABEL}")
    for plan in plans:
        link(page, "Add a contribution")
        page.get_by_label("Agency").select_option(label=plan.name)
        fill(page, {"Amount in pounds": plan.funding, "Note (optional)": "Core contribution"})
        press(page, "Save contribution")
        told(page, f"Contribution from {plan.name} saved.")
    total = sum(float(plan.funding) for plan in plans)
    expect(page.get_by_test_id("funding-total")).to_have_text(f"£{total:,.2f}".replace(".00", ""))


def invite(page, *, email, role, agency=None) -> None:
    """From a people page: invite someone by email to a role."""
    page.get_by_role("button", name=re.compile(r"^Invite someone")).click()
    heading_is(page, "Invite someone")
    page.get_by_label("Email address").fill(email)
    role_field = page.get_by_label("Role")
    if role_field.is_enabled():
        role_field.select_option(label=role)
    if agency:
        page.get_by_label("Agency").select_option(label=agency)
    press(page, "Send the invitation")
    told(page, f"Invitation sent to {email}.")


# The yearly cycle ---------------------------------------------------------------------------------------


def section_open(person: Person, task_or_link: str, title: str) -> None:
    """From home, through the task or link that says what to do, to the section."""
    person.open_portal()
    link(person.page, task_or_link)
    heading_is(person.page, f"Sections of the {LABEL} report")
    link(person.page, title, exact=True)
    heading_is(person.page, title)


def section_write(page, title: str, writer: str) -> None:
    """On the section's page: write it and save it."""
    link(page, "Start writing")
    heading_is(page, f"Edit: {title}")
    page.get_by_label("What we did").fill(
        f"{writer} reports for {title.lower()} in Riverside this year. Referrals were answered within a day, "
        "and families told us the help came sooner than before."
    )
    page.get_by_label("What difference it made for children and families").fill(
        "Families waited days, not weeks, for help, and fewer children were referred a second time."
    )
    page.get_by_label("Kind of evidence").first.select_option(label="Audit")
    page.get_by_label("Description").first.fill("Audit of 40 referrals, March")
    page.get_by_label("Key achievements").fill("- A single front door for every referral\n- Joint visits with partners")
    page.get_by_label("Areas for development").fill("- Record the child's own words in every plan")
    press(page, "Save")
    told(page, "Saved as revision 1.")
    heading_is(page, title)


def section_submit(page) -> None:
    press(page, "Submit for approval")
    told(page, "Submitted.")


def sections_approve(manager: Person, titles: list[str]) -> None:
    for title in titles:
        section_open(manager, re.compile(r"sections? (is|are) waiting for your review"), title)
        press(manager.page, "Approve revision 1")
        told(manager.page, "Approved.")


def exemptions_record(page) -> None:
    """On the report page: the themes no section covers, each with its reason."""
    for title, (kind, reason) in EXEMPTIONS.items():
        row = page.get_by_test_id("checklist").get_by_role("row").filter(has_text=title)
        row.get_by_text("Needs no section?").click()
        row.get_by_label(kind, exact=True).check()
        row.get_by_label("Reason, for the scrutineer and the signatories").fill(reason)
        row.get_by_role("button", name="Save the reason").click()
        row = page.get_by_test_id("checklist").get_by_role("row").filter(has_text=title)
        expect(row.get_by_test_id("exemption-reason")).to_contain_text(reason, timeout=TIMEOUT)


def sign_off(person: Person, agency: AgencyPlan) -> None:
    person.open_portal()
    link(person.page, f"The final draft is waiting for your sign-off for {agency.name}")
    heading_is(person.page, f"Annual report {LABEL}")
    person.page.get_by_label("Name of the person signing off").fill(person.name)
    press(person.page, "Sign off")
    expect(person.page.get_by_test_id("signoffs")).to_contain_text(f"Signed off by {person.name}", timeout=TIMEOUT)


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


# The journey, in its phases ------------------------------------------------------------------------------


@dataclass
class Journey:
    browser: object
    base: str
    traffic: Traffic
    education_signs: bool
    people: dict[str, Person] = field(default_factory=dict)  # by agency name for leads; by role otherwise

    @property
    def education(self) -> AgencyPlan:
        return EDUCATION_PARTNER if self.education_signs else EDUCATION_AGENCY

    @property
    def statutory(self) -> list[AgencyPlan]:
        return [COUNCIL, POLICE, HEALTH] + ([self.education] if self.education_signs else [])

    @property
    def writers(self) -> list[AgencyPlan]:
        return [COUNCIL, POLICE, HEALTH, self.education, VOLUNTARY]

    @property
    def agencies(self) -> list[AgencyPlan]:
        return [*self.writers, COLLEGE]

    def accept(self, key: str, *, email, first, last, role, privileged=True) -> Person:
        person = accept_invitation(self.browser, self.base, self.traffic, email=email, first=first, last=last,
                                   role=role, privileged=privileged)  # fmt: skip
        self.people[key] = person
        return person


def operator_creates_the_partnership(journey: Journey) -> Person:
    """The operator's one step; the business manager takes up the invitation it emails (and prints)."""
    out = io.StringIO()
    call_command(
        "partnership_create", name=PARTNERSHIP, short_name=SHORT_NAME, slug=SLUG, manager_email=MANAGER[2], stdout=out
    )
    assert urlsplit(invitation_link(MANAGER[2], journey.base)).path in out.getvalue()
    return journey.accept("manager", email=MANAGER[2], first=MANAGER[0], last=MANAGER[1], role="business manager")


def manager_sets_the_partnership_up(journey: Journey) -> None:
    """Settings, priorities, subgroups, agencies with seats, the period and its outline, funding: from its page."""
    bm = journey.people["manager"].page
    settings_set(bm)
    priorities_add(bm)
    subgroups_add(bm)
    link(bm, "Agencies and the membership table")
    for plan in journey.agencies:
        agency_add(bm, plan)
    for plan in journey.agencies:
        expect(bm.get_by_role("row", name=plan.name)).to_be_visible()
    link(bm, SHORT_NAME, exact=True)  # the menu
    period_open(bm)
    outline_build(bm, journey.writers)
    link(bm, SHORT_NAME, exact=True)
    funding_enter(bm, [plan for plan in journey.agencies if plan.funding])


def everyone_is_invited_and_accepts(journey: Journey) -> None:
    """The manager invites the scrutineer and the leads; the voluntary sector's lead invites a contributor."""
    bm = journey.people["manager"].page
    link(bm, SHORT_NAME, exact=True)
    link(bm, "People and their roles", exact=True)
    heading_is(bm, "People and their roles")
    invite(bm, email=SCRUTINEER[2], role="Independent scrutineer")
    journey.accept("scrutineer", email=SCRUTINEER[2], first=SCRUTINEER[0], last=SCRUTINEER[1], role="scrutineer")
    for plan in journey.writers:
        invite(bm, email=plan.lead_email, role="Agency lead", agency=plan.name)
        role = "statutory lead" if plan in journey.statutory else "agency lead"
        journey.accept(plan.name, email=plan.lead_email, first=plan.lead[0], last=plan.lead[1], role=role)
    bm.reload()
    everyone = bm.get_by_role("region", name="People and their roles")
    expect(everyone).to_contain_text(f"{SCRUTINEER[0]} {SCRUTINEER[1]}")
    for plan in journey.writers:
        expect(everyone).to_contain_text(plan.lead_name)

    voluntary = journey.people[VOLUNTARY.name]
    voluntary.open_portal()
    link(voluntary.page, f"Manage {VOLUNTARY.name}: its representatives and people")
    link(voluntary.page, f"See who in {VOLUNTARY.name} has an account, and their roles")
    heading_is(voluntary.page, f"People in {VOLUNTARY.name}")
    invite(voluntary.page, email=CONTRIBUTOR[2], role="Contributor")
    journey.accept("contributor", email=CONTRIBUTOR[2], first=CONTRIBUTOR[0], last=CONTRIBUTOR[1],
                   role="contributor", privileged=False)  # fmt: skip


def agencies_write_their_sections(journey: Journey) -> None:
    """Each lead writes and submits; the voluntary sector's contributor drafts, and its lead submits."""
    write = f"Write your agency's sections of the {LABEL} report"
    for plan in [COUNCIL, POLICE, HEALTH, journey.education]:
        lead = journey.people[plan.name]
        section_open(lead, write, plan.section)
        section_write(lead.page, plan.section, plan.name)
        section_submit(lead.page)
    voluntary, contributor = journey.people[VOLUNTARY.name], journey.people["contributor"]
    section_open(voluntary, write, VOLUNTARY.section)
    link(voluntary.page, "Assign contributors")
    heading_is(voluntary.page, f"Who may draft {VOLUNTARY.section}")
    voluntary.page.get_by_label(f"{CONTRIBUTOR[0]} {CONTRIBUTOR[1]} ({CONTRIBUTOR[2]})").check()
    press(voluntary.page, "Save")
    told(voluntary.page, "Contributors updated.")
    section_open(contributor, write, VOLUNTARY.section)
    section_write(contributor.page, VOLUNTARY.section, VOLUNTARY.name)
    section_open(voluntary, "1 of your sections is not yet submitted", VOLUNTARY.section)
    section_submit(voluntary.page)


def scrutineer_challenges_and_lead_answers(journey: Journey) -> None:
    scrutineer, police = journey.people["scrutineer"], journey.people[POLICE.name]
    question = "How many of these referrals came from children themselves?"
    section_open(scrutineer, f"Read, comment on and challenge the sections of {LABEL}", POLICE.section)
    scrutineer.page.get_by_label("Raise a challenge").fill(question)
    press(scrutineer.page, "Raise challenge")
    expect(scrutineer.page.locator("#main-content")).to_contain_text(question)
    section_open(police, "1 challenge needs your answer", POLICE.section)
    police.page.get_by_label("Your answer").fill("Twelve, through the school nurse drop-in; we will report it.")
    press(police.page, "Send answer")
    section_open(scrutineer, "1 answer is waiting for you to read and close", POLICE.section)
    press(scrutineer.page, "Close challenge")
    expect(scrutineer.page.locator(".govuk-summary-card").first).to_contain_text("Closed", timeout=TIMEOUT)


def manager_writes_and_approves(journey: Journey) -> None:
    """The manager's own section, approved with the reason the page asks for; then every other; then the checklist."""
    manager = journey.people["manager"]
    bm = manager.page
    section_open(manager, f"Run the {LABEL} report: every section, its state and deadline", FUNDING_SECTION)
    section_write(bm, FUNDING_SECTION, PARTNERSHIP)
    section_submit(bm)
    told(bm, "Approve it below, giving your reason")
    bm.get_by_label("Why you approve your own writing").fill("The partnership has one business manager.")
    press(bm, "Approve revision 1 myself")
    told(bm, "Approved.")
    sections_approve(manager, [plan.section for plan in journey.writers])
    manager.open_portal()
    link(bm, f"Preview, check and publish the assembled {LABEL} report")
    heading_is(bm, f"Annual report {LABEL}")
    exemptions_record(bm)


def partners_sign_off_and_manager_publishes(journey: Journey) -> None:
    for plan in journey.statutory:
        sign_off(journey.people[plan.name], plan)
    manager = journey.people["manager"]
    bm = manager.page
    manager.open_portal()
    link(bm, f"Preview, check and publish the assembled {LABEL} report")
    expect(bm.get_by_test_id("reasons")).to_have_count(0)
    press(bm, "Publish the report")
    expect(bm.get_by_test_id("published")).to_contain_text("Version 1 is published", timeout=TIMEOUT)
    signoffs = bm.get_by_test_id("signoffs")
    expect(signoffs.locator(".govuk-summary-list__row")).to_have_count(len(journey.statutory))
    expect(signoffs.locator("dd").filter(has_text="Signed off by")).to_have_count(len(journey.statutory))
    for plan in journey.statutory:
        row = signoffs.locator(".govuk-summary-list__row").filter(has_text=f"({plan.name}: {plan.signatory_title})")
        expect(row).to_contain_text(f"Signed off by {journey.people[plan.name].name}")
    expect(bm.get_by_role("link", name=re.compile(r"^PDF, \d+ pages"))).to_be_visible(timeout=PDF_TIMEOUT)


def public_reads_the_report(journey: Journey) -> tuple[str, str]:
    """The published HTML and the PDF's text, reached from the list of published reports."""
    public = journey.traffic.browser_for(journey.browser, "a member of the public", "public")
    public.goto(f"{journey.base}/reports/")
    link(public, PARTNERSHIP)
    pdf_href = public.get_by_role("link", name="download it as a PDF").get_attribute("href")
    assert pdf_href == f"/reports/{SLUG}/{PERIOD_SLUG}/v1/report.pdf"
    link(public, f"Read the {LABEL} report")
    assert urlsplit(public.url).path == f"/reports/{SLUG}/{PERIOD_SLUG}/"
    html = public.content()
    response = public.context.request.get(journey.base + pdf_href)
    journey.traffic.urls.append(response.url)
    assert response.headers["content-type"] == "application/pdf"
    return html, pdf_text(response.body())


@pytest.fixture
def traffic():
    """The journey's browser contexts, each closed at the end (an open one can hold the browser's close)."""
    traffic = Traffic()
    yield traffic
    for context in traffic.contexts:
        context.close()


# Each variant runs against one database (the journey takes minutes): four signatories on PostgreSQL,
# three on SQLite, so CI's two runs each walk one whole journey.
@pytest.mark.parametrize(
    "education_signs",
    [
        pytest.param(True, id="four-signatories", marks=pytest.mark.postgresql_only),
        pytest.param(False, id="three-signatories", marks=pytest.mark.sqlite_only),
    ],
)
def test_a_new_partnership_adopts_the_portal_and_publishes_its_report(
    browser, live_server, traffic, education_signs, settings
):
    # The journey runs a year's work in minutes, each person having signed in (accepted) moments
    # before: publishing and inviting accept that sign-in as recent for the whole journey, as they
    # would within five minutes of it (tests/people/test_sign_in_security.py tests asking again).
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 3600
    journey = Journey(browser, live_server.url, traffic, education_signs)
    operator_creates_the_partnership(journey)
    manager_sets_the_partnership_up(journey)
    everyone_is_invited_and_accepts(journey)
    agencies_write_their_sections(journey)
    scrutineer_challenges_and_lead_answers(journey)
    manager_writes_and_approves(journey)
    partners_sign_off_and_manager_publishes(journey)
    html, pdf = public_reads_the_report(journey)

    total = "£240,000.50"  # the funding block: four contributions summed by the portal, never typed
    for document in (html, pdf):
        assert PARTNERSHIP in document
        assert total in document
        assert DEMO_WORDS.search(document) is None, DEMO_WORDS.search(document)
    assert [url for url in traffic.urls if urlsplit(url).path.startswith("/admin")] == []
    print(traffic.report())
