"""Who may do what: the one place that answers "may this user do this to this object".

Roles come from Membership rows, never from is_staff. A user's memberships are read
once per request and kept on the user object. Every function here takes the acting
user first and returns a bool; views fetch objects through the access helpers in
partnership.access, which turn "not a member" into 404 and "member without the
right" into 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from partnership.models import Membership, Role


@dataclass(frozen=True)
class PortalRoles:
    partnerships: frozenset[int] = frozenset()
    managed: frozenset[int] = frozenset()
    scrutinised: frozenset[int] = frozenset()
    led_agencies: frozenset[int] = frozenset()
    contributor_agencies: frozenset[int] = frozenset()
    agency_partnership: dict[int, int] = field(default_factory=dict)


def roles_for(user) -> PortalRoles:
    """The user's roles, read from the database once and cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return PortalRoles()
    cached = getattr(user, "_portal_roles", None)
    if cached is not None:
        return cached
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
    roles = PortalRoles(
        partnerships=frozenset(sets["p"]),
        managed=frozenset(sets["bm"]),
        scrutinised=frozenset(sets["sc"]),
        led_agencies=frozenset(sets["lead"]),
        contributor_agencies=frozenset(sets["con"]),
        agency_partnership=agency_partnership,
    )
    user._portal_roles = roles
    return roles


def forget_roles(user) -> None:
    """Drop the cached roles, after memberships change."""
    if hasattr(user, "_portal_roles"):
        del user._portal_roles


def user_is_member(user, partnership) -> bool:
    """Any role in the partnership or one of its agencies."""
    return partnership.pk in roles_for(user).partnerships


def user_is_business_manager(user, partnership) -> bool:
    """Business manager of the partnership."""
    return partnership.pk in roles_for(user).managed


def user_is_scrutineer(user, partnership) -> bool:
    """Independent scrutineer of the partnership."""
    return partnership.pk in roles_for(user).scrutinised


def user_leads_agency(user, agency) -> bool:
    """Agency lead of this agency."""
    return agency.pk in roles_for(user).led_agencies


def user_contributes_to_agency(user, agency) -> bool:
    """Contributor in this agency."""
    return agency.pk in roles_for(user).contributor_agencies


def user_can_view_partnership(user, partnership) -> bool:
    """Members see the partnership's pages: its periods, priorities, agencies."""
    return user_is_member(user, partnership)


def user_can_manage_partnership(user, partnership) -> bool:
    """The business manager runs the cycle: outline, deadlines, agencies, funding."""
    return user_is_business_manager(user, partnership)


def user_can_oversee_partnership(user, partnership) -> bool:
    """Business manager and scrutineer read everything in the partnership."""
    return user_is_business_manager(user, partnership) or user_is_scrutineer(user, partnership)


def user_can_view_funding(user, period) -> bool:
    """Funding is shown to the business manager and the scrutineer."""
    return user_can_oversee_partnership(user, period.partnership)


def user_can_view_agency_people(user, agency) -> bool:
    """Who holds accounts in an agency: its own leads and the partnership's overseers."""
    return user_leads_agency(user, agency) or user_can_oversee_partnership(user, agency.partnership)
