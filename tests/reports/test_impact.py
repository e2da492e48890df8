"""Impact in every section: what difference it made and how we know, the outline's requirement, the submit
refusal, the dashboard's counts, the statutory checklist's impact line and the report."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.models import AuditEntry
from reports import services
from reports.assembly import checklist_evaluate, outline_for_assembly, report_assemble
from reports.content import content_clean, content_has_substance
from reports.diff import section_changes
from reports.errors import InvalidInput
from reports.impact import ImpactMissing, impact_counts, impact_missing, impact_stated, sections_without_impact
from reports.models import Section, SectionRevision, SectionSpec, SectionState
from reports.rendering import report_html
from tests.factories import PeriodFactory
from tests.reports.conftest import content, make_section
from tests.reports.test_views import form_data, messages_of, url

AUDIT = {"kind": "audit", "description": "Audit of 40 strategy discussions, March 2020", "table": None}
STATED = {"impact": "Fewer children were re-referred within a year.", "evidence": [AUDIT]}
MISSING_BOTH = (
    "This section must say what difference it made before it can be submitted. Edit it and add 'What difference "
    "it made for children and families' and at least one item under 'How we know'."
)


def old_revision() -> dict:
    """A revision saved before impact existed: no impact or evidence keys at all."""
    return {"narrative": "We did it.", "key_achievements": "", "areas_for_development": "", "quotes": [], "tables": []}


# The rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "stated", "missing"),
    [
        (STATED, True, []),
        ({"impact": "Better.", "evidence": []}, False, ["at least one item under 'How we know'"]),
        ({"impact": "   ", "evidence": [AUDIT]}, False, ["'What difference it made for children and families'"]),
        ({"impact": "Better.", "evidence": [{"kind": "audit", "description": " ", "table": None}]}, False, None),
        ({}, False, None),
    ],
)
def test_impact_is_stated_only_with_text_and_evidence(extra, stated, missing):
    body = old_revision() | extra
    assert impact_stated(body) is stated
    if missing is not None:
        assert impact_missing(body) == missing


def test_a_revision_from_before_impact_existed_states_none_and_needs_both():
    assert impact_stated(old_revision()) is False
    assert impact_stated(None) is False
    assert len(impact_missing(old_revision())) == 2


def test_the_database_rule_agrees_with_the_python_rule(world):
    """impact_stated_q (dashboard, list) and impact_stated (submit, checklist, report) answer alike."""
    bodies = [
        content("a") | STATED,
        content("b", impact="Better.", evidence=[]),
        content("c", impact="", evidence=[AUDIT]),
        content("d"),
        old_revision(),
        content_clean(content("e", impact="  Better. ", evidence=[AUDIT, {"kind": "", "description": ""}])),
    ]
    for number, body in enumerate(bodies, start=1):
        section = make_section(world.period, slug=f"s{number}", position=number, owner=world.agency_a)
        section.current_revision = SectionRevision.objects.create(
            section=section, number=1, content=body, author=world.users["lead_a"]
        )
        section.state = SectionState.DRAFT
        section.save()
    make_section(world.period, slug="empty", position=99, owner=world.agency_a)  # not started: no revision
    by_python = {
        s.spec.slug
        for s in Section.objects.filter(spec__period=world.period).select_related("current_revision", "spec")
        if s.current_revision_id and impact_stated(s.current_revision.content)
    }
    assert by_python == {"s1", "s6"}
    missing = {s.spec.slug for s in sections_without_impact(period=world.period)}
    assert missing == {"s2", "s3", "s4", "s5", "empty"}
    assert impact_counts(period=world.period).stated == 2


# The shape of content ------------------------------------------------------------------------


def test_content_keeps_impact_and_evidence_and_skips_blank_items():
    cleaned = content_clean(
        content("Did.", impact=" Better. ", evidence=[AUDIT, {"kind": "", "description": "", "table": None}])
    )
    assert cleaned["impact"] == "Better."
    assert cleaned["evidence"] == [AUDIT]


def test_evidence_items_are_checked_with_a_message_for_each():
    table = {"title": "Referrals", "columns": ["A"], "rows": [["1"]], "source": "", "chart": ""}
    with pytest.raises(InvalidInput) as refused:
        content_clean(
            content(
                "Did.",
                tables=[table],
                evidence=[
                    {"kind": "rumour", "description": "Heard it"},
                    {"kind": "audit", "description": ""},
                    {"kind": "data_table", "description": "Referrals fell", "table": 2},
                    {"kind": "data_table", "description": "Referrals fell", "table": True},
                ],
            )
        )
    assert refused.value.errors == [
        "How we know, item 1: choose what kind of evidence it is.",
        "How we know, item 2: describe the evidence in a sentence, or remove the item.",
        "How we know, item 3: give the number of the data table of this section it refers to (this section has "
        "1 table).",
        "How we know, item 4: give the number of the data table of this section it refers to (this section has "
        "1 table).",
    ]
    ok = content_clean(
        content("Did.", tables=[table], evidence=[{"kind": "data_table", "description": "Fell", "table": 1}])
    )
    assert ok["evidence"] == [{"kind": "data_table", "description": "Fell", "table": 1}]


def test_at_most_twenty_evidence_items():
    with pytest.raises(InvalidInput, match="at most 20 items"):
        content_clean(content("Did.", evidence=[AUDIT] * 21))


def test_impact_or_evidence_alone_is_substance():
    assert content_has_substance(content(impact="Better."))
    assert content_has_substance(content(evidence=[AUDIT]))
    assert not content_has_substance(content(evidence=[{"kind": "audit", "description": ""}]))


# The outline's requirement and the submit refusal --------------------------------------------


@pytest.fixture
def required(world):
    section = make_section(world.period, slug="council-working", position=1, owner=world.agency_a)
    SectionSpec.objects.filter(pk=section.spec_id).update(impact_required=True)
    return Section.objects.select_related("spec__period").get(pk=section.pk)


def _save(world, section, body, based_on=None):
    services.section_save(user=world.users["lead_a"], section=section, content=body, based_on=based_on)
    return Section.objects.select_related("spec__period").get(pk=section.pk)


def test_submit_is_refused_while_impact_or_evidence_is_empty(world, required):
    section = _save(world, required, content("We trained 200 staff."))
    entries = AuditEntry.objects.count()
    with pytest.raises(ImpactMissing) as refused:
        services.section_submit(user=world.users["lead_a"], section=section)
    assert str(refused.value) == MISSING_BOTH
    section = _save(world, section, content("We trained 200 staff.", impact="Fewer re-referrals."), based_on=1)
    with pytest.raises(ImpactMissing, match="Edit it and add at least one item under 'How we know'.$"):
        services.section_submit(user=world.users["lead_a"], section=section)
    section = _save(world, section, content("We trained 200 staff.", evidence=[AUDIT]), based_on=2)
    with pytest.raises(ImpactMissing, match="Edit it and add 'What difference it made for children and families'.$"):
        services.section_submit(user=world.users["lead_a"], section=section)
    assert Section.objects.get(pk=section.pk).state == SectionState.DRAFT
    assert AuditEntry.objects.filter(code="reports.section.submitted").count() == 0
    assert AuditEntry.objects.count() == entries + 2  # the two saves only


def test_submit_succeeds_once_impact_and_evidence_are_given(world, required):
    section = _save(world, required, content("We trained 200 staff.") | STATED)
    submitted = services.section_submit(user=world.users["lead_a"], section=section)
    assert submitted.state == SectionState.SUBMITTED


def test_a_section_not_required_to_state_impact_submits_without_it(world):
    section = make_section(world.period, slug="council-working", position=1, owner=world.agency_a)
    section = _save(world, Section.objects.select_related("spec__period").get(pk=section.pk), content("Did."))
    assert services.section_submit(user=world.users["lead_a"], section=section).state == SectionState.SUBMITTED


def test_the_submit_button_shows_the_refusal_and_changes_nothing(world, client_as, required):
    _save(world, required, content("We trained 200 staff.", impact="Fewer re-referrals."))
    response = client_as("lead_a").post(url("section_submit", required), follow=True)
    assert messages_of(response) == [
        "This section must say what difference it made before it can be submitted. Edit it and add at least one "
        "item under 'How we know'."
    ]
    assert Section.objects.get(pk=required.pk).state == SectionState.DRAFT


def test_the_section_page_and_editor_show_the_requirement_up_front(world, client_as, required):
    _save(world, required, content("We trained 200 staff."))
    page = client_as("lead_a").get(url("section", required)).content.decode()
    assert 'data-testid="impact-missing"' in page
    assert "add &#x27;What difference it made for children and families&#x27; and at least one item" in page
    editor = client_as("lead_a").get(url("section_edit", required)).content.decode()
    assert 'data-testid="impact-required"' in editor
    assert editor.index('data-testid="impact-required"') < editor.index('name="narrative"')


def test_a_section_not_required_shows_no_requirement(world, client_as, sections):
    editor = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    assert 'data-testid="impact-required"' not in editor
    assert 'name="impact"' in editor and 'name="evidence-0-kind"' in editor


# The editor --------------------------------------------------------------------------------


def _evidence_post(*items, **extra):
    data = form_data("We trained 200 staff.", impact="Fewer re-referrals.", **extra)
    data |= {
        "evidence-TOTAL_FORMS": str(len(items)),
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "20",
    }
    for index, item in enumerate(items):
        data |= {f"evidence-{index}-{key}": value for key, value in item.items()}
    return data


def test_the_editor_saves_impact_and_evidence_naming_a_table_by_its_place_among_those_kept(world, client_as, sections):
    tables = {
        "tables-TOTAL_FORMS": "2",
        "tables-0-title": "Removed",
        "tables-0-columns": "A",
        "tables-0-rows": "1",
        "tables-0-DELETE": "on",
        "tables-1-title": "Referrals",
        "tables-1-columns": "Source, Count",
        "tables-1-rows": "Police, 4",
    }
    data = _evidence_post(
        {"kind": "data_table", "description": "Referrals from the police fell", "table": "2"},
        {"kind": "feedback", "description": "Parents' survey, 30 replies"},
        {"kind": "", "description": ""},
        **tables,
    )
    response = client_as("lead_a").post(url("section_edit", sections.a), data)
    assert response.status_code == 302
    saved = SectionRevision.objects.get(section=sections.a).content
    assert saved["impact"] == "Fewer re-referrals."
    assert saved["evidence"] == [
        {"kind": "data_table", "description": "Referrals from the police fell", "table": 1},
        {"kind": "feedback", "description": "Parents' survey, 30 replies", "table": None},
    ]
    assert [t["title"] for t in saved["tables"]] == ["Referrals"]


def test_the_editor_refuses_an_evidence_item_without_a_kind_or_a_table(world, client_as, sections):
    data = _evidence_post({"kind": "", "description": "Audit"}, {"kind": "data_table", "description": "Fell"})
    response = client_as("lead_a").post(url("section_edit", sections.a), data)
    assert response.status_code == 200
    assert response.context["summary_errors"] == [
        ("id_evidence-0-kind", "How we know, item 1 (Kind of evidence): Choose what kind of evidence it is."),
        (
            "id_evidence-1-table",
            "How we know, item 2 (Table number): Give the number of the table this evidence is, for example 1.",
        ),
    ]
    assert not SectionRevision.objects.filter(section=sections.a).exists()


def test_the_editor_opens_with_the_saved_evidence(world, client_as, sections):
    _save(world, sections.a, content("Did.") | STATED)
    editor = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    assert "Audit of 40 strategy discussions, March 2020</textarea>" in editor
    assert "Fewer children were re-referred within a year.</textarea>" in editor


def test_the_add_button_gives_one_more_evidence_item_and_saves_nothing(world, client_as, sections):
    data = _evidence_post({"kind": "audit", "description": "Audit"}, add_evidence="1")
    del data["save"]
    response = client_as("lead_a").post(url("section_edit", sections.a), data)
    assert response.context["evidence"].total_form_count() == 2
    assert not SectionRevision.objects.filter(section=sections.a).exists()


# The outline ---------------------------------------------------------------------------------


def _spec_post(**extra):
    return {"title": "Council", "slug": "", "level": "2", "kind": "agency", "author": "agency"} | extra


def test_the_outline_form_sets_impact_required_and_the_audit_records_it(world, client_as):
    client = client_as("business_manager")
    response = client.post(url("spec_add"), _spec_post(owner_agency=str(world.agency_a.pk), impact_required="on"))
    assert response.status_code == 302
    spec = SectionSpec.objects.get(period=world.period, slug="council")
    assert spec.impact_required is True
    added = AuditEntry.objects.get(code="reports.outline.spec_added")
    assert added.data == {"impact_required": True}
    client.post(url("spec_edit", spec_slug="council"), _spec_post(owner_agency=str(world.agency_a.pk)))
    assert SectionSpec.objects.get(pk=spec.pk).impact_required is False
    changed = AuditEntry.objects.get(code="reports.outline.spec_changed")
    assert changed.data == {"changes": {"impact_required": [True, False]}}
    outline = client.get(url("outline")).content.decode()
    assert "Impact required" not in outline


def test_copying_the_outline_keeps_impact_required_and_the_audit_names_it(world):
    section = make_section(world.period, slug="council-working", position=1, owner=world.agency_a)
    SectionSpec.objects.filter(pk=section.spec_id).update(impact_required=True)
    make_section(world.period, slug="police-working", position=2, owner=world.agency_b)
    later = PeriodFactory(
        partnership=world.partnership, label="2020/21", slug="2020-21", start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31), submission_deadline=datetime.date(2021, 9, 30),
    )  # fmt: skip
    services.outline_copy(user=world.users["business_manager"], source_period=world.period, target_period=later)
    copied = dict(SectionSpec.objects.filter(period=later).values_list("slug", "impact_required"))
    assert copied == {"council-working": True, "police-working": False}
    entry = AuditEntry.objects.get(code="reports.outline.copied")
    assert entry.data["impact_required"] == ["council-working"]


# The dashboard -------------------------------------------------------------------------------


def _written(world, period, slug, position, body, *, required=False):
    section = make_section(period, slug=slug, position=position, owner=world.agency_a, impact_required=required)
    section.current_revision = SectionRevision.objects.create(
        section=section, number=1, content=body, author=world.users["lead_a"]
    )
    section.state = SectionState.DRAFT
    section.save()
    return section


def _mixed(world, period, rows: int):
    """`rows` sections: every third states impact; every other one is required to; the last is not started."""
    for n in range(rows - 1):
        body = content(f"Did {n}.") | (STATED if n % 3 == 0 else {"impact": f"Better {n}."})
        _written(world, period, f"s{n}", n + 1, body, required=n % 2 == 0)
    make_section(period, slug="not-started", position=rows, owner=world.agency_a, impact_required=True)


def test_the_dashboard_counts_sections_stating_impact_against_a_hand_count(world, client_as):
    _mixed(world, world.period, 7)
    # s0..s5 written: stated s0, s3; required s0, s2, s4 and the unstarted one; of those, s0 states it.
    counts = impact_counts(period=world.period)
    assert (counts.stated, counts.total, counts.required_stated, counts.required) == (2, 7, 1, 4)
    page = client_as("business_manager").get(url("dashboard")).content.decode()
    row = page[page.index('data-testid="impact-counts"') :].split("</div>")[0]
    assert "2 of 7 sections; 1 of the 4 where the outline requires it" in row
    assert reverse("reports:impact_missing", args=["tsp", "2019-20"]) in row
    assert "See the 5 that do not" in row


def test_the_agency_leads_dashboard_has_no_impact_counts(world, client_as):
    _mixed(world, world.period, 4)
    page = client_as("lead_a").get(url("dashboard")).content.decode()
    assert 'data-testid="impact-counts"' not in page


def test_the_list_shows_the_sections_without_impact_required_first(world, client_as):
    _mixed(world, world.period, 7)
    response = client_as("business_manager").get(url("impact_missing"))
    listed = [s.spec.slug for s in response.context["page"]]
    assert listed == ["s2", "s4", "not-started", "s1", "s5"]
    body = response.content.decode()
    assert "2 of 7 sections say what difference they made" in body and "These 5 do not yet." in body


def test_the_dashboard_and_the_list_cost_the_same_queries_for_10_and_200_sections(world, client_as):
    later = PeriodFactory(
        partnership=world.partnership, label="2020/21", slug="2020-21", start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31), submission_deadline=datetime.date(2021, 9, 30),
    )  # fmt: skip
    _mixed(world, world.period, 10)
    _mixed(world, later, 200)
    client = client_as("business_manager")
    client.get(reverse("home"))  # a session's first request records its start: not counted

    def queries(name, period):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(f"reports:{name}", args=["tsp", period.slug])).status_code == 200
        return len(ctx.captured_queries)

    for name in ("dashboard", "impact_missing"):
        assert queries(name, world.period) == queries(name, later)


# The statutory checklist ---------------------------------------------------------------------


def _approved(world, slug, position, body, themes=()):
    section = _written(world, world.period, slug, position, body)
    SectionSpec.objects.filter(pk=section.spec_id).update(themes=list(themes))
    section.approved_revision, section.state = section.current_revision, SectionState.APPROVED
    section.save()
    return section


def _impact_item(period):
    specs = list(outline_for_assembly(period))
    return next(item for item in checklist_evaluate(specs) if item.code == "impact")


def test_a_theme_tag_alone_does_not_meet_the_impact_requirement(world):
    _approved(world, "tagged", 1, content("We did a great deal."), themes=["impact"])
    item = _impact_item(world.period)
    assert (item.met, item.evidence, item.approved_evidence) == (False, ["Tagged"], [])


def test_an_approved_impact_statement_meets_it_whatever_its_themes(world):
    _approved(world, "tagged", 1, content("We did a great deal."), themes=["impact"])
    _approved(world, "untagged", 2, content("Did.") | STATED, themes=["training"])
    item = _impact_item(world.period)
    assert (item.met, item.evidence, item.approved_evidence) == (True, ["Tagged", "Untagged"], ["Untagged"])


def test_an_impact_statement_not_yet_approved_does_not_meet_it(world):
    section = _approved(world, "council", 1, content("Did."))
    SectionRevision.objects.create(
        section=section, number=2, content=content("Did.") | STATED, author=world.users["lead_a"]
    )
    section.current_revision = section.revisions.get(number=2)
    section.state = SectionState.DRAFT
    section.save()
    assert _impact_item(world.period).met is False
    checklist = report_assemble(period=world.period, preview=True).checklist
    assert next(item for item in checklist if item.code == "impact").met is False


def test_other_requirements_keep_their_tag_rule_and_exemptions_still_work(world):
    _approved(world, "training", 1, content("Courses."), themes=["training"])
    services.checklist_exemption_set(
        user=world.users["business_manager"], period=world.period, code="impact", kind="covered_elsewhere",
        reason="In the partnership's separate impact report.",
    )  # fmt: skip
    report = report_assemble(period=world.period, preview=False)
    by_code = {item.code: item for item in report.checklist}
    assert by_code["training"].met is True
    assert by_code["impact"].met is True and by_code["impact"].exemption is not None


# The report and the diff ---------------------------------------------------------------------


def test_the_report_shows_impact_and_evidence_under_the_sections_heading(world):
    table = {"title": "Referrals", "columns": ["Source", "Count"], "rows": [["Police", "4"]], "source": "", "chart": ""}
    evidence = [{"kind": "data_table", "description": "Police referrals fell", "table": 1}, AUDIT]
    body = content("We trained staff.", impact="#### Re-referrals\n\nFewer.", evidence=evidence, tables=[table])
    section = _approved(world, "council", 1, body)
    old = _approved(world, "police", 2, old_revision())
    html = report_html(report_assemble(period=world.period, preview=False))
    council = html[html.index('id="section-1-1-council"') : html.index('id="section-1-2-police"')]
    assert '<h4 class="subheading">The difference it made</h4>' in council
    assert "<h5>Re-referrals</h5>" in council  # the writer's heading under the subheading
    assert '<h4 class="subheading">How we know</h4>' in council
    anchor = "section-1-1-council-table-1"
    link = f'<a href="#{anchor}">Referrals</a>'
    assert f"<li><strong>Data table in this section</strong> ({link}): Police referrals fell</li>" in council
    assert "<li><strong>Audit</strong>: Audit of 40 strategy discussions, March 2020</li>" in council
    police = html[html.index('id="section-1-2-police"') :]
    assert "The difference it made" not in police and "How we know" not in police
    assert section.pk and old.pk


def test_an_old_revision_diffs_against_one_with_impact(world):
    changes = {c.key: c for c in section_changes(old_revision(), content("We did it.") | STATED)}
    assert changes["narrative"].changed is False
    assert changes["impact"].changed is True and changes["impact"].label == "What difference it made"
    assert changes["evidence-1"].label == "How we know, item 1"
    assert changes["evidence-1"].counts == (8, 0)  # "Audit:" and the description's 7 words


def test_the_diff_page_opens_for_an_old_revision_and_a_new_one(world, client_as, sections):
    SectionRevision.objects.create(section=sections.a, number=1, content=old_revision(), author=world.users["lead_a"])
    SectionRevision.objects.create(
        section=sections.a, number=2, content=content("We did it.") | STATED, author=world.users["lead_a"]
    )
    response = client_as("lead_a").get(url("section_diff", sections.a) + "?from=1&to=2")
    assert response.status_code == 200
    assert [step["change"].key for step in response.context["steps"]] == ["impact", "evidence-1"]


def test_saving_an_old_revision_unchanged_makes_no_new_revision(world, sections):
    SectionRevision.objects.create(section=sections.a, number=1, content=old_revision(), author=world.users["lead_a"])
    Section.objects.filter(pk=sections.a.pk).update(current_revision=sections.a.revisions.get(), state="draft")
    section = Section.objects.select_related("spec__period").get(pk=sections.a.pk)
    kept = services.section_save(user=world.users["lead_a"], section=section, content=old_revision(), based_on=1)
    assert kept.number == 1 and SectionRevision.objects.filter(section=sections.a).count() == 1


def test_the_pdf_carries_impact_and_evidence_tagged_to_the_rules(world):
    import io

    import pikepdf

    from reports.rendering import report_pdf
    from tests.reports.pdf_rules import _elements, pdf_ua_problems

    table = {"title": "Referrals", "columns": ["Source", "Count"], "rows": [["Police", "4"]], "source": "", "chart": ""}
    evidence = [{"kind": "data_table", "description": "Police referrals fell", "table": 1}, AUDIT]
    _approved(world, "council", 1, content("We trained staff.", impact="Fewer.", evidence=evidence, tables=[table]))
    plain = _approved(world, "police", 2, old_revision())
    pdf = report_pdf(report_html(report_assemble(period=world.period, preview=False))).data
    assert pdf_ua_problems(pdf) == []
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        tags = [str(element.S) for element, _ in _elements(opened.Root.StructTreeRoot)]
    # The two sections' h3 headings, then the council's two subheadings as H4; list items: the contents list's
    # two and the council's two items of evidence.
    assert tags.count("/H3") == 2 and tags.count("/H4") == 2
    assert tags.count("/LI") == 2 + 2
    assert plain.pk
