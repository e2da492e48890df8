"""The accessibility crawl's parts: which pages it opens as whom, the world they show, and the checks run on each.

The pages come from the URL resolver through the permission matrix's table (tests/test_permission_matrix.py),
which already says, for every named URL, which role may open it and with which arguments: the crawl opens every
URL as every crawled role the table gives a 200, plus the pages only real content makes (a diff with changes,
versions 1 and 2 of the published report, the children's version and its preview, the editor with a preview,
the two-factor pages). A named URL that is neither crawled nor in EXCLUDED fails test_every_url_is_crawled.
"""

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.urls import reverse

from tests.browser.conftest import AXE
from tests.test_permission_matrix import REPORTS_PERIOD, TABLE, fill, project_url_names

DEMO_SECTIONS = Path(__file__).resolve().parents[2] / "demo" / "dudley-2019-20" / "sections"

# The roles the crawl signs in as: the business manager, the scrutineer, agency A's lead (the council's: a lead
# safeguarding partner, who signs off), agency C's lead (schools: an agency lead who does not sign off), agency A's
# contributor, and nobody. Agency B's lead sees what agency A's lead sees of the report, less agency A's own pages.
CRAWL_ROLES = ("anonymous", "business_manager", "scrutineer", "lead_a", "lead_c", "contributor")

# Named URLs no role opens as a page, each with the reason. "admin:*" stands for the Django admin's namespace.
EXCLUDED = {
    "admin:*": "the Django admin: staff only, no portal role reaches it (the permission matrix proves it)",
    "healthz": "plain text for the load balancer, not a page",
    "partnership:audit_export": "file download (CSV)",
    "training:export": "file download (spreadsheet)",
    "reviews:briefing_file": "file download (the briefing's PDF)",
    "public:report_pdf": "file download (the PDF; its structure is tested by tests/reports/test_pdf_structure.py)",
    "mfa_download_recovery_codes": "file download (text file of recovery codes)",
    "account_set_password": "redirects: every user already has a password",
    "account_confirm_login_code": "redirects: sign-in by emailed code is not offered",
    "mfa_generate_recovery_codes": "redirects to re-authentication first",
    "mfa_view_recovery_codes": "not found until recovery codes are made, which asks for re-authentication first",
    "mfa_deactivate_totp": "redirects to re-authentication, which the crawl opens",
    "reports:pdf_progress": "JSON the report page polls while the PDF is made, not a page",
    "reports:audit": "redirects to the partnership's audit log, which the crawl opens",
    "people:invitation_resend": "POST only",
    "people:invitation_revoke": "POST only",
    "people:membership_remove": "POST only",
    "people:account_deactivate": "POST only",
    "reports:outline_copy": "POST only",
    "reports:spec_move": "POST only",
    "reports:section_submit": "POST only",
    "reports:section_approve": "POST only",
    "reports:section_return": "POST only",
    "reports:comment_add": "POST only",
    "reports:challenge_raise": "POST only",
    "reports:challenge_answer": "POST only",
    "reports:challenge_close": "POST only",
    "reports:checklist_exemption": "POST only",
    "reports:report_sign_off": "POST only",
    "reports:report_publish": "POST only",
    "reports:pdf_retry": "POST only",
    "reports:voice_remove": "POST only",
    "partnership:priority_move": "POST only",
    "agencies:deactivate": "POST only",
    "agencies:reactivate": "POST only",
    "agencies:representative_move": "POST only",
    "agencies:representative_remove": "POST only",
    "agencies:funding_remove": "POST only",
}

FIRST = REPORTS_PERIOD | {"section_slug": "s2"}  # the council's section, corrected after version 1
DIFF = "[data-testid=diff] ins"  # a change shown, not only the page's key to the marks


@dataclass(frozen=True)
class Page:
    role: str
    name: str
    kwargs: dict
    action: str = ""  # "preview": press the editor's Preview before checking
    shows: str = ""  # a CSS selector the page must match: the real content it is in the crawl for
    query: str = ""

    def url(self, world) -> str:
        return reverse(self.name, kwargs=fill(self.kwargs, world)) + self.query

    def label(self) -> str:
        return f"{self.role} {self.name}{self.query}{' (' + self.action + ')' if self.action else ''}"


