"""Reading a user's roles from their memberships (registered as lib.roles' provider)."""

from __future__ import annotations

from lib.roles import PortalRoles
from people.models import Membership, Role


def membership_roles_load(user) -> PortalRoles:
    """The user's roles in one query."""
    rows = Membership.objects.filter(user=user).values_list("partnership_id", "agency_id", "role")
    sets: dict[str, set[int]] = {"p": set(), "bm": set(), "sc": set(), "lead": set(), "con": set()}
    agency_partnership: dict[int, int] = {}
    for partnership_id, agency_id, role in rows:
        sets["p"].add(partnership_id)
        if agency_id:
            agency_partnership[agency_id] = partnership_id
        if role == Role.BUSINESS_MANAGER:
            sets["bm"].add(partnership_id)
        elif role == Role.SCRUTINEER:
            sets["sc"].add(partnership_id)
        elif role == Role.AGENCY_LEAD:
            sets["lead"].add(agency_id)
        elif role == Role.CONTRIBUTOR:
            sets["con"].add(agency_id)
    return PortalRoles(
        partnerships=frozenset(sets["p"]),
        managed=frozenset(sets["bm"]),
        scrutinised=frozenset(sets["sc"]),
        led_agencies=frozenset(sets["lead"]),
        contributor_agencies=frozenset(sets["con"]),
        agency_partnership=agency_partnership,
    )
