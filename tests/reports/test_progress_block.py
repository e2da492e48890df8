"""The generated block "Progress on last year's priorities and areas for development": its figures against
hand counts, its queries as items grow, and the same content in the preview, the published HTML and the PDF."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from reports.assembly import report_assemble
from reports.blocks import block_fill
from reports.models import TrackedItem
from reports.progress_selectors import progress_block_data
from reports.rendering import report_html, report_pdf
from tests.reports.pdf_rules import pdf_ua_problems
from tests.reports.report_fixtures import add_section, add_spec, content

# Hand count: 2 achieved, 1 good, 3 some, 1 little, 2 not yet rated.
RATINGS = ["achieved", "some", "not_rated", "good", "some", "little", "achieved", "some", "not_rated"]


def _item(period, n, rating, owner=None, links=()):
    extra = {"explanation": "No staff.", "what_will_change": "A new post."} if rating == "little" else {}
    return TrackedItem.objects.create(
        period=period, title=f"Item {n}", origin="priority", source_label=f"Priority {n}", rating=rating,
        owner_agency=owner, position=n, evidence=f"Evidence {n}.", evidence_links=list(links), **extra,
    )  # fmt: skip


@pytest.fixture
def report(world):
    manager = world.users["business_manager"]
    add_section(add_spec(world.period, 1, "Council", owner=world.agency_a), world.users["lead_a"], content("Text."))
    add_spec(world.period, 2, "Impact", kind="heading")
    progress = add_spec(world.period, 3, "Progress on last year", level=2, block="progress")
    add_section(progress, manager, content("What the ratings mean."))
    links = [
        {"kind": "section", "ref": "s1", "label": "Council"},
        {"kind": "training", "ref": "attended", "label": "Delegates who attended"},
        {"kind": "action", "ref": "1", "label": "CSPR-1, recommendation 1, action 1: Audit"},
    ]
    for n, rating in enumerate(RATINGS, start=1):
        _item(world.period, n, rating, owner=world.agency_a if n % 2 else None, links=links if n == 6 else ())
    return world


def test_the_count_per_rating_matches_a_hand_count(report):
    data = progress_block_data(period=report.period)
    assert [(label, n) for _value, label, n in data["counts"]] == [
        ("Not yet rated", 2), ("Achieved", 2), ("Good progress", 1), ("Some progress", 3),
        ("Little or no progress", 1),
    ]  # fmt: skip
    assert data["total"] == 9
    assert [item.title for item in data["items"]] == [f"Item {n}" for n in range(1, 10)]


def test_an_item_of_another_period_is_not_counted(report):
    from tests.factories import PeriodFactory

    other = PeriodFactory(partnership=report.partnership, label="2020/21", slug="2020-21",
                          start="2020-04-01", end="2021-03-31", submission_deadline="2021-09-30")  # fmt: skip
    _item(other, 1, "achieved")
    assert progress_block_data(period=report.period)["total"] == 9


def _queries(period) -> int:
    with CaptureQueriesContext(connection) as ctx:
        html = report_html(report_assemble(period=period, preview=True))
    assert "Item 1" in html
    return len(ctx.captured_queries)


def test_the_block_costs_the_same_queries_for_ten_items_as_for_forty(report):
    _queries(report.period)  # the sections' HTML is stored on the first render
    few = _queries(report.period)
    links = [{"kind": "section", "ref": "s1", "label": "Council"}, {"kind": "training", "ref": "places_offered",
             "label": "Places offered"}]  # fmt: skip
    for n in range(10, 40):
        _item(report.period, n, RATINGS[n % len(RATINGS)], owner=report.agency_b, links=links)
    assert _queries(report.period) == few


def _block_html(html: str) -> str:
    start = html.index('aria-label="Items carried into 2019/20 by progress rating"')
    return html[start:]


@pytest.mark.parametrize("preview", [True, False])
def test_the_preview_and_the_published_report_show_each_item(report, preview):
    html = report_html(report_assemble(period=report.period, preview=preview))
    block = _block_html(html)
    assert "<caption>Items carried into 2019/20 by progress rating</caption>" in block
    assert re.search(r'<th scope="row">Some progress</th><td class="numeric">3</td>', block)
    assert '<tr class="total"><th scope="row">All items</th><td class="numeric">9</td>' in block
    # The section is h3 (2.1 under chapter 2), so each item is h4.
    assert re.search(r'<h4 class="subheading" id="progress-item-[0-9a-f-]+">Item 6</h4>', block)
    assert "Priority 6. Owner: The partnership. Progress: <strong>Little or no progress</strong>." in block
    assert "Priority 5. Owner: Council. Progress: <strong>Some progress</strong>." in block
    assert "<strong>Why there was little or no progress:</strong> No staff." in block
    assert "<strong>What will change:</strong> A new post." in block
    assert block.count("Why there was little or no progress") == 1  # only the item rated so
    assert '<a href="#section-1-council">Council</a>' in block
    assert "Training: Delegates who attended: 0" in block
    assert "Practice review action: CSPR-1, recommendation 1, action 1: Audit" in block


def test_the_pdf_shows_the_block_and_keeps_its_structure(report):
    pdf = report_pdf(report_html(report_assemble(period=report.period, preview=False)))
    assert pdf_ua_problems(pdf.data) == []
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Items carried into 2019/20 by progress rating" in text
    assert "A new post." in text


def test_a_period_with_no_items_says_so(world):
    block = block_fill("progress", world.period)
    assert block.available and block.context["progress"]["total"] == 0
    spec = add_spec(world.period, 1, "Progress", block="progress")
    add_section(spec, world.users["business_manager"], content("Text."))
    html = report_html(report_assemble(period=world.period, preview=False))
    assert "No priorities or areas for development were carried into 2019/20." in html