# Pages only real content makes: the first section has a correction (two revisions), the report two versions.
EXTRA = [
    Page("business_manager", "reports:section_diff", FIRST, shows=DIFF, query="?from=1&to=2"),
    Page("lead_a", "reports:section_diff", FIRST, shows=DIFF, query="?from=1&to=2&view=as-written"),
    Page("scrutineer", "reports:section_diff", FIRST, shows=DIFF, query="?from=1&to=2"),
    Page("scrutineer", "reports:section", FIRST),
    Page("lead_a", "reports:section_history", FIRST, shows="table"),
    Page("lead_a", "reports:section_edit", FIRST),
    Page("lead_a", "reports:section_edit", FIRST, action="preview"),
    Page("business_manager", "reports:childrens_preview", REPORTS_PERIOD),
    Page("lead_a", "reports:childrens_preview", REPORTS_PERIOD),
    Page("anonymous", "public:report_version", REPORTS_PERIOD | {"number": 2}, shows=".chart__image svg"),
    Page("anonymous", "public:report_childrens", REPORTS_PERIOD | {"number": 2}, shows="h1"),
]

# Opened during sign-in rather than by address: the manager's second factor, lead A's authenticator set-up.
DURING_SIGN_IN = {
    "mfa_authenticate": "business_manager",
    "mfa_activate_totp": "lead_a",
}


def crawl_pages() -> list[Page]:
    """Every (role, URL) the crawl opens, in the URL resolver's order, then the pages of real content."""
    pages, seen = [], set()
    for name, _route in project_url_names():
        if name in seen or name not in TABLE:
            continue
        seen.add(name)
        kwargs, statuses = TABLE[name]
        if name in EXCLUDED:
            continue
        pages += [Page(role, name, kwargs) for role in CRAWL_ROLES if statuses[role] == 200]
    return pages + EXTRA


def uncovered_url_names() -> list[str]:
    """Named URL patterns the crawl neither opens nor excludes with a reason."""
    crawled = {page.name for page in crawl_pages()} | set(DURING_SIGN_IN)
    names = {name for name, _ in project_url_names() if not name.startswith("admin/")}
    return sorted(
        name
        for name in names
        if name not in crawled and name not in EXCLUDED and not (name.startswith("admin:") and "admin:*" in EXCLUDED)
    )


# The world --------------------------------------------------------------------------------------------------------


def demo_content(slug: str) -> dict:
    from reports.demo import section_file_read

    return section_file_read(DEMO_SECTIONS / f"{slug}.md")


def crawl_world(world) -> None:
    """The permission matrix's world with a real report: the checklist's sections filled from the demo's text (tables,
    charts, quotes, impact), a children's version, signed off and published as version 1, then the first section
    corrected and published again as version 2 (so its diff has changes and the report has /v1/ and /v2/)."""
    from django.db import transaction

    from reports.checklist import statutory_checklist
    from reports.models import PublishedChildrensVersion, PublishedReport, Section
    from reports.services import section_approve, section_save, section_submit
    from tests.reports.report_fixtures import add_section, add_spec, content
    from tests.reports.test_publishing import IMPACT_EVIDENCE, add_health, sign_all

    add_health(world)
    texts = ["performance-data", "voice-of-the-child", "multi-agency-training", "practice-reviews", "governance-role"]
    # From position 2: the permission matrix's own section (MatrixSection) takes position 1 once the crawl starts.
    for position, code in enumerate(statutory_checklist(), start=2):
        owner = world.agency_a if position == 2 else None
        spec = add_spec(world.period, position, f"Section about {code}", owner=owner, themes=[code])
        body = content(f"What we did on {code}.")
        if position - 2 < len(texts):
            body |= {key: value for key, value in demo_content(texts[position - 2]).items() if value}
        if code == "impact":  # met by an approved statement of impact with evidence, not by the tag
            body |= {"impact": "Fewer children were re-referred.", "evidence": [IMPACT_EVIDENCE]}
        add_section(spec, world.users["lead_a"] if owner else world.users["business_manager"], body)
    spec = add_spec(world.period, 50, "Our year, for children", kind="children", level=2)
    add_section(spec, world.users["business_manager"], demo_content("appendix-2-participation"))
    sign_all(world)
    manager = world.users["business_manager"]
    _publish(manager, world.period, transaction)
    section = Section.objects.get(spec__slug="s2")
    corrected = dict(section.current_revision.content)
    corrected["narrative"] = corrected["narrative"].replace("Dudley", "the borough", 3) + "\n\nA corrected paragraph."
    lead = world.users["lead_a"]
    section_save(user=lead, section=section, content=corrected, based_on=section.current_revision.number)
    section_submit(user=lead, section=Section.objects.get(pk=section.pk))
    section_approve(user=manager, section=Section.objects.get(pk=section.pk))
    sign_all(world)
    _publish(manager, world.period, transaction, change_note="Corrected the council's figures.")
    versions = PublishedReport.objects.filter(period=world.period)
    assert sorted(versions.values_list("number", "pdf_state")) == [(1, "ready"), (2, "ready")]
    assert PublishedChildrensVersion.objects.filter(version__in=versions).count() == 2


