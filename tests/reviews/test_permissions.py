"""Each of reviews.permissions' booleans agrees with the queryset beside it."""

import pytest

from reviews import permissions as perms
from tests.lib.permission_pairs import Pair, assert_pair_agrees, unpaired
from tests.lib.two_partnerships import cast_build

PAIRS = [
    Pair(perms.user_can_manage_reviews, perms.reviews_managed_by),
    Pair(perms.user_can_view_reviews, perms.reviews_visible_to),
    Pair(perms.user_can_view_review_actions, perms.review_actions_pages_visible_to),
    Pair(perms.user_can_update_review_actions, perms.review_actions_pages_updatable_by),
    Pair(perms.user_can_update_review_action, perms.review_actions_updatable_by),
    Pair(perms.user_can_view_learning_briefings, perms.briefings_visible_to),
]


@pytest.fixture
def users(world):
    return cast_build(world).fresh_users()


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: pair.name)
def test_boolean_agrees_with_its_queryset(users, pair):
    assert_pair_agrees(pair, users)


def test_every_public_function_has_a_row():
    assert unpaired(perms, PAIRS) == set()
