"""Who may see and change people's roles. Each boolean sits beside its queryset;
tests/people/test_permissions.py checks each pair agrees."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from agencies.models import Agency
from lib.roles import roles_for
from partnership.models import Partnership
from people.models import Membership


def user_can_view_membership(user, membership) -> bool:
    """The partnership's overseers see every role in it; an agency's leads see their agency's."""
    roles = roles_for(user)
    return membership.partnership_id in roles.managed | roles.scrutinised or (
        membership.agency_id is not None and membership.agency_id in roles.led_agencies
    )


def memberships_visible_to(user) -> QuerySet[Membership]:
    """Every membership the user may see: all of the partnerships they oversee, and their own agencies' as lead."""
    roles = roles_for(user)
    return Membership.objects.filter(
        Q(partnership_id__in=roles.managed | roles.scrutinised) | Q(agency_id__in=roles.led_agencies)
    )


def user_can_manage_people(user, partnership) -> bool:
    """The business manager invites people, changes their roles and deactivates accounts."""
    return partnership.pk in roles_for(user).managed


def partnerships_people_managed_by(user) -> QuerySet[Partnership]:
    """The partnerships whose people the user manages."""
    return Partnership.objects.filter(pk__in=roles_for(user).managed)


def user_can_invite_to_agency(user, agency) -> bool:
    """The business manager and the agency's own leads invite people to an agency (leads: contributors only)."""
    roles = roles_for(user)
    return agency.pk in roles.led_agencies or agency.partnership_id in roles.managed


def agencies_invitable_by(user) -> QuerySet[Agency]:
    """The agencies the user may invite people to."""
    roles = roles_for(user)
    return Agency.objects.filter(Q(pk__in=roles.led_agencies) | Q(partnership_id__in=roles.managed))
