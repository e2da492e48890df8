"""Each of people.permissions' booleans agrees with the queryset beside it."""

import pytest

from people import permissions as perms
from tests.lib.permission_pairs import Pair, assert_pair_agrees, unpaired
from tests.lib.two_partnerships import cast_build

PAIRS = [
    Pair(perms.user_can_view_membership, perms.memberships_visible_to),
    Pair(perms.user_can_manage_people, perms.partnerships_people_managed_by),
    Pair(perms.user_can_invite_to_agency, perms.agencies_invitable_by),
]


@pytest.fixture
def users(world):
    return cast_build(world).fresh_users()


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: pair.name)
def test_boolean_agrees_with_its_queryset(users, pair):
    assert_pair_agrees(pair, users)


def test_every_public_function_has_a_row():
    assert unpaired(perms, PAIRS) == set()
