import io

import pytest
from pypdf import PdfReader

from reports.assembly import report_assemble
from reports.rendering import report_html, report_pdf
from tests.reports.test_assembly import outline  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

REFERRALS = {
    "title": "Referral by source",
    "columns": ["Source", "Dudley", "England"],
    "rows": [["Police", "23.7%", "28.7%"], ["Schools", "20.4%", "18.2%"]],
    "source": "Contacts referred for assessment",
    "chart": "bar",
}


@pytest.fixture
def html(outline):  # noqa: F811
    from reports.models import Section, SectionRevision

    section = Section.objects.get(spec__slug="s1")
    revision = SectionRevision.objects.create(
        section=section,
        number=2,
        author=outline.users["business_manager"],
        content={**section.current_revision.content, "tables": [REFERRALS]},
    )
    Section.objects.filter(pk=section.pk).update(current_revision=revision, approved_revision=revision)
    return report_html(report_assemble(period=outline.period, preview=False))


def test_html_has_one_h1_numbered_headings_and_a_contents_list(html):
    assert html.count("<h1") == 1
    heading = '<h2 id="section-2-partnership-working" class="section-heading">'
    assert heading + '<span class="number">2</span> Partnership Working</h2>' in html
    assert '<a href="#section-2-1-council"><span class="number">2.1</span> Council</a>' in html
    assert '<html lang="en-GB">' in html


def test_tables_have_captions_header_cells_and_a_described_chart(html):
    assert "<caption>Referral by source</caption>" in html
    assert '<th scope="col">Source</th>' in html
    assert '<th scope="row">Police</th>' in html
    assert 'role="img" aria-labelledby="section-1-introduction-table-1-chart-description"' in html
    assert "Bar chart of Referral by source" in html
    assert "<svg" in html


def test_funding_block_shows_total(html):
    assert "£150.50" in html


def test_pdf_is_tagged_titled_in_english_with_bookmarks(html):
    steps = []
    pdf = report_pdf(html, progress=lambda step, label: steps.append(step))
    reader = PdfReader(io.BytesIO(pdf.data))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == "Test Partnership: annual report 2019/20"
    assert len(reader.pages) == pdf.pages >= 3
    top_level = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top_level == [
        "Test Partnership Annual report 2019/20",
        "1 Introduction",
        "2 Partnership Working",
        "3 Funding",
    ]
    nested = reader.outline[
        reader.outline.index(next(i for i in reader.outline if i.title == "2 Partnership Working")) + 1
    ]
    assert [item.title for item in nested] == ["2.1 Council", "2.2 Police"]
    assert steps[0] == 1 and steps[-1] >= 6


def test_writers_headings_follow_the_section_level_in_the_report(outline):  # noqa: F811
    from reports.models import Section, SectionRevision

    for slug, text in (("s1", "#### What we did\n\nText."), ("s3", "# Our year\n\n## Detail")):
        section = Section.objects.get(spec__slug=slug)
        revision = SectionRevision.objects.create(
            section=section,
            number=section.current_revision.number + 1,
            author=outline.users["business_manager"],
            content={**section.current_revision.content, "narrative": text, "key_achievements": "# Won"},
        )
        Section.objects.filter(pk=section.pk).update(current_revision=revision, approved_revision=revision)
    html = report_html(report_assemble(period=outline.period, preview=False))
    # Introduction is a chapter (h2): its writer's headings start at h3; Council sits under a chapter (h3): h4.
    assert "<h3>What we did</h3>" in html
    assert "<h4>Our year</h4>\n<h5>Detail</h5>" in html
    # under the "Key achievements" subheading (h3 in a chapter, h4 in a part of one)
    assert html.count("<h4>Won</h4>") == 1 and html.count("<h5>Won</h5>") == 1


def test_a_new_revision_replaces_its_stored_section_and_nothing_else_is_rendered_again(outline):  # noqa: F811
    from reports.models import RenderedFragment, Section, SectionRevision

    first = report_html(report_assemble(period=outline.period, preview=True))
    assert "<p>Police draft</p>" in first
    stored = RenderedFragment.objects.count()
    section = Section.objects.get(spec__slug="s4")
    revision = SectionRevision.objects.create(
        section=section,
        number=2,
        author=outline.users["lead_b"],
        content={**section.current_revision.content, "narrative": "Police redraft"},
    )
    Section.objects.filter(pk=section.pk).update(current_revision=revision)
    second = report_html(report_assemble(period=outline.period, preview=True))
    assert "<p>Police redraft</p>" in second and "Police draft" not in second
    assert "Not approved: shown from revision 2" in second
    assert RenderedFragment.objects.count() == stored + 1  # only the changed section was rendered again
    assert second.replace("Police redraft", "Police draft").replace("revision 2", "revision 1") == first
