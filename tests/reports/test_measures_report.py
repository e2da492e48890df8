"""Year on year in the report: a keyed table beside earlier years' approved tables, in the preview, the
published HTML and the PDF, with a fixed number of queries however many years and tables there are."""

import datetime

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.assembly import report_assemble
from reports.errors import InvalidInput
from reports.models import Section, SectionRevision
from reports.publishing import report_publish
from reports.rendering import report_html, report_pdf
from reports.services import section_save
from tests.factories import PeriodFactory
from tests.reports.pdf_rules import pdf_ua_problems
from tests.reports.report_fixtures import add_section, add_spec, content
from tests.reports.test_publishing import ready_outline, sign_all

pytestmark = pytest.mark.django_db

KEY = "referrals-by-source"


def period_of(world, year: int):
    return PeriodFactory(
        partnership=world.partnership,
        label=f"{year}/{str(year + 1)[2:]}",
        slug=f"{year}-{str(year + 1)[2:]}",
        start=datetime.date(year, 4, 1),
        end=datetime.date(year + 1, 3, 31),
        submission_deadline=datetime.date(year + 1, 9, 30),
    )


def referrals(police: str, schools: str | None, *, key=KEY, title="Referral by source") -> dict:
    rows = [["Police", police, "28%"]] + ([["Schools", schools, "18%"]] if schools is not None else [])
    return {"title": title, "columns": ["Source", "Dudley", "England"], "rows": rows, "chart": "", "key": key}


def data_section(period, world, position: int, tables: list[dict], *, approved=True, slug=None):
    spec = add_spec(period, position, "Performance data", kind="data")
    if slug:
        type(spec).objects.filter(pk=spec.pk).update(slug=slug)
    return add_section(spec, world.users["business_manager"], content("Figures.", tables=tables), approved=approved)


@pytest.fixture
def years(world):
    """2019/20 (world.period) with a keyed table; 2020/21 with its counterpart, different figures, no Schools row."""
    later = period_of(world, 2020)
    data_section(world.period, world, 1, [referrals("23.7%", "20.4%")])
    data_section(later, world, 1, [referrals("26.8%", None)])
    return later


def cells_of(html: str, label: str) -> str:
    start = html.index(f'<tr><th scope="row">{label}</th>', html.index("data-table--years"))
    return html[start : html.index("</tr>", start)]


def test_the_preview_shows_earlier_years_figures_beside_this_years(world, years, client_as):
    response = client_as("business_manager").get(reverse("reports:report_preview", args=["tsp", years.slug]))
    html = response.content.decode()
    assert "<caption>Year on year: Referral by source (Dudley, England), 2019/20 to 2020/21</caption>" in html
    headings = ["Dudley, 2019/20", "Dudley, 2020/21", "England, 2019/20", "England, 2020/21"]
    assert "".join(f'<th scope="col" class="numeric">{h}</th>' for h in headings) in html
    police = "".join(f'<td class="numeric">{v}</td>' for v in ("23.7%", "26.8%", "28%", "28%"))
    assert cells_of(html, "Police") == f'<tr><th scope="row">Police</th>{police}'
    schools = "".join(f'<td class="numeric">{v}</td>' for v in ("20.4%", "–", "18%", "–"))
    assert cells_of(html, "Schools") == f'<tr><th scope="row">Schools</th>{schools}'  # gone this year: a dash
    assert "A dash (–) means that year's table has no figure for the row." in html


def test_the_trend_chart_has_its_description_as_text_and_as_the_svgs_title(world, years):
    html = report_html(report_assemble(period=years, preview=False))
    description = (
        "Line chart of Referral by source (Dudley) from 2019/20 to 2020/21, one line for the one row with figures. "
        "Police: 23.7% in 2019/20, 26.8% in 2020/21. The figures are in the table above the chart."
    )
    assert f'<p class="chart__description" id="section-1-performance-data-table-1-trend-description">{description}' in (
        html
    )
    assert f"<title>{description}</title>" in html
    assert 'aria-labelledby="section-1-performance-data-table-1-trend-description"' in html
    assert "<text" in html.split("data-table--years")[1]  # the chart's words stay text


def test_the_first_year_and_a_table_without_a_key_show_no_comparison(world, years):
    assert "data-table--years" not in report_html(report_assemble(period=world.period, preview=False))
    section = Section.objects.get(spec__period=years)
    unkeyed = SectionRevision.objects.create(
        section=section, number=2, author=world.users["business_manager"],
        content=content("Figures.", tables=[referrals("26.8%", None, key="")]),
    )  # fmt: skip
    Section.objects.filter(pk=section.pk).update(current_revision=unkeyed, approved_revision=unkeyed)
    assert "data-table--years" not in report_html(report_assemble(period=years, preview=False))


def test_only_an_approved_earlier_table_counts(world):
    later = period_of(world, 2020)
    data_section(world.period, world, 1, [referrals("23.7%", "20.4%")], approved=False)
    data_section(later, world, 1, [referrals("26.8%", None)])
    assert "data-table--years" not in report_html(report_assemble(period=later, preview=True))


