"""Each of reports.permissions_voice's booleans agrees with the queryset beside it, across two partnerships."""

import datetime

import pytest

from reports import permissions_voice as perms
from reports.models import VoiceEntry
from tests.lib.permission_pairs import Pair, assert_pair_agrees, unpaired
from tests.lib.two_partnerships import cast_build

PAIRS = [
    Pair(perms.user_can_view_voice, perms.periods_voice_visible_to),
    Pair(perms.user_can_add_voice_entry, perms.periods_voice_addable_by),
    Pair(perms.user_can_view_voice_entry, perms.voice_entries_visible_to),
    Pair(perms.user_can_change_voice_entry, perms.voice_entries_changeable_by),
]


def _entry(period, agency, source):
    return VoiceEntry.objects.create(
        period=period, agency=agency, source=source, said="We were heard.", service="Early help",
        said_on=period.start + datetime.timedelta(days=30), method="survey", consent="aggregate",
    )  # fmt: skip


@pytest.fixture
def cast(world):
    cast = cast_build(world)
    for period, agency, source in (
        (world.period, world.agency_a, "Council's survey"),
        (world.period, world.agency_b, "Police cadets"),
        (world.period, world.agency_c, "School council"),
        (world.period, None, "Partnership forum"),
        (cast.next_period, world.agency_a, "Next year's survey"),
        (cast.other_period, cast.agencies["health"], "Health forum"),
        (cast.other_period, None, "Northshire forum"),
    ):
        _entry(period, agency, source)
    return cast


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: pair.name)
def test_boolean_agrees_with_its_queryset(cast, pair):
    assert_pair_agrees(pair, cast.fresh_users())


def test_every_public_function_has_a_row():
    assert unpaired(perms, PAIRS) == set()


def _sources(queryset) -> set[str]:
    return set(queryset.values_list("source", flat=True))


def test_agency_people_see_their_agencys_entries_and_the_partnerships_never_anothers(cast):
    users = cast.fresh_users()
    # lead_b leads the police in both partnerships: each one's own entries, and neither's other agencies'.
    assert _sources(perms.voice_entries_visible_to(users["lead_b"])) == {
        "Police cadets", "Partnership forum", "Northshire forum",
    }  # fmt: skip
    assert _sources(perms.voice_entries_visible_to(users["contributor"])) == {
        "Council's survey", "Partnership forum", "Next year's survey",
    }  # fmt: skip
    assert _sources(perms.voice_entries_visible_to(users["health_lead"])) == {"Health forum", "Northshire forum"}
    assert _sources(perms.voice_entries_visible_to(users["outsider"])) == set()


def test_leads_change_only_their_agencys_entries_and_the_manager_all_of_the_partnerships(cast):
    users = cast.fresh_users()
    assert _sources(perms.voice_entries_changeable_by(users["lead_a"])) == {"Council's survey", "Next year's survey"}
    assert _sources(perms.voice_entries_changeable_by(users["scrutineer"])) == set()
    assert _sources(perms.voice_entries_changeable_by(users["contributor"])) == set()
    assert len(_sources(perms.voice_entries_changeable_by(users["business_manager"]))) == 5
    assert _sources(perms.voice_entries_changeable_by(users["former"])) == set()
