"""Changing roles: removing, handing over a lead role, deactivating; and the refusals."""

import pytest
from django.urls import reverse

from lib.errors import InvalidInput, NotAllowed, WorkflowError
from partnership.models import AuditEntry
from people.memberships import account_deactivate, lead_hand_over, membership_remove
from people.models import Membership, Role
from tests.factories import PartnershipFactory, UserFactory, grant


def role_of(world, name, role=None):
    return Membership.objects.get(user=world.users[name], **({"role": role} if role else {}))


def test_manager_removes_a_role_and_it_is_audited(world):
    membership = role_of(world, "scrutineer")
    membership_remove(user=world.users["business_manager"], membership=membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = AuditEntry.objects.get(code="people.membership.deleted")
    assert (entry.actor, entry.target_label, entry.data["role"]) == (
        world.users["business_manager"], "scrutineer", "Independent scrutineer",
    )  # fmt: skip


def test_the_last_business_manager_cannot_be_removed(world):
    membership = role_of(world, "business_manager")
    with pytest.raises(WorkflowError, match="only business manager. Invite another business manager first"):
        membership_remove(user=world.users["business_manager"], membership=membership)
    assert Membership.objects.filter(pk=membership.pk).exists()
    second = UserFactory(username="manager-2")
    grant(second, world.partnership, Role.BUSINESS_MANAGER)
    membership_remove(user=second, membership=membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_lead_changes_only_their_own_agencys_contributors(world):
    contributor = role_of(world, "contributor")
    with pytest.raises(NotAllowed, match="Agency leads change only their own agency's contributors"):
        membership_remove(user=world.users["lead_b"], membership=contributor)
    with pytest.raises(NotAllowed):
        membership_remove(user=world.users["lead_a"], membership=role_of(world, "lead_b"))
    membership_remove(user=world.users["lead_a"], membership=contributor)
    assert not Membership.objects.filter(pk=contributor.pk).exists()


@pytest.mark.parametrize("name", ["scrutineer", "contributor", "lead_b", "outsider"])
def test_others_cannot_remove_roles(world, name):
    with pytest.raises(NotAllowed):
        membership_remove(user=world.users[name], membership=role_of(world, "contributor"))


def test_lead_hands_over_to_a_contributor_and_stays_as_contributor(world):
    lead = role_of(world, "lead_a")
    lead_hand_over(user=world.users["lead_a"], membership=lead, to_user=world.users["contributor"])
    assert set(Membership.objects.filter(agency=world.agency_a).values_list("user__username", "role")) == {
        ("contributor-a", "agency_lead"), ("contributor-a", "contributor"), ("lead-a", "contributor"),
    }  # fmt: skip
    assert AuditEntry.objects.filter(code="people.lead.handed_over").count() == 1


def test_hand_over_needs_someone_of_the_agency(world):
    with pytest.raises(InvalidInput, match="has no role in Council. Invite them as its lead instead"):
        lead_hand_over(
            user=world.users["business_manager"], membership=role_of(world, "lead_a"), to_user=world.users["lead_b"]
        )
    with pytest.raises(NotAllowed):
        lead_hand_over(
            user=world.users["lead_b"], membership=role_of(world, "lead_a"), to_user=world.users["contributor"]
        )


def test_deactivating_keeps_roles_and_history_and_stops_sign_in(world, client):
    person = world.users["contributor"]
    account_deactivate(user=world.users["business_manager"], partnership=world.partnership, person=person)
    person.refresh_from_db()
    assert person.is_active is False and Membership.objects.filter(user=person).exists()
    from tests.factories import PASSWORD

    response = client.post(reverse("account_login"), {"login": person.username, "password": PASSWORD})
    assert not response.wsgi_request.user.is_authenticated
    with pytest.raises(WorkflowError, match="already deactivated"):
        account_deactivate(user=world.users["business_manager"], partnership=world.partnership, person=person)


def test_deactivation_refusals(world):
    manager = world.users["business_manager"]
    with pytest.raises(InvalidInput, match="your own account"):
        account_deactivate(user=manager, partnership=world.partnership, person=manager)
    with pytest.raises(NotAllowed):
        account_deactivate(user=world.users["scrutineer"], partnership=world.partnership, person=world.users["lead_a"])
    grant(world.users["lead_a"], PartnershipFactory(), Role.SCRUTINEER)
    with pytest.raises(WorkflowError, match="also has roles in another partnership"):
        account_deactivate(user=manager, partnership=world.partnership, person=world.users["lead_a"])


def test_people_page_lists_roles_and_invitations_for_the_manager(world, client_as):
    from people.invitations import invitation_create

    invitation_create(
        user=world.users["business_manager"], partnership=world.partnership, email="w@example.org", role=Role.SCRUTINEER
    )
    page = client_as("business_manager").get(reverse("people:list", args=["tsp"]))
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    assert "w@example.org" in html and "Contributor, Council" in html and "Never" in html


def test_invite_page_shows_bad_input_and_sends_nothing(world, client_as):
    from django.core import mail

    response = client_as("business_manager").post(
        reverse("people:invite", args=["tsp"]), {"email": "nope", "role": "contributor", "agency": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Error:" in html
    assert "&#x27;nope&#x27; is not an email address" in html or "Choose the agency" in html
    assert not mail.outbox


def test_lead_invites_a_contributor_from_the_agency_page(world, client_as, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("lead_a").post(
            reverse("people:agency_invite", args=["tsp", "council"]),
            {"email": "c2@example.org", "role": "contributor", "agency": str(world.agency_a.pk)},
        )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["c2@example.org"]
    refused = client_as("lead_a").post(
        reverse("people:agency_invite", args=["tsp", "council"]),
        {"email": "c3@example.org", "role": "agency_lead", "agency": str(world.agency_a.pk)},
    )
    assert refused.status_code == 400 and len(mail.outbox) == 1
