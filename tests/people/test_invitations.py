"""Invitations: who may invite whom, bad input, the email, the single-use expiring link, accepting."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lib.errors import InvalidInput, NotAllowed, WorkflowError
from partnership.models import AuditEntry
from people.invitations import (
    InvitationInvalid,
    NewAccount,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_resend,
    invitation_revoke,
    invitation_token,
)
from people.models import Invitation, Membership, Role
from tests.factories import AgencyFactory, PartnershipFactory, UserFactory

GOOD = NewAccount("Priya", "Shah", "a-long-unusual-passphrase-42")


def link_in(message) -> str:
    return re.search(r"http://\S+/invitations/\S+/", message.body).group(0)


def token_of(message) -> str:
    return link_in(message).rstrip("/").rsplit("/", 1)[1]


def test_manager_invites_a_lead_and_the_email_names_portal_partnership_inviter_and_task(
    world, django_capture_on_commit_callbacks
):
    manager = world.users["business_manager"]
    manager.first_name, manager.last_name = "Morgan", "Price"
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            user=manager, partnership=world.partnership, email=" New.Lead@Example.org ", role=Role.AGENCY_LEAD,
            agency=world.agency_a,
        )  # fmt: skip
    assert invitation.email == "new.lead@example.org"
    (message,) = mail.outbox
    assert message.to == ["new.lead@example.org"]
    assert message.subject == "Morgan Price invited you to Test Partnership on the Safeguarding partnership portal"
    assert "as agency lead for Council" in message.body
    assert "write Council's sections of the yearly report" in message.body
    assert "expires on" in message.body
    entry = AuditEntry.objects.get(code="people.invitation.created")
    assert (entry.actor, entry.partnership, entry.data["email"]) == (manager, world.partnership, "new.lead@example.org")


@pytest.mark.parametrize(
    ("role", "agency", "email", "message"),
    [
        (Role.AGENCY_LEAD, None, "a@example.org", "Choose the agency this person will work for."),
        (Role.SCRUTINEER, "agency_a", "a@example.org", "works for the partnership, not an agency"),
        (Role.CONTRIBUTOR, "other", "a@example.org", "Choose one of this partnership's agencies."),
        (Role.CONTRIBUTOR, "agency_a", "not-an-email", "'not-an-email' is not an email address"),
        ("king", None, "a@example.org", "Choose a role"),
    ],
)
def test_bad_invitations_are_refused_with_a_message_and_change_nothing(world, role, agency, email, message):
    agencies = {"agency_a": world.agency_a, "other": AgencyFactory(partnership=PartnershipFactory()), None: None}
    with pytest.raises(InvalidInput, match=re.escape(message)):
        invitation_create(
            user=world.users["business_manager"], partnership=world.partnership, email=email, role=role,
            agency=agencies[agency],
        )  # fmt: skip
    assert not Invitation.objects.exists() and not mail.outbox
    assert not AuditEntry.objects.filter(code="people.invitation.created").exists()


def test_a_second_open_invitation_to_the_same_role_is_refused(world):
    args = {"partnership": world.partnership, "email": "x@example.org", "role": Role.SCRUTINEER}
    invitation_create(user=world.users["business_manager"], **args)
    with pytest.raises(InvalidInput, match="already has an invitation to this role waiting. Resend it"):
        invitation_create(user=world.users["business_manager"], **args | {"email": "X@example.org"})
    assert Invitation.objects.count() == 1


def test_someone_who_already_holds_the_role_is_not_invited(world):
    with pytest.raises(InvalidInput, match="already holds this role"):
        invitation_create(
            user=world.users["business_manager"], partnership=world.partnership,
            email=world.users["scrutineer"].email, role=Role.SCRUTINEER,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("role_name", "role", "agency", "allowed"),
    [
        ("business_manager", Role.BUSINESS_MANAGER, None, True),
        ("lead_a", Role.CONTRIBUTOR, "agency_a", True),
        ("lead_a", Role.CONTRIBUTOR, "agency_b", False),
        ("lead_a", Role.AGENCY_LEAD, "agency_a", False),
        ("lead_a", Role.SCRUTINEER, None, False),
        ("contributor", Role.CONTRIBUTOR, "agency_a", False),
        ("scrutineer", Role.CONTRIBUTOR, "agency_a", False),
        ("outsider", Role.CONTRIBUTOR, "agency_a", False),
    ],
)
def test_who_may_invite_whom(world, role_name, role, agency, allowed):
    kwargs = {
        "user": world.users[role_name], "partnership": world.partnership, "email": "n@example.org", "role": role,
        "agency": getattr(world, agency) if agency else None,
    }  # fmt: skip
    if allowed:
        invitation_create(**kwargs)
        assert Invitation.objects.count() == 1
    else:
        with pytest.raises(NotAllowed):
            invitation_create(**kwargs)
        assert not Invitation.objects.exists()


def test_accepting_makes_the_account_gives_the_role_and_uses_up_the_link(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            user=world.users["lead_a"], partnership=world.partnership, email="new@example.org",
            role=Role.CONTRIBUTOR, agency=world.agency_a,
        )  # fmt: skip
    token = token_of(mail.outbox[0])
    user = invitation_accept(token=token, new_account=GOOD)
    assert (user.email, user.first_name, user.last_name, user.check_password(GOOD.password)) == (
        "new@example.org", "Priya", "Shah", True,
    )  # fmt: skip
    assert Membership.objects.filter(user=user, agency=world.agency_a, role=Role.CONTRIBUTOR).count() == 1
    with pytest.raises(InvitationInvalid, match="already been used"):
        invitation_from_token(token)
    assert AuditEntry.objects.filter(code="people.invitation.accepted", actor=user).count() == 1


def test_an_existing_account_gets_the_role_added_but_only_when_signed_in_as_it(world):
    other = PartnershipFactory(name="Elsewhere")
    person = UserFactory(username="dual", email="dual@example.org")
    invitation = invitation_create(
        user=world.users["business_manager"], partnership=world.partnership, email="DUAL@example.org",
        role=Role.SCRUTINEER,
    )  # fmt: skip
    Membership.objects.create(user=person, partnership=other, role=Role.SCRUTINEER)
    token = invitation_token(invitation)
    with pytest.raises(NotAllowed, match="Sign in with it"):
        invitation_accept(token=token, user=None, new_account=GOOD)
    with pytest.raises(NotAllowed):
        invitation_accept(token=token, user=world.users["lead_a"])
    assert invitation_accept(token=token, user=person) == person
    assert set(Membership.objects.filter(user=person).values_list("partnership__name", flat=True)) == {
        "Elsewhere", "Test Partnership",
    }  # fmt: skip
    assert get_user_model().objects.filter(email__iexact="dual@example.org").count() == 1


def test_a_weak_password_is_refused_and_nothing_is_made(world):
    invitation = invitation_create(
        user=world.users["business_manager"], partnership=world.partnership, email="w@example.org",
        role=Role.SCRUTINEER,
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="too short"):
        invitation_accept(token=invitation_token(invitation), new_account=NewAccount("A", "B", "short"))
    assert not get_user_model().objects.filter(email="w@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_resending_makes_the_old_link_stop_working_and_renews_the_expiry(world, django_capture_on_commit_callbacks):
    manager = world.users["business_manager"]
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            user=manager, partnership=world.partnership, email="r@example.org", role=Role.SCRUTINEER
        )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    old = token_of(mail.outbox[0])
    with pytest.raises(InvitationInvalid, match="expired"):
        invitation_from_token(old)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(user=manager, invitation=invitation)
    new = token_of(mail.outbox[1])
    assert new != old
    with pytest.raises(InvitationInvalid, match="newer invitation"):
        invitation_from_token(old)
    assert invitation_from_token(new).pk == invitation.pk
    assert Invitation.objects.get().expires_at > timezone.now() + datetime.timedelta(days=6)


def test_a_withdrawn_invitation_cannot_be_accepted_or_withdrawn_again(world):
    manager = world.users["business_manager"]
    invitation = invitation_create(
        user=manager, partnership=world.partnership, email="q@example.org", role=Role.SCRUTINEER
    )
    invitation_revoke(user=manager, invitation=invitation)
    with pytest.raises(InvitationInvalid, match="withdrawn"):
        invitation_accept(token=invitation_token(invitation), new_account=GOOD)
    with pytest.raises(WorkflowError, match="withdrawn"):
        invitation_revoke(user=manager, invitation=invitation)
    with pytest.raises(NotAllowed):
        invitation_resend(user=world.users["scrutineer"], invitation=invitation)


def test_a_tampered_link_is_refused(world):
    invitation = invitation_create(
        user=world.users["business_manager"], partnership=world.partnership, email="t@example.org", role=Role.SCRUTINEER
    )
    token = invitation_token(invitation)
    with pytest.raises(InvitationInvalid, match="not valid"):
        invitation_from_token(token[:-2] + ("aa" if not token.endswith("aa") else "bb"))
    with pytest.raises(InvitationInvalid, match="not valid"):
        invitation_from_token(f"{invitation.pk + 1}.{invitation.nonce}")


def test_accept_page_makes_the_account_signs_in_and_asks_for_two_factor(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            user=world.users["business_manager"], partnership=world.partnership, email="page@example.org",
            role=Role.SCRUTINEER,
        )  # fmt: skip
    url = link_in(mail.outbox[0]).replace("http://127.0.0.1:8000", "")
    page = client.get(url)
    assert page.status_code == 200 and "Join Test Partnership" in page.content.decode()
    mismatch = client.post(url, {"first_name": "P", "last_name": "Q", "password1": GOOD.password, "password2": "x"})
    assert mismatch.status_code == 400
    assert "The two passwords are different" in mismatch.content.decode()
    assert not get_user_model().objects.filter(email="page@example.org").exists()
    done = client.post(
        url, {"first_name": "P", "last_name": "Q", "password1": GOOD.password, "password2": GOOD.password}
    )
    assert done.status_code == 302 and done["Location"] == reverse("people:mfa_prompt", args=["tsp"])
    assert client.get(done["Location"]).status_code == 200
    # A scrutineer must set up two-factor sign-in before anything else (people/middleware.py).
    refused = client.get(reverse("partnership:detail", args=["tsp"]))
    assert refused.status_code == 302 and refused["Location"] == reverse("mfa_activate_totp")
    # Choosing the password just now counts as a recent sign-in: set-up does not ask for it again.
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert Client().get(url).status_code == 410


def test_partnership_create_command_makes_the_partnership_and_prints_the_link(
    db, capsys, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "partnership_create", "--name", "Riverside Safeguarding Children Partnership", "--short-name", "RSCP",
            "--slug", "riverside", "--area", "Riverside", "--manager-email", "bm@riverside.example",
        )  # fmt: skip
    out = capsys.readouterr().out
    (message,) = mail.outbox
    assert link_in(message) in out
    assert "Riverside Safeguarding Children Partnership" in message.subject
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.partnership.slug, invitation.invited_by) == (
        "business_manager",
        "riverside",
        None,
    )
    assert AuditEntry.objects.filter(code="partnership.partnership.created", partnership__slug="riverside").count() == 1


def test_partnership_create_refuses_a_taken_address_and_makes_nothing(world):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="already uses the address 'tsp'"):
        call_command(
            "partnership_create", "--name", "New", "--short-name", "N", "--slug", "tsp", "--manager-email", "a@b.org"
        )
    with pytest.raises(CommandError, match="is not an email address"):
        call_command(
            "partnership_create", "--name", "New", "--short-name", "N", "--slug", "new", "--manager-email", "nope"
        )
    from partnership.models import Partnership

    assert list(Partnership.objects.values_list("slug", flat=True)) == ["tsp"]