def test_a_change_approved_in_an_earlier_year_reaches_the_stored_report(world, years):
    assert "23.7%" in report_html(report_assemble(period=years, preview=True))
    section = Section.objects.get(spec__period=world.period)
    corrected = SectionRevision.objects.create(
        section=section, number=2, author=world.users["business_manager"],
        content=content("Figures.", tables=[referrals("22.9%", "20.4%")]),
    )  # fmt: skip
    Section.objects.filter(pk=section.pk).update(current_revision=corrected, approved_revision=corrected)
    html = report_html(report_assemble(period=years, preview=True))
    assert "22.9%" in html and "23.7%" not in html


def test_the_last_four_earlier_years_with_the_key_are_shown_and_a_year_without_it_is_skipped(world):
    periods = {2019: world.period} | {year: period_of(world, year) for year in (2014, 2015, 2016, 2017, 2018, 2020)}
    for year, period in periods.items():
        tables = [] if year == 2018 else [referrals(f"{year - 2000}%", None)]
        data_section(period, world, 1, tables or [referrals("1%", None, key="another-measure")])
    html = report_html(report_assemble(period=periods[2020], preview=False))
    assert "<caption>Year on year: Referral by source (Dudley, England), 2015/16 to 2020/21</caption>" in html
    police = cells_of(html, "Police")
    assert [f">{n}%<" in police for n in (14, 15, 16, 17, 19, 20)] == [False, True, True, True, True, True]
    assert "2018/19" not in html.split("data-table--years")[1]


def test_a_key_another_section_of_the_period_uses_is_refused_and_nothing_is_saved(world, years):
    other = add_section(
        add_spec(years, 2, "Early help", kind="data"), world.users["business_manager"], content("Other."),
        approved=False, state="draft",
    )  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        section_save(
            user=world.users["business_manager"], section=other, based_on=1,
            content=content("Other.", tables=[referrals("5%", None, title="Copied")]),
        )  # fmt: skip
    assert refused.value.errors == [
        f"Table 1: the measure key '{KEY}' is already used by the table 'Referral by source' in the section "
        "'Performance data'. A measure appears once a year: choose another key, or clear it there first."
    ]
    assert other.revisions.count() == 1


def test_the_published_html_and_pdf_show_the_comparison_and_keep_the_pdf_rules(world):
    earlier = period_of(world, 2018)
    data_section(earlier, world, 1, [referrals("23.7%", "20.4%")])
    ready_outline(world)
    data_section(world.period, world, 50, [referrals("26.8%", "16.4%")])
    sign_all(world)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the PDF task (eager in tests) runs on commit
        version = report_publish(user=world.users["business_manager"], period=world.period)
    version.refresh_from_db()
    html = bytes(version.html_data).decode()
    assert "<caption>Year on year: Referral by source (Dudley, England), 2018/19 to 2019/20</caption>" in html
    assert "Police: 23.7% in 2018/19, 26.8% in 2019/20" in html
    pdf = bytes(version.pdf_data)
    assert pdf_ua_problems(pdf) == []
    assert pdf_ua_problems(report_pdf(html).data) == []


def keyed_years(world, earlier_count: int, tables_count: int):
    """A partnership of its own whose 2030/31 report has `tables_count` keyed tables over two sections, the same
    keys in each of `earlier_count` earlier years, and an unkeyed section in each year."""
    from types import SimpleNamespace

    from tests.factories import PartnershipFactory

    place = SimpleNamespace(partnership=PartnershipFactory(), users=world.users)
    for n in range(earlier_count + 1):
        period = period_of(place, 2030 - n)
        figure = "9%" if n == 0 else f"{n}%"
        tables = [referrals(figure, "1%", key=f"measure-{t}", title=f"Table {t}") for t in range(tables_count)]
        data_section(period, place, 1, tables[:1])
        data_section(period, place, 2, tables[1:], slug="more-data")
        data_section(period, place, 3, [], slug="words")
        if n == 0:
            current = period
    return current


def queries(period) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        html = report_html(report_assemble(period=period, preview=True))
    return len(captured.captured_queries), html


@pytest.mark.parametrize("tables_count", [1, 3])
def test_earlier_tables_are_read_in_a_fixed_number_of_queries_for_one_or_four_earlier_years(world, tables_count):
    counts = {}
    for earlier_count in (1, 4):
        period = keyed_years(world, earlier_count, tables_count)
        cold, html = queries(period)
        warm, again = queries(period)
        assert html.count("data-table--years") == again.count("data-table--years") == tables_count
        first = "2026/27" if earlier_count == 4 else "2029/30"  # four years back, or one
        assert html.count(f"(Dudley, England), {first} to 2030/31</caption>") == tables_count
        counts[earlier_count] = (cold, warm)
    assert counts[1] == counts[4]
    cold, warm = counts[1]
    # Stored: this year's revisions, the earlier tables, the charts (read and stored) and the sections (stored)
    # are not touched again; the outline and the list of earlier revisions are read, and the pieces come from
    # those the process holds (reports.fragments).
    assert (cold, warm) == (8, 2)
