"""The children's version: its place in the outline, its own page beside the report, frozen at publish,
and the readability score its writer sees."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from reports.assembly import report_assemble
from reports.childrens import readability_of, syllables
from reports.errors import InvalidInput
from reports.models import PublishedChildrensVersion, Section
from reports.publishing import report_publish, report_readiness
from reports.rendering import report_html
from reports.services import section_save, spec_create
from tests.reports.report_fixtures import add_section, add_spec, content
from tests.reports.test_publishing import ready_outline, sign_all
from tests.reports.test_views import form_data

pytestmark = pytest.mark.django_db

EASY = "We listened to you. You told us school felt safe."
MIDDLE = "Children told us that waiting for appointments made them worried. We changed the booking system."
HARD = "The partnership commissioned an independent evaluation of multi-agency safeguarding arrangements."


# The readability score ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, count",
    [("the", 1), ("listened", 2), ("families", 3), ("people", 2), ("safe", 1), ("happy", 2), ("wanted", 2),
     ("changed", 1), ("worried", 2), ("commissioned", 3), ("independent", 4), ("young", 1), ("school", 1)],
)  # fmt: skip
def test_syllables_by_the_vowel_group_rule(word, count):
    assert syllables(word) == count


def test_score_of_a_text_for_children(world):
    # 10 words, 2 sentences, 11 syllables: 206.835 - 1.015 * 5 - 84.6 * 1.1 = 108.7, shown as 100.
    score = readability_of(EASY)
    assert (score.words, score.sentences, score.syllables, score.raw) == (10, 2, 11, 108.7)
    assert (score.score, score.label, score.meets_target) == (100, "Very easy", True)


def test_score_of_a_fairly_easy_text_misses_the_target():
    # 15 words, 2 sentences, 22 syllables: 206.835 - 1.015 * 7.5 - 84.6 * 22 / 15 = 75.1.
    score = readability_of(MIDDLE)
    assert (score.words, score.sentences, score.syllables, score.raw) == (15, 2, 22, 75.1)
    assert (score.score, score.label, score.meets_target, score.words_per_sentence) == (75, "Fairly easy", False, 7.5)


def test_score_of_a_text_for_specialists_is_floored_at_nought():
    # 11 words, 1 sentence, 30 syllables: 206.835 - 11.165 - 84.6 * 30 / 11 = -35.1, shown as 0.
    score = readability_of(HARD)
    assert (score.words, score.sentences, score.syllables, score.raw) == (11, 1, 30, -35.1)
    assert (score.score, score.label) == (0, "Very difficult")


def test_markdown_is_read_as_words_and_empty_text_has_no_score():
    score = readability_of("## What we did\n\n**We** listened to [you](https://example.org/a-long-address).")
    assert (score.words, score.sentences) == (7, 2)
    assert readability_of("") is None and readability_of("  **  ") is None


# The outline ----------------------------------------------------------------------------------------


def childrens_fields(**extra):
    base = {"title": "Our year, for children", "slug": "", "level": 2, "kind": "children", "author": "agency",
            "owner_agency": None, "computed_block": None, "themes": [], "priorities": [], "suggested_words": 300,
            "guidance": "Plain words."}  # fmt: skip
    return base | extra


def test_a_childrens_version_is_the_business_managers_by_default_and_one_per_period(world):
    manager = world.users["business_manager"]
    spec = spec_create(user=manager, period=world.period, fields=childrens_fields())
    assert spec.author == "business_manager" and Section.objects.filter(spec=spec).exists()
    with pytest.raises(InvalidInput) as caught:
        spec_create(user=manager, period=world.period, fields=childrens_fields(title="Another"))
    assert caught.value.messages == [
        "This outline already has a children's version. Change that one instead of adding another."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        add_spec(world.period, 9, "Sneaked in", kind="children")


def test_a_childrens_version_carries_no_figures(world):
    with pytest.raises(InvalidInput) as caught:
        spec_create(user=world.users["business_manager"], period=world.period, fields=childrens_fields(
            computed_block="voice"))  # fmt: skip
    assert caught.value.messages == ["The children's version is plain words only: choose no figures for it."]


# Assembly and the preview ----------------------------------------------------------------------------


@pytest.fixture
def outline(world):
    manager = world.users["business_manager"]
    add_section(add_spec(world.period, 1, "Introduction"), manager, content("The full introduction."))
    add_section(add_spec(world.period, 2, "Our year, for children", kind="children", level=2), manager, content(EASY))
    add_section(add_spec(world.period, 3, "Governance", level=2), manager, content("How we are run."))
    return world


def test_the_childrens_version_is_left_out_of_the_report_body_and_its_numbering(outline):
    report = report_assemble(period=outline.period, preview=False)
    assert [(e.number, e.title) for e in report.entries] == [("1", "Introduction"), ("1.1", "Governance")]
    assert report.childrens.title == "Our year, for children"
    assert [row["title"] for row in report.manifest()] == ["Introduction", "Governance", "Our year, for children"]
    html = report_html(report)
    assert "school felt safe" not in html


def test_preview_links_to_the_childrens_preview_and_back(outline, client_as):
    client = client_as("business_manager")
    args = [outline.partnership.slug, outline.period.slug]
    preview = client.get(reverse("reports:report_preview", args=args)).content.decode()
    assert (
        f'href="{reverse("reports:childrens_preview", args=args)}">Our year, for children and young people' in preview
    )
    page = client.get(reverse("reports:childrens_preview", args=args))
    text = page.content.decode()
    assert page.status_code == 200 and "school felt safe" in text and "Preview, not published." in text
    assert f'href="{reverse("reports:report_preview", args=args)}">Read the full report' in text


def test_childrens_preview_is_not_found_without_one(world, client_as):
    url = reverse("reports:childrens_preview", args=[world.partnership.slug, world.period.slug])
    assert client_as("business_manager").get(url).status_code == 404


def test_an_unapproved_childrens_version_holds_up_publishing_by_name(world):
    manager = world.users["business_manager"]
    add_section(add_spec(world.period, 1, "Our year, for children", kind="children"), manager, content(EASY),
                approved=False)  # fmt: skip
    assert (
        "The children's version 'Our year, for children' is not approved."
        in report_readiness(period=world.period).reasons
    )


# Publishing ------------------------------------------------------------------------------------------


@pytest.fixture
def ready_with_childrens(world):
    ready_outline(world)
    spec = add_spec(world.period, 50, "Our year, for children", kind="children", level=2)
    add_section(spec, world.users["business_manager"], content(EASY))
    sign_all(world)
    return world


def test_publishing_freezes_the_childrens_version_at_its_own_address(ready_with_childrens):
    world = ready_with_childrens
    version = report_publish(user=world.users["business_manager"], period=world.period)
    frozen = PublishedChildrensVersion.objects.get(version=version)
    url = reverse("public:report_childrens", args=[world.partnership.slug, world.period.slug, 1])
    assert url == f"/reports/{world.partnership.slug}/{world.period.slug}/v1/children/"
    page = Client().get(url)
    assert page.status_code == 200 and page.content == bytes(frozen.html_data)
    assert "school felt safe" in page.content.decode() and "Published with version 1" in page.content.decode()
    assert page["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "default-src 'none'" in page["Content-Security-Policy"]
    report = bytes(version.html_data).decode()
    assert f'class="contents__childrens no-print"><a href="{url}">' in report
    listing = Client().get(reverse("public:partnership_reports", args=[world.partnership.slug])).content.decode()
    assert listing.count(f'href="{url}"') == 2  # beside the latest version, and in the versions table


def test_the_frozen_page_does_not_change_when_the_section_does(ready_with_childrens):
    world = ready_with_childrens
    version = report_publish(user=world.users["business_manager"], period=world.period)
    url = reverse("public:report_childrens", args=[world.partnership.slug, world.period.slug, 1])
    before = Client().get(url).content
    section = Section.objects.select_related("spec__period").get(spec__kind="children")
    section_save(user=world.users["business_manager"], section=section, content=content(MIDDLE), based_on=1)
    assert Client().get(url).content == before
    frozen = PublishedChildrensVersion.objects.get(version=version)
    with pytest.raises(ValueError):
        frozen.save()
    with pytest.raises(ValueError):
        frozen.delete()


def test_a_version_without_a_childrens_version_has_no_page(world):
    ready_outline(world)
    sign_all(world)
    version = report_publish(user=world.users["business_manager"], period=world.period)
    assert not PublishedChildrensVersion.objects.exists()
    assert "contents__childrens" not in bytes(version.html_data).decode()
    url = reverse("public:report_childrens", args=[world.partnership.slug, world.period.slug, 1])
    assert Client().get(url).status_code == 404


# The editor ------------------------------------------------------------------------------------------


def test_the_writer_sees_the_score_of_the_saved_text_and_of_a_preview(world, client_as):
    manager = world.users["business_manager"]
    section = add_section(add_spec(world.period, 1, "Our year, for children", kind="children"), manager,
                          content(EASY), approved=False, state="draft")  # fmt: skip
    url = reverse("reports:section_edit", args=[world.partnership.slug, world.period.slug, section.spec.slug])
    client = client_as("business_manager")
    page = client.get(url).content.decode()
    assert "Reading ease: <strong>100 out of 100</strong>, very easy." in page
    assert "Aim for 80 or more" in page and "This text meets that aim." in page
    previewed = client.post(url, form_data(MIDDLE, based_on="1", preview="1")).content.decode()
    assert "Reading ease: <strong>75 out of 100</strong>, fairly easy." in previewed
    assert "Use shorter sentences" in previewed


def test_other_sections_show_no_score(world, client_as):
    manager = world.users["business_manager"]
    section = add_section(add_spec(world.period, 1, "Introduction"), manager, content(EASY), approved=False,
                          state="draft")  # fmt: skip
    url = reverse("reports:section_edit", args=[world.partnership.slug, world.period.slug, section.spec.slug])
    assert 'data-testid="readability"' not in client_as("business_manager").get(url).content.decode()
