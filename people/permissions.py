"""Who may see and change people's roles. Each boolean sits beside its queryset;
tests/people/test_permissions.py checks each pair agrees."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lib.roles import roles_for
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
