"""The tagged PDF meets the PDF/UA-1 rules a structure tree can show (tests/reports/pdf_rules.py)."""

import pytest

from reports.assembly import report_assemble
from reports.models import Section, SectionRevision
from reports.pdf_structure import pdf_structure_tidy
from reports.rendering import report_html, report_pdf
from tests.reports.pdf_rules import pdf_ua_problems
from tests.reports.test_assembly import outline  # noqa: F401  (fixture)
from tests.reports.test_rendering import REFERRALS

pytestmark = pytest.mark.django_db

LOOSE_LIST = (
    "What we did:\n\n- Trained 40 staff.\n\n- Audited 12 cases.\n\n- Listened to children.\n\n"
    "What changed:\n\n- Supervision\n    - more supervisors\n    - a new policy\n- Recruitment\n"
)


@pytest.fixture
def pdf(outline):  # noqa: F811
    section = Section.objects.get(spec__slug="s1")
    revision = SectionRevision.objects.create(
        section=section,
        number=2,
        author=outline.users["business_manager"],
        content={**section.current_revision.content, "narrative": LOOSE_LIST, "tables": [REFERRALS]},
    )
    Section.objects.filter(pk=section.pk).update(current_revision=revision, approved_revision=revision)
    return report_pdf(report_html(report_assemble(period=outline.period, preview=False)))


def test_the_report_pdf_breaks_no_structure_rule(pdf):
    assert pdf_ua_problems(pdf.data) == []


def test_the_checker_sees_what_weasyprint_alone_leaves(pdf, monkeypatch):
    """Without the tidying step the same report breaks the margin and list rules: the checker can fail."""
    import reports.rendering

    monkeypatch.setattr(reports.rendering, "pdf_structure_tidy", lambda data: data)
    html = report_html(report_assemble(period=Section.objects.first().spec.period, preview=False))
    problems = pdf_ua_problems(report_pdf(html).data)
    assert any("belong to no element" in problem for problem in problems)
    assert any("outside Lbl and LBody" in problem for problem in problems)
    assert any("A list holds L besides list items" in problem for problem in problems)


def test_tidying_twice_changes_nothing_more(pdf):
    again = pdf_structure_tidy(pdf.data)
    assert pdf_ua_problems(again) == []
