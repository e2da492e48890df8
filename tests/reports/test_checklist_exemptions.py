"""A statutory theme met by an approved section with content, or by the manager's recorded reason."""

import pytest
from django.urls import reverse

from lib.errors import InvalidInput, NotAllowed, WorkflowError
from partnership.models import AuditEntry
from reports import services
from reports.checklist import statutory_checklist
from reports.content import empty_content
from reports.models import ChecklistExemption, SectionRevision
from reports.publishing import report_readiness
from tests.reports.conftest import content, put_in_state


def gap(period, code):
    title = statutory_checklist()[code]
    return f"No approved section evidences '{title}'." in report_readiness(period=period).reasons


def test_an_exemption_with_a_reason_meets_the_theme_and_is_audited(world, sections):
    assert gap(world.period, "training")
    services.checklist_exemption_set(
        user=world.users["business_manager"], period=world.period, code="training", kind="covered_elsewhere",
        reason="Training is reported in the adults board's report, chapter 4.",
    )  # fmt: skip
    assert not gap(world.period, "training")
    entry = AuditEntry.objects.get(code="reports.checklist.exempted")
    assert entry.data["reason"] == "Training is reported in the adults board's report, chapter 4."
    services.checklist_exemption_clear(user=world.users["business_manager"], period=world.period, code="training")
    assert gap(world.period, "training") and not ChecklistExemption.objects.exists()
    assert AuditEntry.objects.filter(code="reports.checklist.exemption_cleared").count() == 1


@pytest.mark.parametrize(
    ("code", "kind", "reason", "message"),
    [
        ("training", "not_applicable", "  ", "Say why"),
        ("nonsense", "not_applicable", "Because.", "There is no statutory theme 'nonsense'"),
        ("training", "maybe", "Because.", "Choose whether the theme does not apply"),
    ],
)
def test_bad_exemptions_are_refused_and_change_nothing(world, code, kind, reason, message):
    with pytest.raises(InvalidInput, match=message):
        services.checklist_exemption_set(
            user=world.users["business_manager"], period=world.period, code=code, kind=kind, reason=reason
        )
    assert not ChecklistExemption.objects.exists()
    assert not AuditEntry.objects.filter(code__startswith="reports.checklist").exists()


@pytest.mark.parametrize("role", ["scrutineer", "lead_a", "lead_b", "contributor"])
def test_only_the_business_manager_exempts(world, role):
    with pytest.raises(NotAllowed):
        services.checklist_exemption_set(
            user=world.users[role], period=world.period, code="training", kind="not_applicable", reason="x"
        )
    with pytest.raises(NotAllowed):
        services.checklist_exemption_clear(user=world.users[role], period=world.period, code="training")


def test_clearing_nothing_says_so(world):
    with pytest.raises(WorkflowError, match="no exemption to withdraw"):
        services.checklist_exemption_clear(user=world.users["business_manager"], period=world.period, code="training")


def test_a_tag_on_an_approved_but_empty_section_is_no_evidence(world, sections):
    spec = sections.a.spec
    spec.themes = ["training"]
    spec.save()
    section = put_in_state(sections.a, "approved", world.users["lead_a"])
    SectionRevision.objects.filter(pk=section.current_revision_id).update(content=empty_content())  # says nothing
    assert gap(world.period, "training")
    section.refresh_from_db()
    services.section_save(
        user=world.users["lead_a"], section=section, content=content("What training did."),
        based_on=section.current_revision.number,
    )  # fmt: skip
    section.refresh_from_db()
    services.section_submit(user=world.users["lead_a"], section=section)
    services.section_approve(user=world.users["business_manager"], section=section)
    assert not gap(world.period, "training")


def test_the_reason_is_shown_to_the_scrutineer_and_the_signatories(world, client_as):
    code = next(iter(statutory_checklist()))
    services.checklist_exemption_set(
        user=world.users["business_manager"], period=world.period, code=code, kind="not_applicable",
        reason="Shown to readers.",
    )  # fmt: skip
    url = reverse("reports:report", args=["tsp", "2019-20"])
    for role in ("scrutineer", "lead_b"):
        html = client_as(role).get(url).content.decode()
        assert "Shown to readers." in html and "Does not apply this year" in html
        assert "Withdraw the exemption" not in html
    assert "Withdraw the exemption" in client_as("business_manager").get(url).content.decode()


def test_exemption_form_posts_and_bad_input_is_a_message(world, client_as):
    client = client_as("business_manager")
    url = reverse("reports:checklist_exemption", args=["tsp", "2019-20", "training"])
    response = client.post(url, {"kind": "not_applicable", "reason": ""}, follow=True)
    assert "Say why, so the scrutineer and the signatories can judge it." in response.content.decode()
    assert not ChecklistExemption.objects.exists()
    client.post(url, {"kind": "not_applicable", "reason": "No courses ran."})
    assert ChecklistExemption.objects.get().reason == "No courses ran."
