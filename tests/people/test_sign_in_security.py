"""Sign-in rules: the admin through allauth, required two-factor sign-in, re-authentication, the
client's address behind proxies, the limits on failed sign-ins, session lifetime, the cache down."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from lib.http import client_ip
from partnership.models import AuditEntry, Partnership
from partnership.services import partnership_settings_change
from people import middleware as session_rules
from people.adapters import MFAAdapter
from people.models import Membership
from tests.factories import (
    PASSWORD,
    Role,
    UserFactory,
    grant,
    sign_in_freshly,
    sign_in_with_code,
    staff_user,
    totp_code,
    totp_enrol,
    totp_secret_of,
)

pytestmark = pytest.mark.django_db
PROJECT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "a-quite-different-passphrase"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def login(client, name, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": name, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# F1: the admin signs in through allauth ------------------------------------------------------


def test_the_admin_login_form_never_signs_anyone_in_and_sends_them_to_allauths(world):
    staff_user("operator")
    client = Client()
    response = client.post(reverse("admin:login"), {"username": "operator", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert not signed_in(client)


def test_a_superuser_with_totp_reaches_the_admin_only_after_giving_the_code(world):
    operator = staff_user("operator")
    client = Client()
    client.post(reverse("admin:login"), {"username": "operator", "password": PASSWORD})
    assert client.get(reverse("admin:index")).status_code == 302  # the admin's own form: no way in
    response = login(client, "operator")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.get(reverse("admin:index")).status_code == 302  # password alone: no admin
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and not signed_in(client)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(totp_secret_of(operator))})
    assert signed_in(client)
    assert client.get(reverse("admin:index")).status_code == 200


def test_wrong_admin_passwords_are_throttled_and_the_refusal_is_audited(world):
    staff_user("operator")
    client = Client()
    for _ in range(20):  # the admin's own form checks no password at all now, so counts nothing
        client.post(reverse("admin:login"), {"username": "operator", "password": "wrong-password"})
    assert not signed_in(client)
    for _ in range(5):
        assert "not correct" in login(client, "operator", "wrong-password").content.decode()
    refused = login(client, "operator")  # even the right password, now
    assert "Too many failed login attempts" in refused.content.decode()
    assert not signed_in(client)
    [entry] = AuditEntry.objects.filter(code="people.signin.throttled")
    assert entry.data == {"login": "operator"} and entry.ip == "127.0.0.1"


# F2: two-factor sign-in required ----------------------------------------------------------------


def _without_authenticator(world, role):
    if role == "staff":
        return staff_user("operator", superuser=False, enrolled=False)
    user = UserFactory(username=f"new-{role}")
    agency = world.agency_a if role in (Role.AGENCY_LEAD, Role.CONTRIBUTOR) else None
    grant(user, world.partnership, role, agency)
    return user


@pytest.mark.parametrize("role", [Role.BUSINESS_MANAGER, Role.SCRUTINEER, "staff"])
def test_a_privileged_user_without_an_authenticator_may_only_set_one_up(world, role):
    client = Client()
    sign_in_freshly(client, _without_authenticator(world, role))
    for url in ("/", reverse("partnership:detail", args=["tsp"]), reverse("admin:index")):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp")), url
    posted = client.post(reverse("people:invite", args=["tsp"]), {"email": "x@example.org", "role": "scrutineer"})
    assert posted.status_code == 302 and posted["Location"] == reverse("mfa_activate_totp")
    assert not Membership.objects.filter(user__email="x@example.org").exists()
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)  # the page, or re-enter password
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200


def test_setting_up_totp_lets_the_business_manager_in(world):
    user = _without_authenticator(world, Role.BUSINESS_MANAGER)
    client = Client()
    sign_in_freshly(client, user)
    assert client.get("/").status_code == 302
    totp_enrol(user)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("role", [Role.AGENCY_LEAD, Role.CONTRIBUTOR])
def test_agency_roles_need_no_second_factor_by_default(world, role):
    client = Client()
    sign_in_freshly(client, _without_authenticator(world, role))
    assert client.get("/").status_code == 200


def test_the_required_roles_come_from_the_setting(world, settings):
    settings.PORTAL_MFA_REQUIRED_ROLES = ["business_manager", "agency_lead"]
    lead, scrutineer = _without_authenticator(world, Role.AGENCY_LEAD), _without_authenticator(world, Role.SCRUTINEER)
    lead_client, scrutineer_client = Client(), Client()
    sign_in_freshly(lead_client, lead)
    sign_in_freshly(scrutineer_client, scrutineer)
    assert lead_client.get("/").status_code == 302
    assert scrutineer_client.get("/").status_code == 200


def test_a_partnership_may_require_two_factor_sign_in_of_every_role(world, client_as):
    manager = client_as("business_manager")
    form = manager.get(reverse("partnership:settings", args=["tsp"]))
    assert "Require two-factor sign-in for every role" in form.content.decode()
    data = {"name": "Test Partnership", "short_name": "TSP", "area": "Testshire", "require_mfa_for_all": "on"}
    assert manager.post(reverse("partnership:settings", args=["tsp"]), data).status_code == 302
    assert Partnership.objects.get(slug="tsp").require_mfa_for_all is True
    [entry] = AuditEntry.objects.filter(code="partnership.partnership.changed")
    assert entry.data["changes"]["require_mfa_for_all"] == [False, True]
    assert client_as("contributor").get("/").status_code == 302
    assert client_as("lead_a").get("/").status_code == 302


def test_only_the_business_manager_changes_the_two_factor_rule(world):
    from lib.errors import NotAllowed

    with pytest.raises(NotAllowed):
        partnership_settings_change(
            user=world.users["lead_a"], partnership=world.partnership, name="Test Partnership", short_name="TSP",
            area="Testshire", about="", require_mfa_for_all=True,
        )  # fmt: skip
    assert Partnership.objects.get(slug="tsp").require_mfa_for_all is False


def test_signing_in_with_an_authenticator_asks_for_the_code(world):
    client = Client()
    response = login(client, "manager")
    assert response["Location"] == reverse("mfa_authenticate") and not signed_in(client)
    assert sign_in_with_code(Client(), "manager", PASSWORD)["Location"] == "/"


def test_someone_who_must_have_a_second_factor_cannot_remove_their_last(world):
    manager_totp = Authenticator.objects.get(user=world.users["business_manager"], type="totp")
    assert MFAAdapter().can_delete_authenticator(manager_totp) is False
    totp_enrol(world.users["lead_a"])  # an agency lead may turn it off again
    assert MFAAdapter().can_delete_authenticator(Authenticator.objects.get(user=world.users["lead_a"])) is True


def test_the_demo_waiver_lets_them_in_and_says_so_on_every_page(world, settings):
    user = _without_authenticator(world, Role.BUSINESS_MANAGER)
    client = Client()
    sign_in_freshly(client, user)
    settings.PORTAL_MFA_WAIVED, settings.DEBUG = True, True
    page = client.get("/")
    assert page.status_code == 200 and "two-factor sign-in is waived" in page.content.decode()
    assert "two-factor sign-in is waived" in Client().get(reverse("account_login")).content.decode()
    settings.DEBUG = False  # the waiver never holds without DEBUG
    assert client.get("/").status_code == 302
    assert "two-factor sign-in is waived" not in Client().get(reverse("account_login")).content.decode()


def _manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DJANGO_", "DATABASE_URL"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=300
    )


PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "portal.example.org"}


def test_the_waiver_refuses_to_start_with_debug_off():
    refused = _manage("check", PORTAL_MFA_WAIVED="1", **PRODUCTION)
    assert refused.returncode != 0
    assert "PORTAL_MFA_WAIVED is for the embedded demo only" in refused.stderr
    assert _manage("check", PORTAL_MFA_REQUIRED_ROLES="business_manager,nobody").returncode != 0


# Re-authentication before publishing, role changes and exports -----------------------------------


def stale(client, user):
    """A session signed in an hour ago."""
    sign_in_freshly(client, user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": time.time() - 3600}]
    session.save()
    return client


def _sensitive(world):
    p = "tsp"
    lead = Membership.objects.get(user=world.users["lead_a"], role=Role.AGENCY_LEAD)
    contributor = Membership.objects.get(user=world.users["contributor"])
    period = world.period.slug
    return [
        ("post", reverse("reports:report_publish", args=[p, period])),
        ("post", reverse("people:membership_remove", args=[p, contributor.pk])),
        ("get", reverse("people:lead_hand_over", args=[p, lead.pk])),
        ("post", reverse("people:account_deactivate", args=[p, world.users["contributor"].pk])),
        ("get", reverse("people:invite", args=[p])),
        ("get", reverse("people:agency_invite", args=[p, world.agency_a.slug])),
        ("get", reverse("training:export", args=[p, period])),
        ("get", reverse("partnership:audit_export", args=[p])),
    ]


def test_a_stale_session_is_asked_to_confirm_before_each_sensitive_action(world):
    client = stale(Client(), world.users["business_manager"])
    for method, url in _sensitive(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert re.match(r"/accounts/(2fa/)?reauthenticate/\?next=", response["Location"]), (url, response["Location"])
    assert Membership.objects.filter(user=world.users["contributor"]).exists()
    assert world.users["contributor"].__class__.objects.get(pk=world.users["contributor"].pk).is_active


def test_a_fresh_session_goes_straight_through(world, client_as):
    client = client_as("business_manager")
    for method, url in _sensitive(world):
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200, url


def test_after_confirming_the_password_the_kept_request_is_carried_out(world):
    client = stale(Client(), world.users["business_manager"])
    contributor = Membership.objects.get(user=world.users["contributor"])
    url = reverse("people:membership_remove", args=["tsp", contributor.pk])
    asked = client.post(url)
    assert asked.status_code == 302 and "reauthenticate" in asked["Location"]
    assert Membership.objects.filter(pk=contributor.pk).exists()
    done = client.post(reverse("account_reauthenticate") + f"?next={url}", {"password": PASSWORD})
    assert done.status_code == 302
    assert not Membership.objects.filter(pk=contributor.pk).exists()


# F6: the client's address and the limits on failed sign-ins -------------------------------------


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy trusted: the header is the client's to forge
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the forged left part is ignored
        (2, "198.51.100.7, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # shorter than the proxies: did not come through them
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(settings, count, forwarded, expected):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_the_audit_trail_and_the_limits_use_the_forwarded_address(world, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.1")
    login(client, "lead-a", "wrong-password", HTTP_X_FORWARDED_FOR="203.0.113.9")
    [entry] = AuditEntry.objects.filter(code="people.signin.failed")
    assert entry.ip == "203.0.113.9"


def test_many_failures_from_one_address_do_not_lock_out_everyone_behind_it(world):
    """Everyone behind one proxy or NAT shares an address: twenty people mistyping their passwords
    within a minute must not keep a colleague out."""
    client = Client()
    for n in range(20):
        UserFactory(username=f"colleague-{n}")
        login(client, f"colleague-{n}", "wrong-password")
    response = login(Client(), "lead-a")
    assert response.status_code == 302 and response["Location"] == "/"


def test_failures_count_per_account_whether_named_by_username_or_email(world):
    client = Client()
    for name in ("lead-a", "lead-a@example.org", "LEAD-A", "lead-a@example.org", "lead-a"):
        login(client, name, "wrong-password")
    assert "Too many failed login attempts" in login(client, "lead-a@example.org").content.decode()


def test_a_password_reset_clears_the_lock_on_the_account(world):
    attacker = Client()
    for _ in range(6):
        login(attacker, "lead-a", "wrong-password")
    assert "Too many failed login attempts" in login(Client(), "lead-a").content.decode()
    owner = Client()
    owner.post(reverse("account_reset_password"), {"email": "lead-a@example.org"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form = owner.get(link, follow=True)
    owner.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    response = login(owner, "lead-a", NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


# F7: session lifetime ---------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        at = time.time()

        def move(self, **delta):
            self.at += delta.get("minutes", 0) * 60 + delta.get("hours", 0) * 3600

    clock = Clock()
    monkeypatch.setattr(session_rules, "now", lambda: clock.at)
    return clock


def test_a_session_idle_for_longer_than_the_setting_is_signed_out(world, client_as, clock):
    client = client_as("lead_a")
    assert client.get("/").status_code == 200
    clock.move(minutes=29)
    assert client.get("/").status_code == 200
    clock.move(minutes=29)  # 29 minutes since the last request: still within 30
    assert client.get("/").status_code == 200
    clock.move(minutes=31)
    response = client.get(reverse("partnership:detail", args=["tsp"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login") + "?next=")
    assert not signed_in(client)


def test_the_idle_limit_comes_from_the_setting(world, client_as, clock, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 5
    client = client_as("lead_a")
    client.get("/")
    clock.move(minutes=6)
    assert client.get("/").status_code == 302 and not signed_in(client)


def test_a_busy_session_still_ends_after_the_maximum_lifetime(world, client_as, clock):
    client = client_as("lead_a")
    for _ in range(12 * 3):  # a request every 20 minutes for 12 hours
        assert client.get("/").status_code == 200
        clock.move(minutes=20)
    clock.move(minutes=1)
    assert client.get("/").status_code == 302 and not signed_in(client)


def test_keep_me_signed_in_lasts_no_longer_than_the_maximum_lifetime(world):
    client = Client()
    response = client.post(reverse("account_login"), {"login": "lead-a", "password": PASSWORD, "remember": "on"})
    assert response.status_code == 302
    assert 0 < client.session.get_expiry_age() <= 12 * 3600


# F11: the cache down ----------------------------------------------------------------------------

CACHE_DOWN = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6391/0"}
}


def test_with_the_cache_down_sign_in_fails_closed_with_a_clear_page_not_a_500(world):
    with override_settings(CACHES=CACHE_DOWN):
        client = Client(raise_request_exception=False)
        assert client.get(reverse("account_login")).status_code == 200
        response = login(client, "lead-a")
        assert response.status_code == 503
        assert "Signing in is paused" in response.content.decode()
        assert not signed_in(client)
    assert login(Client(), "lead-a").status_code == 302  # and works again once the cache is back
