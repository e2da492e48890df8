"""A business manager neither approves their own writing without a reason nor is mailed about their own actions."""

import pytest
from django.core import mail

from lib.errors import WorkflowError
from partnership.models import AuditEntry
from people.models import Role
from reports import services
from reports.models import Section
from tests.factories import UserFactory, grant
from tests.reports.conftest import content


def write_intro(world, sections, writer="business_manager"):
    section = sections.intro
    services.section_save(user=world.users[writer], section=section, content=content("Our year."), based_on=None)
    section = Section.objects.select_related("spec__period").get(pk=section.pk)
    services.section_submit(user=world.users[writer], section=section)
    return Section.objects.select_related("spec__period").get(pk=section.pk)


def test_own_writing_needs_a_reason_which_is_audited(world, sections):
    section = write_intro(world, sections)
    with pytest.raises(WorkflowError, match="another business manager should approve it"):
        services.section_approve(user=world.users["business_manager"], section=section)
    assert Section.objects.get(pk=section.pk).state == "submitted"
    services.section_approve(
        user=world.users["business_manager"], section=section, self_approval_reason="We have one manager."
    )
    entry = AuditEntry.objects.get(code="reports.section.approved")
    assert (entry.data["reason"], entry.data["self_approved"]) == ("We have one manager.", True)


def test_another_manager_approves_without_a_reason(world, sections):
    section = write_intro(world, sections)
    second = UserFactory(username="manager-2")
    grant(second, world.partnership, Role.BUSINESS_MANAGER)
    services.section_approve(user=second, section=section)
    entry = AuditEntry.objects.get(code="reports.section.approved")
    assert "self_approved" not in entry.data and "reason" not in entry.data


def test_a_manager_is_not_mailed_about_their_own_submission(world, sections, django_capture_on_commit_callbacks):
    second = UserFactory(username="manager-2", email="m2@example.org")
    grant(second, world.partnership, Role.BUSINESS_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        write_intro(world, sections)
    (message,) = mail.outbox
    assert message.to == ["m2@example.org"]


def test_the_section_page_asks_for_the_reason_only_on_own_writing(world, sections, client_as):
    from django.urls import reverse

    write_intro(world, sections)
    url = reverse("reports:section", args=["tsp", "2019-20", "introduction"])
    html = client_as("business_manager").get(url).content.decode()
    assert "Why you approve your own writing" in html
    response = client_as("business_manager").post(
        reverse("reports:section_approve", args=["tsp", "2019-20", "introduction"]), {"revision": "1"}, follow=True
    )
    assert "another business manager should approve it" in response.content.decode()
    assert Section.objects.get(pk=sections.intro.pk).state == "submitted"
