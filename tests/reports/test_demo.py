import pytest

from demo.loader import DEMO_DIR, demo_base_load
from partnership.models import AuditEntry
from reports.demo import DemoDataError, reports_demo_load, section_file_read
from reports.models import Challenge, Comment, Section, SectionRevision, SectionSpec
from tests.factories import Role, UserFactory, grant

OUTLINE = """
- {slug: partnership-working, title: Partnership Working, level: 1, kind: heading, author: business_manager}
- {slug: agency-council, title: Council, level: 2, kind: agency, author: agency, owner: council, themes: [impact],
   priorities: [], suggested_words: 300, guidance: Tell us.}
- {slug: summary, title: Summary, level: 1, kind: narrative, author: business_manager, themes: []}
"""
COUNCIL = """\
---
key_achievements: |
  - Trained 200 staff
quotes:
  - {text: It helped., attribution: A parent, kind: quote}
tables:
  - {title: Referrals, columns: [Source, Count], rows: [[Police, 4]], chart: bar}
---
The council did a great deal.

More detail here.
"""


@pytest.fixture
def data_dir(tmp_path, world):
    (tmp_path / "sections").mkdir()
    (tmp_path / "outline.yaml").write_text(OUTLINE)
    (tmp_path / "sections" / "agency-council.md").write_text(COUNCIL)
    (tmp_path / "sections" / "summary.md").write_text("In short, a good year.\n")
    grant(UserFactory(username="lead-council"), world.partnership, Role.AGENCY_LEAD, world.agency_a)
    return tmp_path


def test_section_file_front_matter_and_narrative(data_dir):
    content = section_file_read(data_dir / "sections" / "agency-council.md")
    assert content["narrative"] == "The council did a great deal.\n\nMore detail here."
    assert content["tables"] == [
        {"title": "Referrals", "columns": ["Source", "Count"], "rows": [["Police", "4"]], "source": "", "chart": "bar"}
    ]
    assert content["quotes"][0]["consented"] is True


def test_loads_outline_and_approves_every_section_then_changes_nothing(world, data_dir):
    assert reports_demo_load(partnership=world.partnership, period=world.period, data_dir=data_dir) == 5
    assert list(SectionSpec.objects.filter(period=world.period).values_list("slug", "position")) == [
        ("partnership-working", 1),
        ("agency-council", 2),
        ("summary", 3),
    ]
    assert list(Section.objects.values_list("spec__slug", "state")) == [
        ("agency-council", "approved"),
        ("summary", "approved"),
    ]
    counts = (SectionRevision.objects.count(), AuditEntry.objects.count())
    assert reports_demo_load(partnership=world.partnership, period=world.period, data_dir=data_dir) == 0
    assert (SectionRevision.objects.count(), AuditEntry.objects.count()) == counts


def test_changed_section_file_is_saved_and_approved_as_a_new_revision(world, data_dir):
    reports_demo_load(partnership=world.partnership, period=world.period, data_dir=data_dir)
    (data_dir / "sections" / "summary.md").write_text("In short, a very good year.\n")
    assert reports_demo_load(partnership=world.partnership, period=world.period, data_dir=data_dir) == 1
    section = Section.objects.get(spec__slug="summary")
    assert (section.state, section.approved_revision.number, section.approved_revision.content["narrative"]) == (
        "approved",
        2,
        "In short, a very good year.",
    )


def test_missing_content_files_load_nothing(world, tmp_path):
    assert reports_demo_load(partnership=world.partnership, period=world.period, data_dir=tmp_path) == 0
    assert SectionSpec.objects.count() == 0


def test_unknown_theme_is_a_clear_error(world, data_dir):
    (data_dir / "outline.yaml").write_text(
        "- {slug: x, title: X, kind: narrative, author: business_manager, themes: [bogus]}"
    )
    with pytest.raises(DemoDataError, match=r"outline.yaml, 'x': unknown themes \['bogus'\]"):
        reports_demo_load(partnership=world.partnership, period=world.period, data_dir=data_dir)


def test_the_real_demo_loads_all_approved_with_history(db):
    result = demo_base_load(password="demo-password-for-tests")
    changes = reports_demo_load(partnership=result.partnership, period=result.period, data_dir=DEMO_DIR)
    assert changes > 0
    files = {p.stem for p in (DEMO_DIR / "sections").glob("*.md")}
    sections = Section.objects.filter(spec__period=result.period, spec__slug__in=files)
    assert sections.count() == len(files)
    assert set(sections.values_list("state", flat=True)) == {"approved"}
    assert SectionRevision.objects.filter(number=2).count() >= 4
    assert AuditEntry.objects.filter(code="reports.section.changes_requested").count() == 1
    assert list(Challenge.objects.values_list("state", flat=True)) == ["closed"]
    assert Comment.objects.count() >= 1
    assert reports_demo_load(partnership=result.partnership, period=result.period, data_dir=DEMO_DIR) == 0