def _publish(manager, period, transaction, **kwargs):
    """Publish as the business manager does: after clearing what the publication guard flags in the demo's text."""
    from reports.guard_flags import guard_flag_clear, guard_flags_refresh
    from reports.publishing import report_publish

    for flag in guard_flags_refresh(period=period):
        if not flag.cleared:
            guard_flag_clear(user=manager, flag=flag, reason="not_identifying", note="Checked: published figures.")
    with transaction.atomic():
        version = report_publish(user=manager, period=period, **kwargs)
    return version


# The checks -------------------------------------------------------------------------------------------------------

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_ALL = """async (tags) => {
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: tags.concat(['best-practice'])}, resultTypes: ['violations']
    });
    return result.violations.map(v => ({
        id: v.id, wcag: v.tags.some(t => tags.includes(t)), help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)
    }));
}"""

REFLOW = """() => {
    const root = document.scrollingElement;
    if (root.scrollWidth <= root.clientWidth) return null;
    // Overflow inside a scroll container stays there, unless the element is positioned against an ancestor beyond it
    // (a visually hidden span in a table wrapper that is not itself positioned escapes the wrapper).
    const scrolls = el => {
        let escapes = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
        for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
            const style = getComputedStyle(a);
            const scroller = ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
            if (escapes && style.position !== 'static') { escapes = false; if (scroller) return true; continue; }
            if (scroller && !escapes) return true;
        }
        return false;
    };
    let widest = null, right = 0;
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.right > root.clientWidth + 1 && box.right > right && !scrolls(el)) { widest = el; right = box.right; }
    }
    const name = widest ? widest.tagName.toLowerCase() + (widest.id ? '#' + widest.id : '') +
        (typeof widest.className === 'string' && widest.className.trim()
            ? '.' + widest.className.trim().split(/\\s+/).join('.') : '') : '?';
    return `page ${root.scrollWidth}px wide in ${root.clientWidth}px; ` +
        `widest: ${name} (right edge ${Math.round(right)}px)`;
}"""

