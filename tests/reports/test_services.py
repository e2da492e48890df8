import datetime

import pytest

from partnership.models import AuditEntry
from reports import services
from reports.errors import InvalidInput, NotAllowed, StaleRevision, WorkflowError
from reports.models import Challenge, Section, SectionRevision, SectionSpec
from tests.factories import PeriodFactory
from tests.reports.conftest import content, make_spec, put_in_state


def test_first_save_makes_revision_one_and_a_draft(world, sections):
    revision = services.section_save(
        user=world.users["lead_a"], section=sections.a, content=content("Hello."), based_on=None
    )
    sections.a.refresh_from_db()
    assert (revision.number, revision.based_on, sections.a.state, sections.a.current_revision_id) == (
        1,
        None,
        "draft",
        revision.pk,
    )
    assert revision.content == content("Hello.")


def test_stale_save_is_refused_with_a_diff_and_the_stored_revision_is_unchanged(world, sections):
    lead, contributor = world.users["lead_a"], world.users["contributor"]
    services.section_save(user=lead, section=sections.a, content=content("The council trained staff."), based_on=None)
    services.section_save(
        user=contributor, section=sections.a, content=content("The council trained 200 staff."), based_on=1
    )
    with pytest.raises(StaleRevision) as caught:
        services.section_save(
            user=lead, section=sections.a, content=content("The council trained 300 staff."), based_on=1
        )
    error = caught.value
    assert (error.based_on, error.latest) == (1, 2)
    assert "Someone saved revision 2 of this section after you opened it" in str(error)
    assert [(p.op, p.text) for p in error.diff if p.op != "equal"] == [("delete", "200"), ("insert", "300")]
    assert SectionRevision.objects.filter(section=sections.a).count() == 2
    sections.a.refresh_from_db()
    assert sections.a.current_revision.number == 2
    assert sections.a.current_revision.content["narrative"] == "The council trained 200 staff."


def test_save_without_changes_makes_no_revision_and_keeps_approval(world, sections):
    section = put_in_state(sections.a, "approved", world.users["lead_a"])
    services.section_save(user=world.users["lead_a"], section=section, content=content("First words."), based_on=1)
    section.refresh_from_db()
    assert (section.state, section.revisions.count()) == ("approved", 1)


def test_revision_cannot_be_changed_once_saved(world, sections):
    revision = services.section_save(
        user=world.users["lead_a"], section=sections.a, content=content("a"), based_on=None
    )
    revision.content = {"narrative": "rewritten"}
    with pytest.raises(ValueError, match="cannot be changed"):
        revision.save()


def test_quote_without_consent_is_refused_and_nothing_saved(world, sections):
    quote = {"text": "It helped.", "attribution": "A parent", "kind": "quote", "consented": False}
    with pytest.raises(InvalidInput, match="confirm that it is anonymised and that the person consented"):
        services.section_save(
            user=world.users["lead_a"], section=sections.a, content=content(quotes=[quote]), based_on=None
        )
    assert SectionRevision.objects.count() == 0


def test_table_row_with_wrong_number_of_cells_is_named(world, sections):
    table = {"title": "Referrals", "columns": ["Source", "Dudley"], "rows": [["Police", "20%"], ["Schools"]]}
    with pytest.raises(InvalidInput) as caught:
        services.section_save(
            user=world.users["lead_a"], section=sections.a, content=content(tables=[table]), based_on=None
        )
    assert caught.value.errors == ["Table 1 (Referrals), row 2: has 1 cells but the table has 2 columns."]


def test_huge_narrative_is_refused_not_truncated(world, sections):
    with pytest.raises(InvalidInput, match="The narrative is 50,001 characters long; the limit is 50,000"):
        services.section_save(
            user=world.users["lead_a"], section=sections.a, content=content("x" * 50_001), based_on=None
        )
    assert SectionRevision.objects.count() == 0


def test_snapshot_holds_quotes_and_tables(world, sections):
    quote = {"text": "It helped.", "attribution": "A parent", "kind": "quote", "consented": True}
    table = {"title": "Referrals", "columns": ["Source", "Dudley"], "rows": [["Police", "20%"]], "chart": "bar"}
    revision = services.section_save(
        user=world.users["lead_a"],
        section=sections.a,
        content=content("N", quotes=[quote], tables=[table]),
        based_on=None,
    )
    assert revision.content["quotes"] == [quote | {"title": ""}]
    assert revision.content["tables"] == [table | {"source": ""}]


def test_comment_by_reader_is_audited(world, sections):
    revision = services.section_save(
        user=world.users["lead_a"], section=sections.a, content=content("a"), based_on=None
    )
    comment = services.comment_add(user=world.users["scrutineer"], revision=revision, body=" Good start. ")
    assert comment.body == "Good start."
    assert AuditEntry.objects.filter(code="reports.comment.added", actor=world.users["scrutineer"]).count() == 1


