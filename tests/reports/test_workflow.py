"""Every transition, allowed and refused, for every role (the expectations are written out, not read from the table)."""

import pytest

from lib.roles import forget_roles
from partnership.models import AuditEntry
from reports import services
from reports.errors import InvalidInput, NotAllowed, WorkflowError
from reports.models import Section
from tests.reports.conftest import content, put_in_state

NS, DRAFT, SUB, CR, APP = "not_started", "draft", "submitted", "changes_requested", "approved"
ALL_STATES = (NS, DRAFT, SUB, CR, APP)
ROLES = ("lead_a", "lead_b", "contributor", "business_manager", "scrutineer", "outsider")

# (action, role) -> {from-state: to-state} on agency A's section; absent pairs are refused.
ALLOWED = {
    ("save", "lead_a"): {NS: DRAFT, DRAFT: DRAFT, CR: CR, APP: DRAFT},
    ("save", "contributor"): {NS: DRAFT, DRAFT: DRAFT, CR: CR, APP: DRAFT},
    ("submit", "lead_a"): {DRAFT: SUB, CR: SUB},
    ("approve", "business_manager"): {SUB: APP},
    ("request_changes", "business_manager"): {SUB: CR},
}


def run(action, user, section):
    if action == "save":
        based_on = section.current_revision.number if section.current_revision_id else None
        return services.section_save(user=user, section=section, content=content("New words."), based_on=based_on)
    if action == "submit":
        return services.section_submit(user=user, section=section)
    if action == "approve":
        return services.section_approve(user=user, section=section)
    return services.section_request_changes(user=user, section=section, reason="Add the figures for Q4.")


CASES = [(a, r, s) for a in ("save", "submit", "approve", "request_changes") for r in ROLES for s in ALL_STATES]


@pytest.mark.parametrize(("action", "role", "state"), CASES, ids=[f"{a}-{r}-{s}" for a, r, s in CASES])
def test_transition_for_role_and_state(world, sections, action, role, state):
    user = world.users[role]
    section = put_in_state(sections.a, state, world.users["lead_a"])
    moves = ALLOWED.get((action, role))
    if moves is None:
        with pytest.raises(NotAllowed):
            run(action, user, section)
        assert Section.objects.get(pk=section.pk).state == state
    elif state not in moves:
        with pytest.raises(WorkflowError):
            run(action, user, section)
        assert Section.objects.get(pk=section.pk).state == state
    else:
        run(action, user, section)
        assert Section.objects.get(pk=section.pk).state == moves[state]


def test_contributor_cannot_submit(world, sections):
    section = put_in_state(sections.a, DRAFT, world.users["lead_a"])
    with pytest.raises(NotAllowed, match="Only the agency lead can submit this section"):
        services.section_submit(user=world.users["contributor"], section=section)


def test_unassigned_contributor_cannot_save(world, sections):
    sections.a.contributors.clear()
    forget_roles(world.users["contributor"])
    section = Section.objects.select_related("spec__period").get(pk=sections.a.pk)
    with pytest.raises(NotAllowed, match="Ask its agency lead to assign it to you"):
        services.section_save(user=world.users["contributor"], section=section, content=content("x"), based_on=None)


def test_business_manager_writes_and_submits_their_own_section(world, sections):
    bm = world.users["business_manager"]
    services.section_save(user=bm, section=sections.intro, content=content("Welcome."), based_on=None)
    services.section_submit(user=bm, section=sections.intro)
    assert Section.objects.get(pk=sections.intro.pk).state == SUB


def test_agency_lead_cannot_write_the_business_managers_section(world, sections):
    with pytest.raises(NotAllowed):
        services.section_save(user=world.users["lead_a"], section=sections.intro, content=content("x"), based_on=None)


def test_request_changes_needs_a_reason(world, sections):
    section = put_in_state(sections.a, SUB, world.users["lead_a"])
    with pytest.raises(InvalidInput, match="Say what needs to change"):
        services.section_request_changes(user=world.users["business_manager"], section=section, reason="  ")
    assert Section.objects.get(pk=section.pk).state == SUB


def test_transition_is_audited_with_who_from_to_and_why(world, sections):
    section = put_in_state(sections.a, SUB, world.users["lead_a"])
    services.section_request_changes(user=world.users["business_manager"], section=section, reason="Add Q4 figures.")
    entry = AuditEntry.objects.get(code="reports.section.changes_requested")
    assert (entry.actor, entry.target_id, entry.data["from"], entry.data["to"], entry.data["reason"]) == (
        world.users["business_manager"],
        section.pk,
        SUB,
        CR,
        "Add Q4 figures.",
    )


def test_editing_an_approved_section_makes_a_draft_and_keeps_the_approved_revision(world, sections):
    section = put_in_state(sections.a, APP, world.users["lead_a"])
    approved_id = section.approved_revision_id
    revision = services.section_save(
        user=world.users["lead_a"], section=section, content=content("Second thoughts."), based_on=1
    )
    section.refresh_from_db()
    assert (section.state, section.approved_revision_id, section.current_revision_id, revision.number) == (
        DRAFT,
        approved_id,
        revision.pk,
        2,
    )


def test_approval_approves_the_latest_revision(world, sections):
    lead, bm = world.users["lead_a"], world.users["business_manager"]
    section = put_in_state(sections.a, DRAFT, lead)
    revision = services.section_save(user=lead, section=section, content=content("Final."), based_on=1)
    services.section_submit(user=lead, section=section)
    services.section_approve(user=bm, section=section, revision_number=2)
    section.refresh_from_db()
    assert (section.state, section.approved_revision_id) == (APP, revision.pk)


def test_approval_of_a_revision_that_is_no_longer_latest_is_refused(world, sections):
    section = put_in_state(sections.a, SUB, world.users["lead_a"])
    with pytest.raises(WorkflowError, match="changed since you read revision 7"):
        services.section_approve(user=world.users["business_manager"], section=section, revision_number=7)
