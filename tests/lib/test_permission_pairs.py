"""The pair checks themselves can fail: an unpaired function, a disagreement, a duplicate, a constant."""

import types

import pytest

from partnership.models import Partnership
from tests.lib.permission_pairs import Pair, assert_pair_agrees, pair_check, unpaired


def _module_with(*functions) -> types.ModuleType:
    module = types.ModuleType("fake_permissions")
    for function in functions:
        function.__module__ = module.__name__
        setattr(module, function.__name__, function)
    return module


def user_can_do_thing(user, obj):
    return True


def things_doable_by(user):
    return Partnership.objects.all()


def user_can_do_new_thing(user, obj):
    return True


def test_a_boolean_without_a_row_is_reported():
    module = _module_with(user_can_do_thing, things_doable_by, user_can_do_new_thing)
    assert unpaired(module, [Pair(user_can_do_thing, things_doable_by)]) == {"user_can_do_new_thing"}


def test_a_disagreement_names_the_user_and_the_object(world):
    pair = Pair(lambda user, p: p.slug != "tsp", lambda user: Partnership.objects.all())
    wrong, answers = pair_check(pair, {"lead_a": world.users["lead_a"]})
    assert wrong == [
        f"lead_a / Partnership {world.partnership.pk} (Test Partnership): <lambda> says False, <lambda> says True"
    ]
    assert answers == {False}


def test_a_queryset_listing_an_object_twice_is_reported(world):
    listed_twice = Partnership.objects.filter(agencies__isnull=False)
    wrong, _ = pair_check(Pair(lambda user, p: True, lambda user: listed_twice), {"lead_a": world.users["lead_a"]})
    assert wrong[0].startswith("<lambda>(lead_a) lists an object more than once")


def test_a_pair_that_always_says_no_cannot_pass(world):
    never = Pair(lambda user, p: False, lambda user: Partnership.objects.none())
    with pytest.raises(AssertionError, match="only ever answered {False}"):
        assert_pair_agrees(never, world.users)