# What the focused element shows, against the same element blurred: its own style, its ::before and ::after, and
# those of its label and next sibling (GOV.UK radios and checkboxes draw focus on the label's ::before).
FOCUS_STOP = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const props = ['outline-style', 'outline-width', 'outline-color', 'box-shadow', 'background-color', 'color',
                   'text-decoration-line', 'text-decoration-thickness', 'text-decoration-color', 'border-color',
                   'border-width'];
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
    const parts = [el, el.nextElementSibling, el.parentElement, label];
    const snap = () => parts.filter(Boolean).map(p => [null, '::before', '::after'].map(pseudo => {
        const style = getComputedStyle(p, pseudo);
        return props.map(prop => style.getPropertyValue(prop)).join('|');
    }).join('#')).join('/');
    const focused = snap();
    el.blur();
    const blurred = snap();
    el.focus();
    const describe = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        ` "${(el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40)}"`;
    if (!el.__crawlMark) el.__crawlMark = Math.random().toString(36).slice(2);
    return {mark: el.__crawlMark, visible: focused !== blurred, describe};
}"""

# The forms a user fills in: POST forms with a field to type into, a choice that can be left blank (a select with an
# empty option, radios with none chosen) or a file to upload. Not sign-out or one-button actions (approve, move up),
# nor forms of checkboxes, chosen radios (which nobody can unchoose) or selects with no blank option only, where every
# way of sending them is a valid answer.
FORMS = """() => Array.from(document.forms).map((form, index) => {
    const typed = form.querySelectorAll('textarea, input:not([type=hidden]):not([type=submit]):not([type=button])' +
        ':not([type=checkbox]):not([type=radio])').length;
    const blank = Array.from(form.querySelectorAll('select'))
        .filter(s => Array.from(s.options).some(o => o.value === '')).length;
    const groups = new Set(Array.from(form.querySelectorAll('input[type=radio]')).map(r => r.name));
    const radios = Array.from(groups)
        .filter(name => !form.querySelector(`input[type=radio][name="${name}"]:checked`)).length;
    const post = (form.getAttribute('method') || 'get').toLowerCase() === 'post';
    const names = Array.from(form.elements).map(e => e.name).filter(Boolean).filter(n => n !== 'csrfmiddlewaretoken');
    return {index, post, empty: typed + blank + radios > 0, key: form.action + ' ' + names.sort().join(',')};
}).filter(f => f.post && f.empty).map(f => [f.index, f.key])"""

EMPTY_AND_SEND = """([index, values]) => {
    const form = document.forms[index];
    for (const field of form.querySelectorAll('textarea, input')) {
        if (['hidden', 'submit', 'button'].includes(field.type)) continue;
        if (field.type === 'checkbox') field.checked = false;
        else if (field.type !== 'radio') field.value = '';  // a chosen radio stays chosen, as it would for a person
    }
    for (const select of form.querySelectorAll('select')) {
        if (Array.from(select.options).some(o => o.value === '')) select.value = '';
    }
    for (const [name, value] of Object.entries(values)) {  // invalid input, where empty is a valid answer
        for (const field of form.querySelectorAll(`[name="${name}"]`)) {
            if (field.type === 'radio') field.checked = field.value === value; else field.value = value;
        }
    }
    form.noValidate = true;
    const button = form.querySelector(
        'button[type=submit]:not([tabindex="-1"]), button:not([type]), input[type=submit]');
    if (button) button.click(); else form.requestSubmit();
}"""

ERROR_STATE = """() => {
    const summary = document.querySelector('.govuk-error-summary');
    const links = summary ? Array.from(summary.querySelectorAll('a')).map(a => a.getAttribute('href')) : [];
    const broken = links.filter(
        h => !h || !h.startsWith('#') || !document.getElementById(decodeURIComponent(h.slice(1))));
    const bare = Array.from(document.querySelectorAll('.govuk-error-summary li, .govuk-error-message'))
        .map(e => e.innerText.replace(/^Error:\\s*/, '').trim()).filter(t => t === 'This field is required.');
    return {title: document.title, summary: !!summary, links: links.length, broken, bare: bare.length};
}"""


@dataclass
class Findings:
    pages: Counter = field(default_factory=Counter)
    forms_in_error: int = 0
    wcag: list = field(default_factory=list)
    best_practice: Counter = field(default_factory=Counter)
    reflow: list = field(default_factory=list)
    focus: list = field(default_factory=list)
    tab_stops: int = 0
    tab_capped: list = field(default_factory=list)  # pages with more Tab stops than the cap: the first ones checked
    forms: list = field(default_factory=list)
    other: list = field(default_factory=list)
    forms_seen: set = field(default_factory=set)
    forms_repeated: int = 0
    seconds: Counter = field(default_factory=Counter)

    def failures(self) -> list[str]:
        return self.other + self.wcag + self.reflow + self.focus + self.forms

    def summary(self) -> str:
        lines = ["Accessibility crawl", "  pages per role: " + ", ".join(f"{r} {n}" for r, n in self.pages.items())]
        lines.append(
            f"  pages in all: {sum(self.pages.values())}; forms sent in error: {self.forms_in_error} "
            f"(and {self.forms_repeated} left out: the same form on the same page, already sent as another role)"
        )
        lines.append(f"  axe WCAG 2.2 A/AA violations: {len(self.wcag)}")
        lines.append(f"  axe best-practice findings: {sum(self.best_practice.values())}")
        lines += [f"    {rule}: {count} pages" for rule, count in sorted(self.best_practice.items())]
        lines.append(f"  reflow failures at 320 px: {len(self.reflow)}")
        lines.append(f"  focus failures: {len(self.focus)} ({self.tab_stops} Tab stops checked)")
        if self.tab_capped:
            lines.append(
                f"    pages with more than 150 Tab stops, of which the first 150 checked: {len(self.tab_capped)}"
            )
        lines.append(f"  error-state failures: {len(self.forms)}; other failures: {len(self.other)}")
        lines.append("  seconds spent: " + ", ".join(f"{check} {n:.0f}" for check, n in self.seconds.items()))
        return "\n".join(lines)


def axe_check(page, label: str, findings: Findings) -> None:
    page.add_script_tag(path=str(AXE))
    for violation in page.evaluate(AXE_ALL, WCAG_TAGS):
        if violation["wcag"]:
            findings.wcag.append(f"{label}: axe {violation['id']} ({violation['help']}) at {violation['nodes']}")
        else:
            findings.best_practice[violation["id"]] += 1


def reflow_check(page, label: str, findings: Findings) -> None:
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    try:
        problem = page.evaluate(REFLOW)
    finally:
        page.set_viewport_size(size)
    if problem:
        findings.reflow.append(f"{label}: reflow: {problem}")


def focus_check(page, label: str, findings: Findings, cap: int = 150) -> None:
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    seen = set()
    for _ in range(cap):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STOP)
        if stop is None or stop["mark"] in seen:
            break
        seen.add(stop["mark"])
        findings.tab_stops += 1
        if not stop["visible"]:
            findings.focus.append(f"{label}: focus not visible on {stop['describe']}")
    else:
        findings.tab_capped.append(label)


def error_state_check(
    page, url: str, label: str, findings: Findings, invalid: dict | None = None, name: str = ""
) -> None:
    """Send each form empty (with `invalid` input where empty is a valid answer), then check the page that answers:
    axe, 'Error:' in the title, a summary whose links lead to fields, no bare 'This field is required.' A form already
    sent on the same URL pattern as another role (same address, same fields) is not sent again."""
    started = time.monotonic()
    for index, signature in page.evaluate(FORMS):
        key = f"{label} form {index}"
        if (name or label, signature) in findings.forms_seen:
            findings.forms_repeated += 1
            continue
        findings.forms_seen.add((name or label, signature))
        if page.url != url:
            page.goto(url)
        with page.expect_navigation():
            page.evaluate(EMPTY_AND_SEND, [index, invalid or {}])
        findings.forms_in_error += 1
        state = page.evaluate(ERROR_STATE)
        if not state["title"].startswith("Error:"):
            findings.forms.append(f"{key}: sent empty, the title does not start with 'Error:' ({state['title']!r})")
        if not state["summary"] or not state["links"]:
            findings.forms.append(f"{key}: sent empty, no error summary with links")
        if state["broken"]:
            findings.forms.append(f"{key}: error summary links to no field: {state['broken']}")
        if state["bare"]:
            findings.forms.append(f"{key}: {state['bare']} bare 'This field is required.' messages")
        axe_check(page, f"{key} in error", findings)
        page.goto(url)
    findings.seconds["forms"] += time.monotonic() - started


def page_checks(page, label: str, findings: Findings) -> None:
    for check, run in (("axe", axe_check), ("reflow", reflow_check), ("focus", focus_check)):
        started = time.monotonic()
        run(page, label, findings)
        findings.seconds[check] += time.monotonic() - started
