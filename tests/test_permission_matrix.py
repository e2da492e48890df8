"""Every URL of the project, requested as every role, against the expected status.

The table below is the portal's access policy. The test walks the URL resolver, so a
new URL pattern that is not in the table fails the suite until someone decides who
may open it. Admin URLs are the one rule-based family: the admin is for staff only,
and no portal role is staff, so every admin URL redirects every portal role to the
admin's sign-in page.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ROLE_NAMES

ANON, LEAD_A, LEAD_B, CONTRIB, BM, SCRUT, OUT = ROLE_NAMES


def expect(anonymous, lead_a, lead_b, contributor, business_manager, scrutineer, outsider):
    return dict(
        zip(ROLE_NAMES, (anonymous, lead_a, lead_b, contributor, business_manager, scrutineer, outsider), strict=True)
    )


def everyone(status):
    return expect(*([status] * len(ROLE_NAMES)))


MEMBERS_ONLY = expect(302, 200, 200, 200, 200, 200, 404)
OVERSEERS_ONLY = expect(302, 403, 403, 403, 200, 200, 404)
SIGNED_IN = expect(302, 200, 200, 200, 200, 200, 200)
SIGNED_OUT_ONLY = expect(200, 302, 302, 302, 302, 302, 302)
NO_SECOND_FACTOR_YET = expect(302, 404, 404, 404, 404, 404, 404)  # stock users have not set up TOTP

# name -> (url kwargs, expected status by role)
TABLE = {
    "home": ({}, everyone(200)),
    "partnership:detail": ({"partnership_slug": "{partnership}"}, MEMBERS_ONLY),
    "agencies:list": ({"partnership_slug": "{partnership}"}, MEMBERS_ONLY),
    "agencies:detail": ({"partnership_slug": "{partnership}", "agency_slug": "{agency_a}"}, MEMBERS_ONLY),
    "agencies:funding": ({"partnership_slug": "{partnership}", "period_slug": "{period}"}, OVERSEERS_ONLY),
    # django-allauth: accounts
    "account_login": ({}, SIGNED_OUT_ONLY),
    "account_logout": ({}, expect(302, 200, 200, 200, 200, 200, 200)),
    "account_signup": ({}, expect(200, 302, 302, 302, 302, 302, 302)),  # shows "sign-up is closed"
    "account_reauthenticate": ({}, SIGNED_IN),
    "account_change_password": ({}, SIGNED_IN),
    "account_set_password": ({}, expect(302, 302, 302, 302, 302, 302, 302)),  # users already have one
    "account_inactive": ({}, everyone(200)),
    "account_email": ({}, SIGNED_IN),
    "account_email_verification_sent": ({}, everyone(200)),
    "account_confirm_email": ({"key": "nonsense"}, everyone(200)),  # "link expired or invalid"
    "account_reset_password": ({}, everyone(200)),
    "account_reset_password_done": ({}, everyone(200)),
    "account_reset_password_from_key": ({"uidb36": "1", "key": "nonsense"}, everyone(200)),
    "account_reset_password_from_key_done": ({}, everyone(200)),
    "account_confirm_login_code": ({}, everyone(302)),  # only after a code was requested
    # django-allauth: two-factor authentication
    "mfa_index": ({}, SIGNED_IN),
    "mfa_reauthenticate": ({}, everyone(302)),  # signed-in users without a second factor go back
    "mfa_authenticate": ({}, everyone(302)),  # only mid-login
    "mfa_activate_totp": ({}, everyone(302)),  # asks a signed-in user to re-enter their password first
    "mfa_deactivate_totp": ({}, NO_SECOND_FACTOR_YET),
    "mfa_view_recovery_codes": ({}, NO_SECOND_FACTOR_YET),
    "mfa_generate_recovery_codes": ({}, everyone(302)),  # re-enter password first, or sign in
    "mfa_download_recovery_codes": ({}, NO_SECOND_FACTOR_YET),
}

SAMPLE_ADMIN_KWARGS = {"object_id": "1", "id": "1", "app_label": "agencies", "content_type_id": "1", "url": "nothing/"}
ADMIN_EXPECTED = expect(302, 302, 302, 302, 302, 302, 302)
ADMIN_EXCEPTIONS = {
    "admin:login": expect(200, 200, 200, 200, 200, 200, 200),
    "admin:logout": everyone(302),
}


def project_url_names():
    """(name, route) for every URL pattern of the project, with namespaces."""

    def walk(patterns, namespace, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner_ns = (
                    f"{namespace}:{entry.namespace}"
                    if namespace and entry.namespace
                    else (entry.namespace or namespace)
                )
                yield from walk(entry.url_patterns, inner_ns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
                yield name, route

    return list(walk(get_resolver().url_patterns, None, ""))


def expected_for(name):
    if name in TABLE:
        return TABLE[name]
    if name in ADMIN_EXCEPTIONS:
        return {}, ADMIN_EXCEPTIONS[name]
    if name.startswith(("admin:", "admin/")):
        return None, ADMIN_EXPECTED
    return None


def fill(kwargs, world):
    values = {
        "{partnership}": world.partnership.slug,
        "{period}": world.period.slug,
        "{agency_a}": world.agency_a.slug,
    }
    return {key: values.get(value, value) if isinstance(value, str) else value for key, value in kwargs.items()}


def admin_kwargs(route):
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    return {a or b: SAMPLE_ADMIN_KWARGS[a or b] for a, b in names}


def admin_path(route):
    """The path of an unnamed admin pattern (a redirect or the catch-all), with sample values."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_ADMIN_KWARGS[m.group(1)], route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)\$?", lambda m: SAMPLE_ADMIN_KWARGS[m.group(1)], path)
    return "/" + path.lstrip("^")


def test_every_url_is_in_the_table():
    missing = sorted({name for name, _ in project_url_names() if expected_for(name) is None})
    assert missing == [], f"URL patterns with no row in the permission table: {missing}"


def test_table_has_no_stale_rows():
    names = {name for name, _ in project_url_names()}
    assert sorted(set(TABLE) - names) == []


@pytest.mark.django_db
def test_permission_matrix(world, client_as):
    failures = []
    clients = {role: client_as(role) for role in ROLE_NAMES}
    seen = set()
    for name, route in project_url_names():
        if name in seen or not re.search(r"\w", name):
            continue
        seen.add(name)
        kwargs, statuses = expected_for(name)
        if kwargs is None and name.startswith("admin/"):
            url = admin_path(route)
        else:
            url = reverse(name, kwargs=fill(kwargs if kwargs is not None else admin_kwargs(route), world))
        for role in ROLE_NAMES:
            status = clients[role].get(url).status_code
            if status != statuses[role]:
                failures.append(f"{name} {url} as {role}: expected {statuses[role]}, got {status}")
    if failures:
        pytest.fail("\n".join(failures))
