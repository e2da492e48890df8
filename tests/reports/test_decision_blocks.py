"""The review decisions and challenges blocks in the preview, the published HTML and the PDF."""

import datetime
import re

import pytest

from reports.assembly import report_assemble
from reports.models import Section, SectionSpec
from reports.rendering import report_html
from reviews.models import ActionStatus, DecidedBy, Decision, ReviewKind
from tests.reports.pdf_rules import pdf_ua_problems
from tests.reports.report_fixtures import add_section, add_spec, content
from tests.reports.test_challenge_register import challenge
from tests.reports.test_publishing import publish, ready_outline, sign_all  # noqa: F401  (fixture)
from tests.reviews.factories import ActionFactory, RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def reviews(world, count=2):
    """`count` LCSPRs in 2019/20, each with an accepted recommendation and a completed action."""
    for n in range(1, count + 1):
        review = ReviewFactory(
            partnership=world.partnership, reference=f"LCSPR-{n}", title=f"Child Z{n}", kind=ReviewKind.LCSPR,
            summary=f"Summary of case {n}.", became_aware_on=D(2019, 6, n), completed_on=D(2019, 12, n),
        )  # fmt: skip
        rec = RecommendationFactory(
            review=review, number=1, text="Share information sooner.", decision=Decision.ACCEPTED,
            decision_text="The board agreed a new protocol.", decided_by=DecidedBy.BOARD, decided_on=D(2019, 9, 1),
        )  # fmt: skip
        ActionFactory(
            recommendation=rec, number=1, owner=world.agency_a, description="Write the protocol.",
            status=ActionStatus.COMPLETED, completed_on=D(2020, 1, 10), completion_evidence="Protocol issued.",
            improvement="Referrals arrive a day sooner.",
        )  # fmt: skip


@pytest.fixture
def outline(world):
    manager, scrutineer = world.users["business_manager"], world.users["scrutineer"]
    add_section(add_spec(world.period, 1, "Decisions on Reviews", block="review_decisions"), manager, content("R"))
    add_spec(world.period, 2, "Scrutiny", kind="heading")
    statement = add_spec(world.period, 3, "Statement", level=2, block="challenges", themes=["scrutiny"])
    section = add_section(statement, manager, content("The year in scrutiny."))
    challenge(section, scrutineer, "closed")
    reviews(world)
    return world


def preview(world) -> str:
    return report_html(report_assemble(period=world.period, preview=True))


def headings(html: str) -> list[tuple[str, str]]:
    found = re.findall(r"<h(\d)[^>]*>(.*?)</h\1>", html)
    return [(level, re.sub(r"<[^>]+>", "", text).strip()) for level, text in found]


def test_blocks_sit_under_their_sections_heading_at_the_next_level(outline):
    found = headings(preview(outline))
    start = found.index(("2", "1 Decisions on Reviews"))
    assert found[start + 1 : start + 4] == [
        ("3", "Local child safeguarding practice review"),
        ("4", "Review 1"),
        ("4", "Review 2"),
    ]
    assert ("3", "2.1 Statement") in found


def test_a_small_kind_is_printed_without_what_could_identify_the_child(outline):
    html = preview(outline)
    assert "Because the numbers are small, details that could identify a child are withheld" in html
    assert "Share information sooner." in html and "Referrals arrive a day sooner." in html
    for detail in ("Child Z1", "LCSPR-1", "Summary of case 1.", "1 December 2019"):
        assert detail not in html


def test_a_kind_at_the_threshold_is_printed_with_its_details(outline):
    outline.partnership.small_numbers_threshold = 2
    outline.partnership.save(update_fields=["small_numbers_threshold"])
    outline.period.refresh_from_db()
    html = preview(outline)
    assert "LCSPR-1: Child Z1" in html and "Summary of case 2." in html
    assert "details that could identify a child are withheld" not in html


def test_the_challenges_block_prints_the_figures_and_the_comment(outline):
    from reports.challenge_register import challenge_register_comment_set

    challenge_register_comment_set(user=outline.users["scrutineer"], period=outline.period, text="Answers came fast.")
    html = preview(outline)
    assert "<strong>1</strong> challenge raised" in html and "<strong>0</strong> still open" in html
    assert '<th scope="row">Independent scrutiny</th><td class="numeric">1</td>' in html
    assert ("4", "The independent scrutineer's comment on the challenges") in headings(html)
    assert "<p>Answers came fast.</p>" in html


def test_the_published_version_keeps_the_figures_of_its_publication_and_its_pdf_is_tagged(world, publish):  # noqa: F811
    ready_outline(world)
    SectionSpec.objects.filter(period=world.period, themes=["practice-reviews"]).update(
        computed_block="review_decisions"
    )
    SectionSpec.objects.filter(period=world.period, themes=["scrutiny"]).update(computed_block="challenges")
    scrutiny = Section.objects.get(spec__themes=["scrutiny"])
    challenge(scrutiny, world.users["scrutineer"], "closed")
    reviews(world, count=5)  # at the threshold: shown
    sign_all(world)
    version = publish(user=world.users["business_manager"], period=world.period)
    published = bytes(version.html_data).decode()
    assert "LCSPR-5: Child Z5" in published
    assert "<strong>1</strong> challenge raised" in published and "<strong>0</strong> still open" in published

    challenge(scrutiny, world.users["scrutineer"], "open")  # after publication
    assert "<strong>1</strong> still open" in preview(world)
    version.refresh_from_db()
    assert bytes(version.html_data).decode() == published
    assert pdf_ua_problems(bytes(version.pdf_data)) == []
