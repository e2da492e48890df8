"""Every page of the portal, opened in Chromium as the role that uses it, checked with axe-core.

Later features add their pages to PAGES: (role, URL name, URL kwargs, text the page must show).
"""

import pytest
from django.urls import reverse

from tests.agencies.matrix import MatrixAgencies
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD
from tests.test_permission_matrix import (
    REPORTS_ITEM,
    REPORTS_PERIOD,
    REPORTS_SECTION,
    SETUP,
    SETUP_PRIORITY,
    SETUP_SUBGROUP,
    MatrixFlag,
    MatrixPeople,
    MatrixReview,
)
from tests.training.matrix import MatrixTraining

TRAINING_PERIOD = {"partnership_slug": "{partnership}", "period_slug": "{period}"}
AGENCY_A = {"partnership_slug": "{partnership}", "agency_slug": "{agency_a}"}

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
        "Representatives on the partnership",
    ),
    (
        "lead_a",
        "people:agency",
        {"partnership_slug": "{partnership}", "agency_slug": "{agency_a}"},
        "People in Council",
    ),
    ("business_manager", "people:list", {"partnership_slug": "{partnership}"}, "People and their roles"),
    ("business_manager", "people:invite", {"partnership_slug": "{partnership}"}, "Invite someone"),
    (
        "lead_a",
        "people:agency_invite",
        {"partnership_slug": "{partnership}", "agency_slug": "{agency_a}"},
        "Invite someone",
    ),
    ("business_manager", "people:mfa_prompt", {"partnership_slug": "{partnership}"}, "Set up two-factor sign-in"),
    ("anonymous", "people:accept", {"token": MatrixPeople("token")}, "Join Test Partnership"),
    (
        "business_manager",
        "agencies:funding",
        {"partnership_slug": "{partnership}", "period_slug": "{period}"},
        "Total",
    ),
    # agencies, seats and funding kept by the business manager (issue 10); MatrixAgencies makes a seat,
    # a contribution and a checked upload for agency A.
    ("business_manager", "agencies:add", {"partnership_slug": "{partnership}"}, "Add an agency"),
    ("business_manager", "agencies:edit", AGENCY_A, "Deactivate Council"),
    ("business_manager", "agencies:representative_add", AGENCY_A, "Add a seat on the partnership"),
    (
        "business_manager",
        "agencies:representative_edit",
        AGENCY_A | {"representative_id": MatrixAgencies("seat")},
        "Remove the seat Matrix seat",
    ),
    ("business_manager", "agencies:funding_add", TRAINING_PERIOD, "Add a contribution"),
    (
        "business_manager",
        "agencies:funding_edit",
        TRAINING_PERIOD | {"agency_slug": MatrixAgencies("funding")},
        "History of this contribution",
    ),
    ("business_manager", "agencies:funding_import", TRAINING_PERIOD, "Upload contributions from a CSV file"),
    (
        "business_manager",
        "agencies:funding_import_job",
        TRAINING_PERIOD | {"import_id": MatrixAgencies("import")},
        "Import these contributions",
    ),
    # reports (issue 3); REPORTS_SECTION makes agency A's section 'matrix-a' when the URL is reversed.
    ("business_manager", "reports:dashboard", REPORTS_PERIOD, "Sections of the 2019/20 report"),
    ("lead_a", "reports:dashboard", REPORTS_PERIOD, "Your agency's sections"),
    ("scrutineer", "reports:changes", REPORTS_PERIOD, "Changed since your last visit"),
    ("business_manager", "reports:impact_missing", REPORTS_PERIOD, "Sections not yet showing the difference they made"),
    ("business_manager", "reports:outline", REPORTS_PERIOD, "Outline of the 2019/20 report"),
    ("business_manager", "reports:spec_add", REPORTS_PERIOD, "Add a section"),
    ("business_manager", "partnership:audit", {"partnership_slug": "{partnership}"}, "Audit log"),
    ("scrutineer", "reports:section", REPORTS_SECTION, "Challenges"),
    ("lead_a", "reports:section_edit", REPORTS_SECTION, "Quotes and case studies"),
    ("lead_a", "reports:section_assign", REPORTS_SECTION, "Who may draft"),
    ("business_manager", "reports:section_history", REPORTS_SECTION, "Revisions"),
    ("business_manager", "reports:section_diff", REPORTS_SECTION, "nothing to compare yet"),
    # the assembled report (issue 4)
    ("business_manager", "reports:report", REPORTS_PERIOD, "Statutory checklist"),
    ("lead_b", "reports:report", REPORTS_PERIOD, "Sign off this draft for Police"),
    ("scrutineer", "reports:report_preview", REPORTS_PERIOD, "Preview, not published"),
    # tracked items (issue 14): MatrixTrackedItem makes an item owned by agency A.
    ("business_manager", "reports:progress", REPORTS_PERIOD, "Tracked items"),
    ("business_manager", "reports:progress_add", REPORTS_PERIOD, "Add an item"),
    ("lead_a", "reports:tracked_item", REPORTS_ITEM, "Rate its progress"),
    ("business_manager", "reports:tracked_item_edit", REPORTS_ITEM, "Change Matrix item"),
    # the publication guard (issue 14)
    ("scrutineer", "reports:guard_flags", REPORTS_PERIOD, "Details that could identify someone"),
    ("business_manager", "reports:guard_flag_clear", REPORTS_PERIOD | {"flag_id": MatrixFlag()}, "Clear a flag"),
    ("anonymous", "public:index", {}, "Published annual reports"),
    ("anonymous", "public:partnership_reports", {"partnership_slug": "{partnership}"}, "has not published a report"),
    ("anonymous", "public:accessibility", {}, "Accessibility statement"),
    # reviews (issue 6): MatrixReview makes a review with an action owned by agency A.
    ("business_manager", "reviews:dashboard", {"partnership_slug": "{partnership}"}, "Breached timescales"),
    (
        "scrutineer",
        "reviews:detail",
        {"partnership_slug": "{partnership}", "reference": MatrixReview("review")},
        "Statutory timescales",
    ),
    ("lead_a", "reviews:actions", {"partnership_slug": "{partnership}"}, "Review action plans"),
    (
        "lead_a",
        "reviews:action_update",
        {"partnership_slug": "{partnership}", "action_id": MatrixReview("action")},
        "Update action 1.1",
    ),
    (
        "business_manager",
        "reviews:detail",
        {"partnership_slug": "{partnership}", "reference": MatrixReview("review")},
        "Add an action",
    ),
    (
        "business_manager",
        "reviews:recommendation_decision",
        {"partnership_slug": "{partnership}", "reference": MatrixReview("review"), "number": 1},
        "Decision on recommendation 1",
    ),
    (
        "business_manager",
        "reviews:action_add",
        {"partnership_slug": "{partnership}", "reference": MatrixReview("review"), "number": 1},
        "Add an action to recommendation 1",
    ),
    (
        "business_manager",
        "reviews:recommendation_add",
        {"partnership_slug": "{partnership}", "reference": MatrixReview("review")},
        "Add a recommendation",
    ),
    ("scrutineer", "reports:challenge_register", REPORTS_PERIOD, "The year's challenges"),
    ("business_manager", "reviews:risks", {"partnership_slug": "{partnership}"}, "Review risk register"),
    ("contributor", "reviews:briefings", {"partnership_slug": "{partnership}"}, "Learning briefings"),
    # training (issue 5): MatrixTraining makes a course, a session with a booking and an import.
    ("business_manager", "training:courses", TRAINING_PERIOD, "Courses and sessions"),
    ("business_manager", "training:session", TRAINING_PERIOD | {"reference": MatrixTraining("session")}, "Bookings"),
    (
        "business_manager",
        "training:attendance",
        TRAINING_PERIOD | {"reference": MatrixTraining("session")},
        "Record attendance",
    ),
    (
        "scrutineer",
        "training:feedback",
        TRAINING_PERIOD | {"course_slug": MatrixTraining("course")},
        "Comments delegates agreed we may quote",
    ),
    ("lead_a", "training:agency", TRAINING_PERIOD | {"agency_slug": "{agency_a}"}, "Delegates and attendance"),
    ("business_manager", "training:course_add", TRAINING_PERIOD, "Add a course"),
    (
        "business_manager",
        "training:session_edit",
        TRAINING_PERIOD | {"reference": MatrixTraining("session")},
        "Change session matrix-1",
    ),
    ("business_manager", "training:import", TRAINING_PERIOD, "Import bookings, attendance and feedback"),
    (
        "business_manager",
        "training:import_job",
        TRAINING_PERIOD | {"job_id": MatrixTraining("import_job")},
        "Import these bookings",
    ),
    # partnership setup (issue 10): MatrixSetup makes a priority and a subgroup.
    ("business_manager", "partnership:settings", SETUP, "Partnership settings"),
    ("business_manager", "partnership:period_add", SETUP, "Open a reporting period"),
    ("business_manager", "partnership:period_edit", REPORTS_PERIOD, "Change 2019/20"),
    ("business_manager", "partnership:period_close", REPORTS_PERIOD, "A closed period cannot be opened again"),
    ("business_manager", "partnership:priorities", SETUP, "Current priorities, in order"),
    ("business_manager", "partnership:priority_add", SETUP, "Add a priority"),
    ("business_manager", "partnership:priority_edit", SETUP_PRIORITY, "Change Matrix priority"),
    ("business_manager", "partnership:priority_retire", SETUP_PRIORITY, "Retire Matrix priority"),
    ("business_manager", "partnership:subgroups", SETUP, "No subgroups yet"),
    ("business_manager", "partnership:subgroup_add", SETUP, "Add a subgroup"),
    ("business_manager", "partnership:subgroup_edit", SETUP_SUBGROUP, "Change Matrix group"),
    ("business_manager", "partnership:subgroup_meetings", SETUP_SUBGROUP, "Meetings of Matrix group"),
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
