"""The demo's 2020/21 preview compares its keyed performance tables with 2019/20's."""

from io import StringIO

import pytest
from django.core.management import call_command

from partnership.models import ReportingPeriod
from reports.assembly import report_assemble
from reports.rendering import report_html


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo", stdout=StringIO())
    return ReportingPeriod.objects.get(partnership__slug="dudley", slug="2020-21")


def test_the_2020_21_preview_shows_the_year_on_year_tables_and_trend_charts(demo):
    html = report_html(report_assemble(period=demo, preview=True))
    assert "Year on year: Referral by source (Dudley, West Midlands, England), 2019/20 to 2020/21" in html
    police = html[html.index('<tr><th scope="row">Police</th>', html.index("data-table--years")) :]
    assert police.startswith('<tr><th scope="row">Police</th><td class="numeric">23.7%</td><td class="numeric">26.8%')
    assert "Line chart of Referral by source (Dudley) from 2019/20 to 2020/21" in html
    assert "Year on year: Section 47 to ICPC timeliness" in html
