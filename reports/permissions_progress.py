"""Who may read, rate, change, add and assign tracked items (last period's priorities and areas for
development). Each boolean sits beside the queryset that answers the same question for many objects;
tests/reports/test_progress_permissions.py checks each pair agrees.

The business manager runs the list; agency leads read every item of their partnership (one agency's
progress often rests on another's) but rate and change only their own agency's; contributors read their
agency's; the scrutineer reads all.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lib.roles import roles_for
from partnership.models import ReportingPeriod
from reports.models_progress import TrackedItem


def _led_partnerships(roles) -> set[int]:
    return {roles.agency_partnership[a] for a in roles.led_agencies if a in roles.agency_partnership}


def user_can_view_progress(user, period) -> bool:
    """Every member of the partnership opens the period's list (a contributor sees their agency's items in it)."""
    roles = roles_for(user)
    partnership_id = period.partnership_id
    overseers = roles.managed | roles.scrutinised
    agencies = roles.led_agencies | roles.contributor_agencies
    return partnership_id in overseers or any(roles.agency_partnership.get(a) == partnership_id for a in agencies)


def periods_progress_visible_to(user) -> QuerySet[ReportingPeriod]:
    """Every period whose list of tracked items the user may open."""
    roles = roles_for(user)
    agencies = roles.led_agencies | roles.contributor_agencies
    partnerships = {roles.agency_partnership[a] for a in agencies if a in roles.agency_partnership}
    return ReportingPeriod.objects.filter(partnership_id__in=roles.managed | roles.scrutinised | partnerships)


def user_can_view_tracked_item(user, item) -> bool:
    """Overseers and agency leads read every item of the partnership; contributors their agency's."""
    roles = roles_for(user)
    partnership_id = item.period.partnership_id
    if partnership_id in roles.managed | roles.scrutinised | _led_partnerships(roles):
        return True
    return item.owner_agency_id is not None and item.owner_agency_id in roles.contributor_agencies


def tracked_items_visible_to(user) -> QuerySet[TrackedItem]:
    """Every tracked item the user may read."""
    roles = roles_for(user)
    return TrackedItem.objects.filter(
        Q(period__partnership_id__in=roles.managed | roles.scrutinised | _led_partnerships(roles))
        | Q(owner_agency_id__in=roles.contributor_agencies)
    )


def user_can_update_tracked_item(user, item) -> bool:
    """The business manager rates and changes any item; an agency lead only their own agency's."""
    roles = roles_for(user)
    if item.period.partnership_id in roles.managed:
        return True
    return item.owner_agency_id is not None and item.owner_agency_id in roles.led_agencies


def tracked_items_updatable_by(user) -> QuerySet[TrackedItem]:
    """Every tracked item the user may rate and change."""
    roles = roles_for(user)
    return TrackedItem.objects.filter(
        Q(period__partnership_id__in=roles.managed) | Q(owner_agency_id__in=roles.led_agencies)
    )


def user_can_manage_tracked_items(user, period) -> bool:
    """The business manager adds items, gives them owners and carries them from the last period."""
    return period.partnership_id in roles_for(user).managed


def periods_tracked_items_managed_by(user) -> QuerySet[ReportingPeriod]:
    """Every period whose tracked items the user may add and assign."""
    return ReportingPeriod.objects.filter(partnership_id__in=roles_for(user).managed)
