"""The demo's year-on-year tables: the keys in the demo's section files, loaded by the reports demo loader
into two periods from the test factories, and shown in the later period's preview."""

import datetime

import pytest

from demo.loader import DEMO_DIR, NEXT_DIR
from reports.assembly import report_assemble
from reports.demo import reports_demo_load, section_file_read
from reports.models import SectionRevision
from reports.rendering import report_html
from tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db

OUTLINE = "- {slug: performance-data, title: Performance Data, level: 1, kind: data, author: business_manager}\n"


def keyed(directory) -> dict[str, dict]:
    tables = section_file_read(directory / "sections" / "performance-data.md")["tables"]
    return {table["key"]: table for table in tables if "key" in table}


def test_the_demo_years_share_their_measure_keys_with_different_figures():
    first, second = keyed(DEMO_DIR), keyed(NEXT_DIR)
    assert sorted(first) == sorted(second) == ["referrals-by-source", "section-47-to-icpc-timeliness"]
    for key in first:
        assert [row[0] for row in first[key]["rows"]] == [row[0] for row in second[key]["rows"]]
        assert first[key]["rows"] != second[key]["rows"]
    schools = {row[0]: row[1] for row in first["referrals-by-source"]["rows"]}["Schools"]
    assert (schools, {row[0]: row[1] for row in second["referrals-by-source"]["rows"]}["Schools"]) == ("20.4%", "16.4%")


@pytest.fixture
def demo_dirs(tmp_path):
    """The demo's two performance-data sections, each in an outline of its own."""
    dirs = {}
    for name, source in (("first", DEMO_DIR), ("second", NEXT_DIR)):
        (tmp_path / name / "sections").mkdir(parents=True)
        (tmp_path / name / "outline.yaml").write_text(OUTLINE)
        text = (source / "sections" / "performance-data.md").read_text(encoding="utf-8")
        (tmp_path / name / "sections" / "performance-data.md").write_text(text, encoding="utf-8")
        dirs[name] = tmp_path / name
    return dirs


def test_the_loader_keeps_the_keys_and_the_later_preview_compares_the_years(world, demo_dirs):
    later = PeriodFactory(
        partnership=world.partnership, label="2020/21", slug="2020-21", start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31), submission_deadline=datetime.date(2021, 9, 30),
    )  # fmt: skip
    for period, name in ((world.period, "first"), (later, "second")):
        assert reports_demo_load(partnership=world.partnership, period=period, data_dir=demo_dirs[name]) == 2
    html = report_html(report_assemble(period=later, preview=True))
    assert "Year on year: Referral by source (Dudley, West Midlands, England), 2019/20 to 2020/21" in html
    schools = html[html.index('<tr><th scope="row">Schools</th>', html.index("data-table--years")) :]
    assert schools.startswith('<tr><th scope="row">Schools</th><td class="numeric">20.4%</td><td class="numeric">16.4%')
    assert "Year on year: Section 47 to ICPC timeliness (Dudley, England, West Midlands), 2019/20 to 2020/21" in html
    assert html.count('class="chart__description" id="section-1-performance-data-table-') == 3  # a bar, two trends
    revisions = SectionRevision.objects.count()
    for period, name in ((world.period, "first"), (later, "second")):
        assert reports_demo_load(partnership=world.partnership, period=period, data_dir=demo_dirs[name]) == 0
    assert SectionRevision.objects.count() == revisions
