"""Each of reports.permissions_progress' booleans agrees with the queryset beside it, and who may do what."""

import pytest

from reports import permissions_progress as perms
from reports.models import TrackedItem
from tests.lib.permission_pairs import Pair, assert_pair_agrees, unpaired
from tests.lib.two_partnerships import cast_build

PAIRS = [
    Pair(perms.user_can_view_progress, perms.periods_progress_visible_to),
    Pair(perms.user_can_view_tracked_item, perms.tracked_items_visible_to),
    Pair(perms.user_can_update_tracked_item, perms.tracked_items_updatable_by),
    Pair(perms.user_can_manage_tracked_items, perms.periods_tracked_items_managed_by),
]


@pytest.fixture
def cast(world):
    cast = cast_build(world)
    owners = {
        "council": world.agency_a, "police": world.agency_b, "schools": world.agency_c,
        "partnership": None, "health": cast.agencies["health"], "charity": cast.agencies["charity"],
    }  # fmt: skip
    for name, owner in owners.items():
        period = cast.other_period if name in ("health", "charity") else world.period
        TrackedItem.objects.create(period=period, title=name, origin="added", owner_agency=owner)
    TrackedItem.objects.create(period=cast.other_period, title="other partnership", origin="priority")
    return cast


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: pair.name)
def test_boolean_agrees_with_its_queryset(cast, pair):
    assert_pair_agrees(pair, cast.fresh_users())


def test_every_public_function_has_a_row():
    assert unpaired(perms, PAIRS) == set()


def _titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_who_reads_and_who_rates_which_item(cast):
    users = cast.fresh_users()
    mine = {"council", "police", "schools", "partnership"}
    visible = {who: _titles(perms.tracked_items_visible_to(user)) for who, user in users.items()}
    updatable = {who: _titles(perms.tracked_items_updatable_by(user)) for who, user in users.items()}
    # Leads read every item of their partnership but rate only their agency's.
    assert visible["lead_a"] == mine
    assert updatable["lead_a"] == {"council"}
    assert visible["lead_b"] == mine | {"health", "charity", "other partnership"}  # leads the other police too
    assert updatable["lead_b"] == {"police"}
    # Contributors read their agency's only; they rate nothing.
    assert visible["contributor"] == {"council"}
    assert visible["teacher"] == {"schools"}
    assert updatable["contributor"] == updatable["teacher"] == set()
    # The business manager rates any item of their partnership; the scrutineer reads them all and rates none.
    assert updatable["business_manager"] == mine
    assert visible["scrutineer"] == mine
    assert updatable["scrutineer"] == set()
    assert visible["outsider"] == visible["anonymous"] == visible["former"] == set()