def test_other_agency_lead_cannot_comment(world, sections):
    revision = services.section_save(
        user=world.users["lead_a"], section=sections.a, content=content("a"), based_on=None
    )
    with pytest.raises(NotAllowed):
        services.comment_add(user=world.users["lead_b"], revision=revision, body="Hmm")


def test_challenge_open_answered_closed(world, sections):
    scrutineer, lead = world.users["scrutineer"], world.users["lead_a"]
    challenge = services.challenge_raise(user=scrutineer, section=sections.a, question="What changed for children?")
    with pytest.raises(WorkflowError, match="Only an answered challenge can be closed"):
        services.challenge_close(user=scrutineer, challenge=challenge)
    services.challenge_answer(user=lead, challenge=challenge, answer="Fewer repeat referrals.")
    services.challenge_close(user=scrutineer, challenge=challenge)
    challenge.refresh_from_db()
    assert (challenge.state, challenge.answer, challenge.answered_by, challenge.closed_by) == (
        "closed",
        "Fewer repeat referrals.",
        lead,
        scrutineer,
    )
    codes = AuditEntry.objects.filter(target_id=sections.a.pk, code__startswith="reports.challenge")
    assert list(codes.order_by("pk").values_list("code", flat=True)) == [
        "reports.challenge.raised",
        "reports.challenge.answered",
        "reports.challenge.closed",
    ]


@pytest.mark.parametrize("role", ["lead_a", "lead_b", "contributor", "business_manager", "outsider"])
def test_only_the_scrutineer_raises_challenges(world, sections, role):
    with pytest.raises(NotAllowed, match="Only the independent scrutineer"):
        services.challenge_raise(user=world.users[role], section=sections.a, question="Why?")


@pytest.mark.parametrize("role", ["lead_b", "contributor", "business_manager", "scrutineer", "outsider"])
def test_only_the_writer_answers_challenges(world, sections, role):
    challenge = services.challenge_raise(user=world.users["scrutineer"], section=sections.a, question="Why?")
    with pytest.raises(NotAllowed):
        services.challenge_answer(user=world.users[role], challenge=challenge, answer="Because.")
    assert Challenge.objects.get(pk=challenge.pk).state == "open"


def test_spec_create_adds_at_the_end_with_a_section(world, sections):
    spec = services.spec_create(
        user=world.users["business_manager"],
        period=world.period,
        fields={
            "slug": "cdop",
            "title": "CDOP",
            "level": 2,
            "kind": "narrative",
            "owner_agency": world.agency_a,
            "author": "agency",
            "themes": ["impact"],
            "priorities": [],
        },
    )
    assert (spec.position, Section.objects.filter(spec=spec).count()) == (4, 1)


def test_spec_create_refuses_unknown_theme_and_duplicate_slug(world, sections):
    with pytest.raises(InvalidInput) as caught:
        services.spec_create(
            user=world.users["business_manager"],
            period=world.period,
            fields={
                "slug": "introduction",
                "title": "X",
                "kind": "narrative",
                "author": "business_manager",
                "owner_agency": None,
                "themes": ["nonsense"],
            },
        )
    assert caught.value.errors == [
        "Unknown statutory themes: nonsense. Choose from the checklist.",
        "Another section of this outline already uses the address 'introduction'. Choose another.",
    ]


def test_agency_lead_cannot_change_the_outline(world, sections):
    with pytest.raises(NotAllowed, match="Only the business manager can change the outline"):
        services.spec_move(user=world.users["lead_a"], spec=sections.b.spec, direction="up")


def test_spec_move_swaps_with_neighbour(world, sections):
    services.spec_move(user=world.users["business_manager"], spec=sections.b.spec, direction="up")
    assert list(SectionSpec.objects.filter(period=world.period).values_list("slug", flat=True)) == [
        "police-working",
        "council-working",
        "introduction",
    ]
    with pytest.raises(InvalidInput, match="already at the top"):
        services.spec_move(user=world.users["business_manager"], spec=sections.b.spec, direction="up")


def test_outline_copy_copies_every_spec_into_the_new_period(world, sections):
    make_spec(world.period, slug="partnership-working", position=4, author="business_manager", kind="heading", level=1)
    new = PeriodFactory(
        partnership=world.partnership,
        label="2020/21",
        slug="2020-21",
        start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31),
        submission_deadline=datetime.date(2021, 9, 30),
    )
    copied = services.outline_copy(user=world.users["business_manager"], source_period=world.period, target_period=new)
    assert copied == 4
    assert list(SectionSpec.objects.filter(period=new).values_list("slug", "owner_agency__slug")) == [
        ("council-working", "council"),
        ("police-working", "police"),
        ("introduction", None),
        ("partnership-working", None),
    ]
    assert list(Section.objects.filter(spec__period=new).values_list("state", flat=True)) == ["not_started"] * 3
    with pytest.raises(InvalidInput, match="already has an outline"):
        services.outline_copy(user=world.users["business_manager"], source_period=world.period, target_period=new)
