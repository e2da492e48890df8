"""Dashboard, section, edit and history pages use the same number of queries at 10 and at 200 rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency
from partnership.audit import audit_record
from reports.models import Challenge, Comment, Section, SectionRevision, SectionSpec
from tests.factories import PeriodFactory
from tests.reports.conftest import content


def build(world, period, n: int) -> Section:
    """n sections (half agency A's, half each of n/2 other agencies), each with two revisions, a comment,
    a challenge and an audit entry; agency A's first section then gets n revisions in all. Returns it."""
    others = Agency.objects.bulk_create(
        [
            Agency(
                partnership=world.partnership,
                name=f"{period.slug} agency {i}",
                short_name=f"A{i}",
                slug=f"{period.slug}-agency-{i}",
                kind="relevant_agency",
            )
            for i in range(n // 2)
        ]
    )
    specs = SectionSpec.objects.bulk_create(
        [
            SectionSpec(
                period=period,
                slug=f"s-{i}",
                position=i + 1,
                title=f"Section {i}",
                owner_agency=world.agency_a if i % 2 == 0 else others[i // 2],
                author="agency",
            )
            for i in range(n)
        ]
    )
    sections = Section.objects.bulk_create([Section(spec=spec) for spec in specs])
    lead = world.users["lead_a"]
    revisions = SectionRevision.objects.bulk_create(
        [
            SectionRevision(section=s, number=k, content=content(f"Text {k}"), author=lead)
            for s in sections
            for k in (1, 2)
        ]
    )
    SectionRevision.objects.bulk_create(
        [
            SectionRevision(section=sections[0], number=k, content=content(f"T {k}"), author=lead)
            for k in range(3, n + 1)
        ]
    )
    for section, revision in zip(sections, revisions[1::2], strict=True):
        section.current_revision, section.state = revision, "draft"
    Section.objects.bulk_update(sections, ["current_revision", "state"])
    Comment.objects.bulk_create([Comment(revision=r, author=lead, body="c") for r in revisions])
    Challenge.objects.bulk_create(
        [Challenge(section=s, raised_by=world.users["scrutineer"], question="q") for s in sections]
    )
    for s in sections:
        audit_record(code="reports.section.saved", actor=lead, period=period, target=s, target_label=s.spec.title)
    return sections[0]


def count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


def paths(section, names):
    period = {"partnership_slug": "tsp", "period_slug": section.spec.period.slug}
    one = period | {"section_slug": section.spec.slug}
    kwargs = {
        "dashboard": period,
        "outline": period,
        "changes": period,
        "section": one,
        "section_edit": one,
        "section_history": one,
    }
    found = {name: reverse(f"reports:{name}", kwargs=kwargs[name]) for name in names if name != "audit"}
    if "audit" in names:  # the partnership's audit log, filtered to the period: 50 entries a page
        found["audit"] = reverse("partnership:audit", args=["tsp"]) + f"?period={section.spec.period_id}"
    return found


PAGES = {
    "business_manager": ["dashboard", "section", "section_history", "outline", "audit"],
    "scrutineer": ["dashboard", "changes", "section", "section_history"],
    "lead_a": ["dashboard", "section", "section_edit", "section_history"],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_query_counts_do_not_grow_with_sections_agencies_or_revisions(world, client_as, role):
    later = PeriodFactory(
        partnership=world.partnership,
        label="2020/21",
        slug="2020-21",
        start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31),
        submission_deadline=datetime.date(2021, 9, 30),
    )
    small_section = build(world, world.period, 10)
    large_section = build(world, later, 200)
    client = client_as(role)
    client.get(reverse("home"))  # a session's first request records its start (people.middleware): not counted
    small = {name: count(client, path) for name, path in paths(small_section, PAGES[role]).items()}
    large = {name: count(client, path) for name, path in paths(large_section, PAGES[role]).items()}
    assert large == small
    assert max(small.values()) <= 20


def test_report_preview_queries_do_not_grow_with_sections_when_rendered_or_stored(world, client_as):
    """The first preview renders and stores each section (a fixed number of queries whatever the size); the next
    reads none of them (the process holds them), and another process reads them all back in one query; neither
    renders anything."""
    from django.core.cache import cache

    from reports.fragments import fragments_held_clear
    from reports.models import RenderedFragment

    later = PeriodFactory(
        partnership=world.partnership,
        label="2020/21",
        slug="2020-21",
        start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31),
        submission_deadline=datetime.date(2021, 9, 30),
    )
    build(world, world.period, 10)
    build(world, later, 200)
    client = client_as("business_manager")
    previews = {
        n: reverse("reports:report_preview", args=["tsp", p.slug]) for n, p in ((10, world.period), (200, later))
    }
    client.get(reverse("home"))  # a session's first request records its start (people.middleware): not counted
    cold = {n: count(client, path) for n, path in previews.items()}
    assert RenderedFragment.objects.filter(kind="section").count() == 10 + 200 + 2  # and a contents list each
    warm = {n: count(client, path) for n, path in previews.items()}
    assert cold[10] == cold[200]
    assert warm[10] == warm[200]
    assert warm[10] == cold[10] - 3  # no revision content read, nothing stored, no piece read: the process holds them
    fragments_held_clear()  # as another web process would start: the store's pieces are read back in one query
    cache.clear()
    other = {n: count(client, path) for n, path in previews.items()}
    assert other[10] == other[200] == cold[10] - 2
    assert RenderedFragment.objects.filter(kind="section").count() == 10 + 200 + 2
