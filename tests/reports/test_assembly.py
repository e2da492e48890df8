from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.assembly import report_assemble
from reports.checklist import statutory_checklist
from tests.factories import AgencyFactory, FundingFactory, RepresentativeFactory
from tests.reports.report_fixtures import add_section, add_spec, content

pytestmark = pytest.mark.django_db


@pytest.fixture
def outline(world):
    manager = world.users["business_manager"]
    intro = add_spec(world.period, 1, "Introduction", themes=["scrutiny"])
    add_section(intro, manager, content("Welcome to **the report**."))
    add_spec(world.period, 2, "Partnership Working", kind="heading")
    council = add_spec(
        world.period, 3, "Council", level=2, kind="agency", owner=world.agency_a, themes=["partners-activity"]
    )
    add_section(council, world.users["lead_a"], content("Council text", key_achievements="- One\n- Two"))
    police = add_spec(world.period, 4, "Police", level=2, kind="agency", owner=world.agency_b)
    add_section(police, world.users["lead_b"], content("Police draft"), approved=False)
    funding = add_spec(world.period, 5, "Funding", block="funding", themes=["funding"])
    add_section(funding, manager, content("Partners fund the arrangements."))
    FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("100"))
    FundingFactory(agency=world.agency_b, period=world.period, amount=Decimal("50.50"))
    return world


def test_headings_are_numbered_in_outline_order(outline):
    report = report_assemble(period=outline.period, preview=True)
    assert [(e.number, e.title) for e in report.entries] == [
        ("1", "Introduction"),
        ("2", "Partnership Working"),
        ("2.1", "Council"),
        ("2.2", "Police"),
        ("3", "Funding"),
    ]
    assert [(chapter.title, [c.title for c in children]) for chapter, children in report.contents] == [
        ("Introduction", []),
        ("Partnership Working", ["Council", "Police"]),
        ("Funding", []),
    ]


def test_preview_shows_unapproved_sections_from_their_latest_revision(outline):
    preview = report_assemble(period=outline.period, preview=True)
    police = preview.entries[3]
    assert police.narrative == "<p>Police draft</p>\n"
    assert police.from_approved is False
    assert [e.title for e in preview.unapproved] == ["Police"]


def test_published_assembly_uses_approved_revisions_only(outline):
    final = report_assemble(period=outline.period, preview=False)
    assert final.entries[3].narrative == ""
    assert final.entries[3].missing is True
    assert final.entries[2].key_achievements == "<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n"


def test_funding_block_carries_the_database_total(outline):
    block = report_assemble(period=outline.period, preview=False).entries[4].block
    assert block.available
    assert block.context["funding"].total == Decimal("150.50")


def test_checklist_shows_gaps(outline):
    report = report_assemble(period=outline.period, preview=False)
    met = {item.code for item in report.checklist if item.met}
    assert met == {"scrutiny", "partners-activity", "funding"}
    assert {item.code for item in report.checklist_gaps} == set(statutory_checklist()) - met


def test_manifest_names_each_sections_revision(outline):
    manifest = report_assemble(period=outline.period, preview=False).manifest()
    assert [(row["spec"], row["revision"]) for row in manifest] == [("s1", 1), ("s3", 1), ("s4", None), ("s5", 1)]


def build(world, count):
    for n in range(count):
        agency = AgencyFactory(partnership=world.partnership)
        RepresentativeFactory(agency=agency)
        spec = add_spec(world.period, 100 + n, f"Section {n}", level=2, kind="agency", owner=agency)
        add_section(spec, world.users["business_manager"], content(f"Text {n}"))
    add_spec(world.period, 99, "Membership", block="membership")


def test_assembly_queries_do_not_grow_with_sections(world):
    build(world, 10)
    with CaptureQueriesContext(connection) as small:
        report_assemble(period=world.period, preview=True)
    build_more = 190
    for n in range(build_more):
        agency = AgencyFactory(partnership=world.partnership)
        spec = add_spec(world.period, 1000 + n, f"More {n}", level=2, kind="agency", owner=agency)
        add_section(spec, world.users["business_manager"], content("x"))
    with CaptureQueriesContext(connection) as large:
        report = report_assemble(period=world.period, preview=True)
    assert len(report.entries) == 201
    assert len(large.captured_queries) == len(small.captured_queries)
