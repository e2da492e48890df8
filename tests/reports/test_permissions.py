"""Each of reports.permissions' booleans agrees with the queryset beside it."""

import pytest

from reports import permissions as perms
from tests.lib.permission_pairs import Pair, assert_pair_agrees, unpaired
from tests.lib.two_partnerships import cast_build

PAIRS = [
    Pair(perms.user_can_view_section, perms.sections_visible_to),
    Pair(perms.user_can_edit_section, perms.sections_editable_by),
    Pair(perms.user_can_submit_section, perms.sections_submittable_by),
    Pair(perms.user_can_review_section, perms.sections_reviewable_by),
    Pair(perms.user_can_challenge, perms.sections_challengeable_by),
    Pair(perms.user_can_answer_challenge, perms.sections_answerable_by),
    Pair(perms.user_can_assign_section, perms.sections_assignable_by),
    Pair(perms.user_can_manage_outline, perms.periods_outline_managed_by),
    Pair(perms.user_can_sign_off_report, perms.periods_signable_by),
    Pair(perms.user_can_preview_report, perms.periods_previewable_by),
    Pair(perms.user_can_publish_report, perms.periods_publishable_by),
    Pair(perms.user_can_comment_on_challenges, perms.periods_challenges_commentable_by),
]
# One section's roles, which the booleans above ask the workflow table about.
HELPERS = ("section_roles",)


@pytest.fixture
def cast(world):
    return cast_build(world)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: pair.name)
def test_boolean_agrees_with_its_queryset(cast, pair):
    assert_pair_agrees(pair, cast.fresh_users())


def test_every_public_function_has_a_row():
    assert unpaired(perms, PAIRS, HELPERS) == set()


EDITABLE = {
    "lead_a": {"council", "council_data", "next_council"},
    "lead_b": {"police", "other_police"},
    "lead_c": {"schools", "council_data"},
    "contributor": {"council"},
    "business_manager": {"introduction", "next_introduction"},
    "scrutineer": {"scrutiny"},
    "dual": {"other_introduction", "council_data"},
    "other_scrutineer": {"other_scrutiny"},
    "health_lead": {"health", "health_data"},
    "health_contributor": {"health"},
    "charity_lead": {"charity"},
    "teacher": {"schools"},
    "tutor": {"schools"},
}


def test_who_may_edit_which_section(cast):
    """The cast's point, spelt out: roles never cross partnerships, an assignment counts only while
    its holder contributes to the owning agency, and nobody inactive or signed out edits anything."""
    names = {section.pk: name for name, section in cast.sections.items()}
    editable = {
        who: {names[pk] for pk in perms.sections_editable_by(user).values_list("pk", flat=True)}
        for who, user in cast.fresh_users().items()
    }
    assert {who: found for who, found in editable.items() if found} == EDITABLE
    assert editable["moved"] == editable["former"] == editable["outsider"] == editable["anonymous"] == set()
