"""Each of agencies.permissions' booleans agrees with the queryset beside it."""

import pytest

from agencies import permissions as perms
from tests.lib.permission_pairs import Pair, assert_pair_agrees, unpaired
from tests.lib.two_partnerships import cast_build

PAIRS = [
    Pair(perms.user_can_view_agency_people, perms.agencies_people_visible_to),
    Pair(perms.user_can_view_funding, perms.funding_visible_to, subject=lambda contribution: contribution.period),
    Pair(perms.user_is_statutory_lead, perms.partnerships_statutory_led_by),
    Pair(perms.user_can_manage_agencies, perms.partnerships_agencies_managed_by),
]
# The reports app builds its sign-off querysets on this; the partnership-level answer is paired above.
HELPERS = ("statutory_agencies_led_by",)


@pytest.fixture
def cast(world):
    return cast_build(world)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: pair.name)
def test_boolean_agrees_with_its_queryset(cast, pair):
    assert_pair_agrees(pair, cast.fresh_users())


def test_every_public_function_has_a_row():
    assert unpaired(perms, PAIRS, HELPERS) == set()


def test_statutory_agencies_led_by_lists_only_statutory_partners_in_either_partnership(cast):
    users = cast.fresh_users()
    by_user = {name: {a.slug for a in perms.statutory_agencies_led_by(user)} for name, user in users.items()}
    assert {name: slugs for name, slugs in by_user.items() if slugs} == {
        "lead_a": {"council"},
        "lead_b": {"police"},
        "health_lead": {"health"},
    }
    assert [
        a.partnership.slug for a in perms.statutory_agencies_led_by(users["lead_b"]).order_by("partnership__slug")
    ] == [
        "nsp",
        "tsp",
    ]
