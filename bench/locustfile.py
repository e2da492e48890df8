"""The people of the load test (run by bench/load.py, which writes the plan this file reads).

- PublicReader: the latest report, a version's page, the list of versions, the PDF.
- AgencyLead: signs in through the real sign-in form, opens their section, saves it through the
  edit form (with the revision number the form gave: the edit form refuses a stale save), home.
- Scrutineer: signs in (two-factor), section history and diffs, the report preview.
- BusinessManager: signs in (two-factor), the dashboards, the report status page, the audit log.
- Publisher (one): at the start, a correction as the portal asks for one: the local authority's
  lead edits and submits a section, the business manager approves it, the three statutory
  partners sign off, the business manager publishes version 2 with a change note; the worker
  then makes its PDF while everyone else goes on, and the publisher follows its progress.
  Leads start saving their sections only once it is published (a save withdraws sign-offs).

Every simulated person connects from an address of their own in 127.0.0.0/8, as people reach
a real site from their own addresses (the sign-in rate limits count per address), and sends
`X-Forwarded-Proto: https` as the TLS proxy in front of gunicorn would.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import html
import itertools
import json
import os
import random
import re
import struct
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from gevent.event import Event
from locust import HttpUser, between, constant, task
from locust.clients import HttpSession
from locust.exception import RescheduleTask
from requests.adapters import HTTPAdapter

if __name__ == "__main__":
    print("bench/load.py runs this file through locust, with the plan it writes: run `make load`.")
    raise SystemExit(0)
PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
P, Y = PLAN["partnership"], PLAN["period"]
PERIOD_PATH = f"/p/{P}/periods/{Y}"
PUBLIC_PATH = f"/reports/{P}/{Y}"
PUBLISHED = Event()  # set once the correction is published (or has given up)
ADDRESSES = itertools.count()
SLOTS = {"leads": itertools.count(), "managers": itertools.count(), "scrutineers": itertools.count()}
EDIT_MARK = re.compile(r"\s*\(Reviewed in the load test, save \d+\.\)\s*$")


class Refused(RescheduleTask):
    """A page did not do what a person would expect; the request is already recorded as failed, so the person
    goes on to their next task."""


# --- Browsing like a person ----------------------------------------------------------------------------------------


class SourceAddress(HTTPAdapter):
    """Connect from a given loopback address, so each simulated person has an address of their own."""

    def __init__(self, address: str, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def browser(session: HttpSession) -> HttpSession:
    """A person's browser: their own address, the TLS proxy's header, and the site's cookies sent back.

    The site marks its cookies Secure (production settings); a client sends those only over HTTPS, and the hop
    from the proxy to gunicorn is plain HTTP, so after each response the cookies are kept as cookies for this
    address alone.
    """
    n = next(ADDRESSES)
    session.mount("http://", SourceAddress(f"127.0.{1 + n // 250}.{2 + n % 250}"))
    session.headers.update({"X-Forwarded-Proto": "https", "User-Agent": "portal-load-test"})
    send = session.request

    def request(*args, **kwargs):
        response = send(*args, **kwargs)
        for cookie in session.cookies:
            cookie.secure = False
        return response

    session.request = request
    return session


class Form:
    def __init__(self, action: str, method: str):
        self.action, self.method = action, method
        self.fields: list[list[str]] = []

    def names(self) -> set[str]:
        return {name for name, _ in self.fields}

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)

    def set(self, name: str, value: str) -> None:
        for field in self.fields:
            if field[0] == name:
                field[1] = value
                return
        self.fields.append([name, value])


class FormReader(HTMLParser):
    """Every form on a page with the values a browser would send (no buttons: the caller names the one pressed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.text: list[str] | None = None  # inside a textarea: [name, text]
        self.select: list | None = None  # inside a select: [name, first value, chosen value]

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.form.fields.append([a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")])
        elif tag == "textarea" and a.get("name"):
            self.text = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self.select = [a["name"], None, None]
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.select[1] is None:
                self.select[1] = value
            if "selected" in a:
                self.select[2] = value

    def handle_data(self, data):
        if self.text is not None:
            self.text[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.text is not None and self.form is not None:
            self.form.fields.append([self.text[0], self.text[1].removeprefix("\n")])
            self.text = None
        elif tag == "select" and self.select is not None and self.form is not None:
            chosen = self.select[2] if self.select[2] is not None else self.select[1]
            if chosen is not None:
                self.form.fields.append([self.select[0], chosen])
            self.select = None


def form_on(response, *, has: str = "", action_ends: str = "") -> Form:
    reader = FormReader()
    reader.feed(response.text)
    for form in reader.forms:
        if form.method == "post" and (not has or has in form.names()) and form.action.endswith(action_ends):
            return form
    what = f"a field named {has!r}" if has else f"an action ending {action_ends!r}"
    raise LookupError(f"no form with {what} on {response.url}")


def page_problem(text: str) -> str:
    """The first error message on a page (the GOV.UK error summary or a banner), for the failure report."""
    found = re.search(r'govuk-error-summary__list.*?<li>(.*?)</li>|class="govuk-error-message">(.*?)<', text, re.S)
    words = re.sub(r"<[^>]+>|\s+", " ", (found.group(1) or found.group(2)) if found else "").strip()
    return words[:200] or "no error message on the page"


def path_of(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def get(session: HttpSession, path: str, name: str, *, expect: str = ""):
    with session.get(path, name=name, catch_response=True) as response:
        if response.status_code == 200 and expect and expect not in response.text:
            response.failure(f"{path} did not show {expect!r}")
            raise Refused(name)
        if response.status_code != 200:
            response.failure(f"{path} answered {response.status_code}")
            raise Refused(name)
    return response


def submit(session: HttpSession, page, form: Form, name: str, *, button: str | None = None,
           multipart: bool = False, redirect_to: str = "") -> str:  # fmt: skip
    """Post a form read from `page` as the browser would (its origin and referrer); returns where it redirected."""
    origin = "https://" + urlsplit(page.url).netloc
    headers = {"Origin": origin, "Referer": origin + path_of(page.url)}
    fields = [tuple(f) for f in form.fields] + ([(button, "")] if button else [])
    action = form.action or path_of(page.url)
    kwargs = {"files": [(k, (None, v)) for k, v in fields]} if multipart else {"data": fields}
    with session.post(action, name=name, headers=headers, allow_redirects=False, catch_response=True,
                      **kwargs) as response:  # fmt: skip
        location = path_of(response.headers.get("Location", ""))
        if response.status_code != 302:
            waited = response.elapsed.total_seconds()
            response.failure(f"{response.status_code} instead of a redirect: {page_problem(response.text)} "
                             f"(answered {waited:.0f} s after it was sent)")  # fmt: skip
            raise Refused(name)
        if redirect_to and not location.startswith(redirect_to):
            response.failure(f"redirected to {location}, not {redirect_to}")
            raise Refused(name)
    return location


def sign_in(session: HttpSession, username: str) -> None:
    page = get(session, "/accounts/login/", "sign-in: form")
    if asks_for_code(path_of(page.url)):  # a sign-in begun before (its code refused) still waits for a code
        location = two_factor_answer(session, page)
    else:
        form = form_on(page, has="login")
        form.set("login", username)
        form.set("password", PLAN["password"])
        location = submit(session, page, form, "sign-in")
        if asks_for_code(location):
            location = two_factor_answer(session, get(session, location, "sign-in: two-factor form"))
    if location != "/":
        raise Refused(f"{username} signed in but was sent to {location}, not the home page")
    get(session, "/", "home")


def asks_for_code(path: str) -> bool:
    return path.startswith(("/accounts/2fa/", "/accounts/mfa/"))


def two_factor_answer(session: HttpSession, page) -> str:
    """The sign-in asks for a two-factor code (`page`): answer with the code of the authenticator load.py enrolled.

    The code is RFC 6238's (SHA-1, 6 digits, 30-second steps: allauth's defaults). allauth accepts each code once
    per account, and each simulated person has their own account, so no two people answer with the same code.
    """
    form = form_on(page, has="code")
    if time.time() % 30 > 18:  # the code shown expires in under 12 s: wait for the next one, as a person would
        gevent.sleep(30 - time.time() % 30 + 0.5)
    counter = int(time.time() // 30)
    key = base64.b32decode(PLAN["totp"])
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    form.set("code", f"{code:06d}")
    return submit(session, page, form, "sign-in: two-factor code")


def section_save(session: HttpSession, section: str, note: str) -> None:
    """Open the section's edit form, change the narrative a little, and save it as the form was given."""
    edit = get(session, f"{PERIOD_PATH}/sections/{section}/edit/", "section: edit form")
    form = form_on(edit, has="narrative")
    if form.value("based_on") is None:
        raise LookupError("the edit form has no revision number (based_on)")
    narrative = EDIT_MARK.sub("", form.value("narrative") or "")
    form.set("narrative", f"{narrative}\n\n({note}.)")
    submit(session, edit, form, "section: save", button="save", multipart=True,
           redirect_to=f"{PERIOD_PATH}/sections/{section}/")  # fmt: skip


def signed_in_task(weight: int):
    """A task of someone who signs in: skipped (after another try at signing in) while they are not signed in."""

    def wrap(function):
        @functools.wraps(function)
        def run(self):
            if self.signed_in():
                function(self)

        return task(weight)(run)

    return wrap


def slot(kind: str):
    names = PLAN[kind]
    return names[next(SLOTS[kind]) % len(names)]


class Person(HttpUser):
    abstract = True
    wait_time = between(3, 8)  # reading the page before the next click

    def on_start(self):
        browser(self.client)
        self.username = None

    def sign_in(self, username: str) -> None:
        """Sign in at the start; a person whose sign-in failed (already recorded) tries again before each task."""
        self.wanted = username
        try:
            sign_in(self.client, username)
        except Refused:
            return
        self.username = username

    def signed_in(self) -> bool:
        if self.username is None:
            self.sign_in(self.wanted)
        return self.username is not None


# --- The people ----------------------------------------------------------------------------------------------------


class PublicReader(Person):
    weight = 20

    @task(4)
    def latest(self):
        get(self.client, f"{PUBLIC_PATH}/", "public: report latest")

    @task(2)
    def version(self):
        get(self.client, f"{PUBLIC_PATH}/v1/", "public: report version")

    @task(1)
    def versions(self):
        get(self.client, f"/reports/{P}/", "public: versions list")

    @task(1)
    def pdf(self):
        with self.client.get(f"{PUBLIC_PATH}/v1/report.pdf", name="public: PDF", catch_response=True) as response:
            if response.status_code == 200 and not response.content.startswith(b"%PDF"):
                response.failure("the PDF is not a PDF")


class AgencyLead(Person):
    weight = 12

    def on_start(self):
        super().on_start()
        mine = slot("leads")
        self.section, self.saves = mine["section"], 0
        self.sign_in(mine["username"])

    @signed_in_task(3)
    def save(self):
        get(self.client, f"{PERIOD_PATH}/sections/{self.section}/", "section")
        if not PUBLISHED.is_set():  # a save now would withdraw the sign-offs the correction needs
            return
        self.saves += 1
        section_save(self.client, self.section, f"Reviewed in the load test, save {self.saves}")
        get(self.client, f"{PERIOD_PATH}/sections/{self.section}/", "section", expect="Saved as revision")

    @signed_in_task(1)
    def home(self):
        get(self.client, "/", "home")


class Scrutineer(Person):
    weight = 8

    def on_start(self):
        super().on_start()
        self.sign_in(slot("scrutineers"))

    @signed_in_task(3)
    def diff(self):
        section = random.choice(PLAN["readable_sections"])
        history = get(self.client, f"{PERIOD_PATH}/sections/{section}/history/", "section: history")
        links = re.findall(r'href="([^"]*/diff/\?from=\d+&amp;to=\d+)"', history.text)
        if links:
            get(self.client, html.unescape(random.choice(links)), "section: diff", expect='data-testid="diff"')
        else:
            get(self.client, f"{PERIOD_PATH}/sections/{section}/diff/", "section: diff")

    @signed_in_task(1)
    def preview(self):
        get(self.client, f"{PERIOD_PATH}/report/preview/", "report: preview")

    @signed_in_task(1)
    def section(self):
        get(self.client, f"{PERIOD_PATH}/sections/{random.choice(PLAN['readable_sections'])}/", "section")


class BusinessManager(Person):
    weight = 9

    def on_start(self):
        super().on_start()
        self.sign_in(slot("managers"))

    @signed_in_task(3)
    def dashboard(self):
        get(self.client, f"{PERIOD_PATH}/sections/", "dashboard: sections")

    @signed_in_task(1)
    def reviews(self):
        get(self.client, f"/p/{P}/reviews/", "dashboard: reviews")

    @signed_in_task(2)
    def report_status(self):
        get(self.client, f"{PERIOD_PATH}/report/", "report status")

    @signed_in_task(1)
    def audit(self):
        get(self.client, f"/p/{P}/audit/", "audit log")

    @signed_in_task(1)
    def home(self):
        get(self.client, "/", "home")


class Publisher(Person):
    """One person: the correction, published once, and its PDF followed until the worker has made it."""

    fixed_count = 1
    wait_time = constant(2)

    def on_start(self):
        super().on_start()
        self.published_at = self.pdf_done = None
        try:
            self.published_at = self.correction()
        except (Refused, LookupError) as error:
            self.environment.events.request.fire(
                request_type="FLOW", name="report: publish", response_time=0, response_length=0,
                exception=RuntimeError(f"the correction stopped: {error}"), context={},
            )  # fmt: skip
        finally:
            PUBLISHED.set()

    def session(self) -> HttpSession:
        return browser(HttpSession(base_url=self.host, request_event=self.environment.events.request, user=self))

    def correction(self) -> float:
        plan = PLAN["publisher"]
        section, section_path = plan["section"], f"{PERIOD_PATH}/sections/{plan['section']}/"
        # The four people of the correction are at their desks from the start: they sign in at once.
        people = {plan["manager"]: self.client}
        people.update({username: self.session() for username in {plan["writer"], *plan["signatories"]}})
        signing_in = [gevent.spawn(sign_in, session, username) for username, session in people.items()]
        gevent.joinall(signing_in)
        for greenlet in signing_in:
            if not greenlet.successful():
                raise greenlet.exception
        writer, manager = people[plan["writer"]], people[plan["manager"]]

        section_save(writer, section, "Corrected in the load test")
        page = get(writer, section_path, "section", expect="Saved as revision")
        submit(writer, page, form_on(page, action_ends="/submit/"), "section: submit", redirect_to=section_path)
        page = get(manager, section_path, "section")
        submit(manager, page, form_on(page, action_ends="/approve/"), "section: approve", redirect_to=section_path)
        for username in plan["signatories"]:
            page = get(people[username], f"{PERIOD_PATH}/report/", "report status")
            form = form_on(page, has="signatory_name")
            form.set("signatory_name", f"Signatory of {username}")
            submit(people[username], page, form, "report: sign-off", redirect_to=f"{PERIOD_PATH}/report/")
        page = get(manager, f"{PERIOD_PATH}/report/", "report status")
        form = form_on(page, has="change_note")
        form.set("change_note", f"Corrected the section '{section}' (load test).")
        submit(manager, page, form, "report: publish", redirect_to=f"{PERIOD_PATH}/report/")
        return time.monotonic()

    @task
    def follow_pdf(self):
        if self.published_at is None or self.pdf_done:
            return
        with self.client.get(f"{PERIOD_PATH}/report/versions/2/progress/", name="report: PDF progress",
                             catch_response=True) as response:  # fmt: skip
            state = response.json().get("state") if response.status_code == 200 else None
            if state == "failed":
                response.failure("the worker could not make the PDF")
        if state in ("ready", "failed"):
            self.pdf_done = True
            self.environment.events.request.fire(
                request_type="PDF", name="PDF made (publish to ready)", response_length=0, context={},
                response_time=(time.monotonic() - self.published_at) * 1000,
                exception=None if state == "ready" else RuntimeError("the PDF failed"),
            )  # fmt: skip
