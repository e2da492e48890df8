"""lib.roles: a user's roles are read in one query per request, and an inactive account has none."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from lib import roles as roles_module
from lib.roles import NO_ROLES, PortalRoles, forget_roles, roles_for
from partnership.permissions import user_can_oversee_partnership, user_can_view_partnership
from reports.permissions import user_can_edit_section, user_can_view_section
from tests.factories import Role, UserFactory, grant
from tests.lib.two_partnerships import cast_build


@pytest.fixture
def cast(world):
    return cast_build(world)


@pytest.fixture
def provider_calls(monkeypatch):
    """The users (by username) the registered provider was asked about, in order."""
    calls = []
    real = roles_module._provider

    def counting(user):
        calls.append(user.username)
        return real(user)

    monkeypatch.setattr(roles_module, "_provider", counting)
    return calls


def test_roles_hold_every_role_in_both_partnerships(cast):
    users = cast.fresh_users()
    tsp, nsp = cast.world.partnership.pk, cast.other.pk
    council, schools = cast.agencies["council"].pk, cast.agencies["schools"].pk
    assert roles_for(users["lead_c"]) == PortalRoles(
        partnerships=frozenset({tsp}),
        led_agencies=frozenset({schools}),
        contributor_agencies=frozenset({council}),
        agency_partnership={schools: tsp, council: tsp},
    )
    assert roles_for(users["dual"]) == PortalRoles(
        partnerships=frozenset({tsp, nsp}),
        managed=frozenset({nsp}),
        contributor_agencies=frozenset({council}),
        agency_partnership={council: tsp},
    )


def test_leads_in_gives_only_that_partnerships_agencies(cast):
    lead_b = cast.fresh_users()["lead_b"]
    assert roles_for(lead_b).leads_in(cast.world.partnership.pk) == {cast.agencies["police"].pk}
    assert roles_for(lead_b).leads_in(cast.other.pk) == {cast.agencies["other_police"].pk}


def test_roles_are_read_in_one_query_then_cached_on_the_user(cast, django_assert_num_queries):
    users = cast.fresh_users()
    contributor, section = users["contributor"], cast.sections["council"]
    with django_assert_num_queries(1, info="reading the roles"):
        first = roles_for(contributor)
        assert roles_for(contributor) is first
        assert user_can_view_partnership(contributor, cast.world.partnership)
        assert not user_can_oversee_partnership(contributor, cast.world.partnership)
        assert user_can_view_section(contributor, section)


def test_another_copy_of_the_user_reads_its_own_roles(cast, provider_calls):
    users, again = cast.fresh_users(), cast.fresh_users()
    roles_for(users["lead_a"])
    roles_for(users["lead_a"])
    roles_for(again["lead_a"])
    assert provider_calls == ["lead-a", "lead-a"]


@pytest.mark.parametrize(
    ("who", "page", "kwargs"),
    [
        ("business_manager", "reports:dashboard", {}),
        ("contributor", "reports:section", {"section_slug": "council-working"}),
        ("lead_a", "reports:section_edit", {"section_slug": "council-working"}),
        ("scrutineer", "reports:report", {}),
    ],
)
def test_a_request_reads_the_roles_once(cast, client_as, provider_calls, who, page, kwargs):
    url = reverse(page, kwargs={"partnership_slug": "tsp", "period_slug": "2019-20"} | kwargs)
    response = client_as(who).get(url)
    assert response.status_code == 200
    assert provider_calls == [cast.world.users[who].username]


def test_an_inactive_user_has_no_roles_and_costs_no_query(cast, django_assert_num_queries):
    former = cast.fresh_users()["former"]
    with django_assert_num_queries(0):
        assert roles_for(former) is NO_ROLES
        assert not user_can_view_partnership(former, cast.world.partnership)
        assert not user_can_edit_section(former, cast.sections["council"])


def test_roles_read_before_deactivation_are_not_used_after_it(cast):
    manager = cast.fresh_users()["business_manager"]
    assert cast.world.partnership.pk in roles_for(manager).managed
    manager.is_active = False
    assert roles_for(manager) is NO_ROLES


def test_nobody_signed_in_has_no_roles():
    # No database access is allowed here, so any query would fail the test.
    assert roles_for(AnonymousUser()) is NO_ROLES
    assert roles_for(None) is NO_ROLES


def test_forget_roles_makes_the_next_call_see_a_new_membership(world):
    outsider = world.users["outsider"]
    assert roles_for(outsider) == NO_ROLES
    grant(outsider, world.partnership, Role.SCRUTINEER)
    assert roles_for(outsider) == NO_ROLES, "cached for the rest of the request"
    forget_roles(outsider)
    assert roles_for(outsider).scrutinised == {world.partnership.pk}
    forget_roles(AnonymousUser())  # nothing cached: nothing to drop, no error


def test_without_a_provider_roles_for_fails_loudly(db, monkeypatch):
    monkeypatch.setattr(roles_module, "_provider", None)
    with pytest.raises(RuntimeError, match=r"^No roles provider is registered: is the people app in INSTALLED_APPS\?$"):
        roles_for(UserFactory(username="nobody-yet"))
