"""Every list that grows with the years pages through it: page 1 holds a full page and links to the next,
the last page holds the rest, a bad page number gives the first or last page (never a 500), and a page
costs the same number of queries for 10 rows as for 200."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.audit import audit_record
from reports.models import Section, SectionSpec
from reviews.models import ActionStatus, ReviewStatus
from tests.factories import Role, UserFactory, grant
from tests.reviews.factories import ActionFactory, BriefingFactory, RecommendationFactory, ReviewFactory, RiskFactory
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db
MARK = "Paged-row"


def _courses(world, start, count):
    for n in range(start, start + count):
        course = CourseFactory(partnership=world.partnership, title=f"{MARK} {n:04d}", slug=f"paged-{n}")
        SessionFactory(course=course, period=world.period)


def _idle_courses(world, start, count):
    for n in range(start, start + count):
        CourseFactory(partnership=world.partnership, title=f"{MARK} {n:04d}", slug=f"idle-{n}")


def _session(world):
    if not hasattr(world, "paged_session"):
        course = CourseFactory(partnership=world.partnership, slug="paged-course")
        world.paged_session = SessionFactory(course=course, period=world.period, reference="paged-session")
    return world.paged_session


def _session_bookings(world, start, count):
    session = _session(world)
    for n in range(start, start + count):
        BookingFactory(session=session, delegate_name=f"{MARK} {n:04d}", agency=world.agency_a, organisation_text="")


def _reviews(world, start, count):
    # Closed, so the clocks above the list leave them out and only the list of every review names them.
    for n in range(start, start + count):
        ReviewFactory(partnership=world.partnership, title=f"{MARK} {n:04d}", status=ReviewStatus.CLOSED)


def _actions(world, start, count):
    review = ReviewFactory(partnership=world.partnership, status=ReviewStatus.CLOSED)
    recommendation = RecommendationFactory(review=review)
    for n in range(start, start + count):
        ActionFactory(
            recommendation=recommendation, number=n + 1, owner=world.agency_a, description=f"{MARK} {n:04d}",
            status=ActionStatus.IN_PROGRESS, due_on=datetime.date(2100, 1, 1),
        )  # fmt: skip


def _risks(world, start, count):
    for n in range(start, start + count):
        RiskFactory(partnership=world.partnership, owner=world.agency_a, title=f"{MARK} {n:04d}")


def _briefings(world, start, count):
    for n in range(start, start + count):
        BriefingFactory(partnership=world.partnership, title=f"{MARK} {n:04d}")


def _sections(world, start, count):
    for n in range(start, start + count):
        spec = SectionSpec.objects.create(
            period=world.period, slug=f"paged-{n}", position=n + 1, title=f"{MARK} {n:04d}", owner_agency=world.agency_a
        )
        Section.objects.create(spec=spec)


def _people(world, start, count):
    for n in range(start, start + count):
        # Sorted by name before the stock users, so the pages hold only these.
        user = UserFactory(username=f"a-{MARK.lower()}-{n:04d}")
        grant(user, world.partnership, Role.CONTRIBUTOR, world.agency_a)


def _audit_entries(world, start, count):
    for n in range(start, start + count):
        audit_record(code="partnership.period.changed", partnership=world.partnership, target_label=f"{MARK} {n:04d}")


@dataclass(frozen=True)
class Case:
    url: Callable
    role: str
    make: Callable
    per_page: int
    param: str = "page"
    query: tuple = ()  # other query parameters, kept on every page


def _period_url(name, *extra):
    return lambda w: reverse(name, args=[w.partnership.slug, w.period.slug, *extra])


def _partnership_url(name):
    return lambda w: reverse(name, args=[w.partnership.slug])


CASES = {
    "training courses": Case(_period_url("training:courses"), "business_manager", _courses, 20),
    "training courses with no session": Case(
        _period_url("training:courses"), "business_manager", _idle_courses, 20, "idle_page"
    ),
    "session bookings": Case(
        _period_url("training:session", "paged-session"), "business_manager", _session_bookings, 50
    ),
    "agency bookings": Case(_period_url("training:agency", "council"), "lead_a", _session_bookings, 50),
    "every review": Case(_partnership_url("reviews:dashboard"), "business_manager", _reviews, 25),
    "action plans": Case(_partnership_url("reviews:actions"), "business_manager", _actions, 50),
    "risk register": Case(_partnership_url("reviews:risks"), "business_manager", _risks, 50),
    "learning briefings": Case(_partnership_url("reviews:briefings"), "business_manager", _briefings, 20),
    "sections dashboard": Case(_period_url("reports:dashboard"), "business_manager", _sections, 50),
    "people": Case(_partnership_url("people:list"), "business_manager", _people, 25),
    # Filtered to the code written here, leaving out the sign-ins of the test clients.
    "audit log": Case(
        _partnership_url("partnership:audit"),
        "business_manager",
        _audit_entries,
        50,
        query=(("code", "partnership.period.changed"),),
    ),  # fmt: skip
}


def rows(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(rf"{MARK.lower()}-\d{{4}}|{MARK} \d{{4}}", response.content.decode())


def fetch(client, world, case, page=None):
    query = dict(case.query) | ({case.param: page} if page is not None else {})
    return client.get(case.url(world), query)


@pytest.mark.parametrize("name", CASES)
def test_page_one_holds_a_full_page_and_links_to_the_next(world, client_as, name):
    case = CASES[name]
    case.make(world, 0, case.per_page + 3)
    client = client_as(case.role)
    first = fetch(client, world, case)
    assert len(set(rows(first))) == case.per_page
    assert re.search(rf'href="\?[^"]*{case.param}=2[^"]*" rel="next"', first.content.decode())
    second = fetch(client, world, case, 2)
    assert len(set(rows(second))) == 3
    assert set(rows(first)).isdisjoint(rows(second))
    assert 'rel="prev"' in second.content.decode() and 'rel="next"' not in second.content.decode()


@pytest.mark.parametrize(
    ("page", "expected"), [("abc", 1), ("0", 1), ("-3", 1), ("", 1), ("2.5", 1), ("99999999999999999999", 2)]
)
@pytest.mark.parametrize("name", ["training courses", "sections dashboard", "every review"])
def test_a_bad_page_number_gives_the_first_or_last_page(world, client_as, name, page, expected):
    case = CASES[name]
    case.make(world, 0, case.per_page + 3)
    client = client_as(case.role)
    response = fetch(client, world, case, page)
    assert rows(response) and set(rows(response)) == set(rows(fetch(client, world, case, expected)))


@pytest.mark.parametrize("name", CASES)
def test_a_page_costs_the_same_queries_for_10_rows_as_for_200(world, client_as, name):
    case = CASES[name]
    client = client_as(case.role)
    case.make(world, 0, 10)
    fetch(client, world, case)  # warm the session and the content types
    with CaptureQueriesContext(connection) as small:
        assert len(set(rows(fetch(client, world, case)))) == 10
    case.make(world, 10, 190)
    with CaptureQueriesContext(connection) as large:
        assert len(set(rows(fetch(client, world, case)))) == case.per_page
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_the_reviews_dashboard_shows_ten_overdue_actions_and_links_to_all(world, client_as):
    review = ReviewFactory(partnership=world.partnership, status=ReviewStatus.CLOSED)
    recommendation = RecommendationFactory(review=review)
    long_ago = datetime.date(2000, 1, 1)
    for n in range(12):
        ActionFactory(
            recommendation=recommendation, owner=world.agency_a, due_on=long_ago + datetime.timedelta(days=n),
            description=f"{MARK} {n:04d}",
        )  # fmt: skip
    page = client_as("business_manager").get(reverse("reviews:dashboard", args=["tsp"])).content.decode()
    assert sorted(set(rows_of(page))) == [f"{MARK} {n:04d}" for n in range(10)]  # the ten due longest ago
    assert "Overdue actions (12): the 10 due longest ago" in page
    assert "See all 12 overdue actions in the action plans" in page


def rows_of(text: str) -> list[str]:
    return re.findall(rf"{MARK} \d{{4}}", text)


def test_the_report_page_lists_fifteen_reasons_and_links_to_the_sections(world, client_as):
    _sections(world, 0, 20)
    page = client_as("business_manager").get(reverse("reports:report", args=["tsp", world.period.slug]))
    text = page.content.decode()
    reasons = re.findall(r"<li>Section [\d.]+ &#x27;Paged-row", text)
    assert len(reasons) == 15
    assert "See every section and its state on the sections dashboard" in text
    more = re.search(r"And (\d+) more\.", text)
    assert more and int(more.group(1)) == len(page.context["readiness"].reasons) - 15
