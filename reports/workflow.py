"""The section workflow: every allowed transition, in one table.

Why a table and not a state-machine library: django-fsm, the usual choice, is archived,
and it and its forks declare transitions as decorators on model methods, which would
put business rules in the model and spread the workflow over several methods. Four
actions over five states fit in one dictionary that a reader can check against the
design at a glance; the services look every transition up here, and the permission
functions in partnership.permissions ask the same table which roles may act.

Roles are relative to a section (see partnership.permissions.section_roles):
  writer          the agency lead of the owning agency, or for sections the partnership
                  writes itself, the business manager or the scrutineer named as author;
  contributor     a contributor of the owning agency who has been assigned the section;
  business_manager, scrutineer   the partnership's roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.errors import WorkflowError
from reports.models import SectionState as S

WRITER = "writer"
CONTRIBUTOR = "contributor"
BUSINESS_MANAGER = "business_manager"
SCRUTINEER = "scrutineer"


@dataclass(frozen=True)
class Transition:
    moves: dict[str, str]  # from-state -> to-state
    roles: frozenset[str]
    audit_code: str


TRANSITIONS: dict[str, Transition] = {
    # Saving an approved section starts a new draft; the approved revision stays until the next approval.
    "save": Transition(
        moves={S.NOT_STARTED: S.DRAFT, S.DRAFT: S.DRAFT, S.CHANGES_REQUESTED: S.CHANGES_REQUESTED, S.APPROVED: S.DRAFT},
        roles=frozenset({WRITER, CONTRIBUTOR}),
        audit_code="reports.section.saved",
    ),
    "submit": Transition(
        moves={S.DRAFT: S.SUBMITTED, S.CHANGES_REQUESTED: S.SUBMITTED},
        roles=frozenset({WRITER}),
        audit_code="reports.section.submitted",
    ),
    "approve": Transition(
        moves={S.SUBMITTED: S.APPROVED},
        roles=frozenset({BUSINESS_MANAGER}),
        audit_code="reports.section.approved",
    ),
    "request_changes": Transition(
        moves={S.SUBMITTED: S.CHANGES_REQUESTED},
        roles=frozenset({BUSINESS_MANAGER}),
        audit_code="reports.section.changes_requested",
    ),
}

__all__ = ["TRANSITIONS", "WorkflowError", "allowed_actions", "next_state", "roles_allowed"]

STATE_REFUSALS: dict[str, str] = {
    "save": "This section is with the business manager for review. You can edit it again if they return it.",
    "submit": "Only a draft, or a section returned for changes, can be submitted. Save your changes first.",
    "approve": "Only a submitted section can be approved. Wait until its writer submits it.",
    "request_changes": "Only a submitted section can be returned. Wait until its writer submits it.",
}


def roles_allowed(action: str) -> frozenset[str]:
    """The roles that may take this action, in any state."""
    return TRANSITIONS[action].roles


def next_state(action: str, state: str) -> str:
    """The state the action moves a section to from this state, or WorkflowError."""
    transition = TRANSITIONS[action]
    if state not in transition.moves:
        raise WorkflowError(STATE_REFUSALS[action])
    return transition.moves[state]


def allowed_actions(state: str, roles: set[str] | frozenset[str]) -> list[str]:
    """The actions these roles may take on a section in this state, in table order."""
    return [name for name, t in TRANSITIONS.items() if state in t.moves and t.roles & set(roles)]
