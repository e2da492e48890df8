"""Account events reach the audit trail through allauth's own pages, each with the request's address."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse

from partnership.audit import audit_describe
from partnership.models import AuditEntry
from tests.factories import PASSWORD, PartnershipFactory, Role, UserFactory, grant, sign_in_with_code

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-quite-different-passphrase"


def entries(code: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(code=code).order_by("pk"))


def signed_in(login: str = "manager") -> Client:
    """A client signed in through allauth's form, so allauth knows the sign-in is recent."""
    client = Client()
    response = sign_in_with_code(client, login, PASSWORD)  # the manager's account asks for a code too
    assert response.status_code == 302 and response["Location"] == "/"
    return client


def test_a_good_sign_in_is_recorded_with_who_and_where(world):
    signed_in("manager")
    [entry] = entries("people.signin.succeeded")
    manager = world.users["business_manager"]
    assert (entry.actor, entry.partnership, entry.target_id, entry.ip) == (
        manager,
        world.partnership,
        manager.pk,
        "127.0.0.1",
    )
    assert (entry.actor_label, audit_describe(entry)) == ("manager", "signed in")


def test_a_sign_in_is_recorded_in_every_partnership_of_the_user(world):
    other = PartnershipFactory(slug="other")
    grant(world.users["lead_a"], other, Role.SCRUTINEER)
    signed_in("lead-a")
    assert sorted(e.partnership_id for e in entries("people.signin.succeeded")) == sorted(
        [world.partnership.pk, other.pk]
    )


def test_a_failed_sign_in_names_the_login_and_goes_to_the_accounts_partnerships(world):
    response = Client().post(reverse("account_login"), {"login": "lead-a", "password": "wrong-password"})
    assert response.status_code == 200
    [entry] = entries("people.signin.failed")
    assert (entry.actor, entry.partnership, entry.target_id, entry.ip) == (
        None,
        world.partnership,
        world.users["lead_a"].pk,
        "127.0.0.1",
    )
    assert (entry.data, audit_describe(entry)) == ({"login": "lead-a"}, "failed to sign in as lead-a")
    assert entries("people.signin.succeeded") == []


def test_a_failed_sign_in_by_email_finds_the_account(world):
    Client().post(reverse("account_login"), {"login": "LEAD-A@example.org", "password": "wrong-password"})
    [entry] = entries("people.signin.failed")
    assert (entry.partnership, entry.target_id, entry.data) == (
        world.partnership,
        world.users["lead_a"].pk,
        {"login": "LEAD-A@example.org"},
    )


def test_a_login_that_is_one_accounts_username_names_that_account_not_anothers_email(world):
    other = PartnershipFactory(slug="other")
    namesake = UserFactory(username="lead-a@example.org", email="someone@example.org")
    grant(namesake, other, Role.SCRUTINEER)
    Client().post(reverse("account_login"), {"login": "lead-a@example.org", "password": "wrong-password"})
    [entry] = entries("people.signin.failed")
    assert (entry.partnership, entry.target_id) == (other, namesake.pk)


def test_a_failed_sign_in_for_an_unknown_login_goes_to_the_portal_wide_chain(world):
    Client().post(reverse("account_login"), {"login": "nobody-here", "password": "wrong-password"})
    [entry] = entries("people.signin.failed")
    assert (entry.partnership, entry.target_id, entry.target_label, entry.data, entry.ip) == (
        None,
        None,
        "",
        {"login": "nobody-here"},
        "127.0.0.1",
    )


def test_a_failed_sign_in_of_an_account_with_no_role_goes_to_the_portal_wide_chain(world):
    Client().post(reverse("account_login"), {"login": "outsider", "password": "wrong-password"})
    [entry] = entries("people.signin.failed")
    assert (entry.partnership, entry.target_id) == (None, world.users["outsider"].pk)


def test_signing_out_is_recorded(world):
    client = signed_in("manager")
    client.post(reverse("account_logout"))
    [entry] = entries("people.signout")
    assert (entry.actor, entry.partnership, entry.ip) == (
        world.users["business_manager"],
        world.partnership,
        "127.0.0.1",
    )
    assert audit_describe(entry) == "signed out"


def test_a_password_reset_from_the_emailed_link_is_recorded(world):
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "manager@example.org"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    set_password = form.redirect_chain[-1][0]
    response = client.post(set_password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    [entry] = entries("people.password.reset")
    assert (entry.actor, entry.partnership, entry.ip) == (
        world.users["business_manager"],
        world.partnership,
        "127.0.0.1",
    )
    assert audit_describe(entry) == "reset their password from an emailed link"


def test_a_password_change_is_recorded(world):
    client = signed_in("manager")
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    [entry] = entries("people.password.changed")
    assert (entry.actor, entry.partnership, entry.ip) == (
        world.users["business_manager"],
        world.partnership,
        "127.0.0.1",
    )


def _current_code(secret: str) -> str:
    import time

    from allauth.mfa import app_settings

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


# allauth announces a new authenticator once its transaction commits, inside the request;
# a transactional test lets that commit happen where it would in production.
@pytest.mark.django_db(transaction=True)
def test_turning_two_factor_sign_in_on_and_off_is_recorded(world):
    # An agency lead: their role does not require a second factor, so they may also remove it.
    client = signed_in("lead-a")
    # Two-factor settings ask for the password again, as they would in a browser.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    code = _current_code(client.session[SECRET_SESSION_KEY])
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=world.users["lead_a"]).count() == 2  # TOTP, recovery codes

    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    added, removed = entries("people.mfa.added"), entries("people.mfa.removed")
    assert sorted(e.data["kind"] for e in added) == ["Recovery codes", "TOTP Authenticator"]
    assert sorted(e.data["kind"] for e in removed) == ["Recovery codes", "TOTP Authenticator"]
    assert {(e.actor_id, e.partnership_id, e.ip) for e in added + removed} == {
        (world.users["lead_a"].pk, world.partnership.pk, "127.0.0.1")
    }
    assert "turned on two-factor sign-in (TOTP Authenticator)" in [audit_describe(e) for e in added]
