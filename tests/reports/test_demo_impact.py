"""The demo's sections state the difference they made, from what the reference report says about it, and that
is what meets the statutory checklist's impact line."""

from io import StringIO

import pytest
from django.core.management import call_command

from partnership.models import ReportingPeriod
from reports.assembly import report_assemble
from reports.demo import section_file_read
from reports.impact import impact_stated
from reports.models import SectionSpec
from reports.rendering import report_html

STATING = [
    "Performance Data",
    "Dudley MBC",
    "West Midlands Police",
    "Black Country Partnership NHS Foundation Trust",
    "Multi-Agency Training",
    "Voice of the Child",
]


def test_a_section_file_gives_impact_and_evidence(tmp_path):
    path = tmp_path / "s.md"
    path.write_text(
        "---\nimpact: Fewer re-referrals.\nevidence:\n  - {kind: data_table, table: 1, description: Totals}\n"
        "tables:\n  - {title: Totals, columns: [A], rows: [[1]]}\n---\nWhat we did.\n"
    )
    content = section_file_read(path)
    assert content["impact"] == "Fewer re-referrals."
    assert content["evidence"] == [{"kind": "data_table", "description": "Totals", "table": 1}]
    assert content["narrative"] == "What we did."


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo", stdout=StringIO())
    return ReportingPeriod.objects.get(partnership__slug="dudley", slug="2019-20")


def test_the_demo_meets_the_impact_line_by_its_impact_statements(demo):
    report = report_assemble(period=demo, preview=False)
    item = next(item for item in report.checklist if item.code == "impact")
    assert item.met and item.exemption is None
    assert item.approved_evidence == STATING
    required = SectionSpec.objects.filter(period=demo, impact_required=True).select_related(
        "section__approved_revision"
    )
    assert [spec.title for spec in required] == STATING[:4]
    assert all(impact_stated(spec.section.approved_revision.content) for spec in required)
    html = report_html(report)
    assert html.count('class="subheading">The difference it made</h') == 6
    assert html.count('class="subheading">How we know</h') == 6
    assert "fell from 53% to 41%" in html
