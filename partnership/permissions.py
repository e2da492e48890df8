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


# --- reports: sections, revisions, challenges (issue 3) ---------------------------------
# Roles relative to one section are named in reports.workflow; the transition table there
# says which of them may take each action.


def section_roles(user, section) -> frozenset[str]:
    """The user's roles on one section: writer, contributor, business_manager, scrutineer."""
    roles = roles_for(user)
    spec = section.spec
    partnership_id = spec.period.partnership_id
    found: set[str] = set()
    if partnership_id in roles.managed:
        found.add("business_manager")
    if partnership_id in roles.scrutinised:
        found.add("scrutineer")
    if spec.author == "agency":
        if spec.owner_agency_id in roles.led_agencies:
            found.add("writer")
        if spec.owner_agency_id in roles.contributor_agencies and any(
            u.pk == user.pk for u in section.contributors.all()
        ):
            found.add("contributor")
    elif spec.author in found:
        found.add("writer")
    return frozenset(found)


def _may(user, section, action: str) -> bool:
    from reports.workflow import roles_allowed

    return bool(section_roles(user, section) & roles_allowed(action))


def user_can_view_section(user, section) -> bool:
    """Overseers see every section; an agency's leads and contributors see that agency's sections."""
    roles = roles_for(user)
    spec = section.spec
    if spec.period.partnership_id in roles.managed | roles.scrutinised:
        return True
    return spec.owner_agency_id is not None and spec.owner_agency_id in roles.led_agencies | roles.contributor_agencies


def user_can_edit_section(user, section) -> bool:
    """The writer (agency lead, or the business manager or scrutineer named as author) and assigned contributors."""
    return _may(user, section, "save")


def user_can_submit_section(user, section) -> bool:
    """Only the writer submits; a contributor cannot."""
    return _may(user, section, "submit")


def user_can_review_section(user, section) -> bool:
    """The business manager approves sections or returns them for changes."""
    return _may(user, section, "approve")


def user_can_challenge(user, section) -> bool:
    """The independent scrutineer raises and closes challenges."""
    return section.spec.period.partnership_id in roles_for(user).scrutinised


def user_can_answer_challenge(user, section) -> bool:
    """The section's writer answers challenges on it."""
    return "writer" in section_roles(user, section)


def user_can_assign_section(user, section) -> bool:
    """The owning agency's lead assigns its sections to contributors."""
    return section.spec.owner_agency_id in roles_for(user).led_agencies


def user_can_manage_outline(user, period) -> bool:
    """The business manager shapes the outline of a period."""
    return period.partnership_id in roles_for(user).managed


def user_can_view_audit(user, partnership) -> bool:
    """The business manager reads the audit log."""
    return user_is_business_manager(user, partnership)


# training


def user_can_manage_training(user, partnership) -> bool:
    """The business manager runs the training programme: sessions, attendance, imports, exports."""
    return user_is_business_manager(user, partnership)


def user_can_view_training(user, partnership) -> bool:
    """The business manager and the scrutineer read the whole programme, delegates and feedback."""
    return user_can_oversee_partnership(user, partnership)


def user_can_view_agency_training(user, agency) -> bool:
    """An agency's own leads see its delegates and no-shows; so do the partnership's overseers."""
    return user_leads_agency(user, agency) or user_can_oversee_partnership(user, agency.partnership)


# reviews (issue 6)


def user_can_manage_reviews(user, partnership) -> bool:
    """The business manager keeps the review records, clocks, action plans, risks and briefings."""
    return user_is_business_manager(user, partnership)


def user_can_view_reviews(user, partnership) -> bool:
    """The business manager and the scrutineer read every review, its clocks and the risk register."""
    return user_can_oversee_partnership(user, partnership)


def user_can_view_review_actions(user, partnership) -> bool:
    """Overseers see every action plan; an agency lead sees the actions their agencies own."""
    roles = roles_for(user)
    return user_can_oversee_partnership(user, partnership) or any(
        roles.agency_partnership.get(agency_id) == partnership.pk for agency_id in roles.led_agencies
    )


def user_can_update_review_actions(user, partnership) -> bool:
    """The business manager and the partnership's agency leads update actions (each lead only their own)."""
    roles = roles_for(user)
    return partnership.pk in roles.managed or any(
        roles.agency_partnership.get(agency_id) == partnership.pk for agency_id in roles.led_agencies
    )


def user_can_update_review_action(user, action) -> bool:
    """An action's owning agency's lead updates it; so does the business manager."""
    return action.owner_id in roles_for(user).led_agencies or action.owner.partnership_id in roles_for(user).managed


def user_can_view_learning_briefings(user, partnership) -> bool:
    """Learning briefings are for every member of the partnership to share with staff."""
    return user_is_member(user, partnership)


# --- reports: assembling, signing off and publishing the annual report (issue 4) ---------


def user_can_preview_report(user, period) -> bool:
    """The overseers and the statutory partners' leads (who sign it off) read the assembled draft."""
    return user_can_oversee_partnership(user, period.partnership) or user_can_sign_off_report(user, period)


def user_can_sign_off_report(user, period) -> bool:
    """A lead of one of the three statutory partners (local authority, health, police)."""
    from agencies.models import Agency

    led = roles_for(user).led_agencies
    return (
        bool(led)
        and Agency.objects.filter(partnership_id=period.partnership_id, pk__in=led, statutory_role__gt="").exists()
    )
