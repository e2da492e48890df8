"""Who may read and keep the voice ledger. Each boolean sits beside the queryset answering the same
question for many objects; tests/reports/test_voice_permissions.py checks each pair agrees.

The business manager keeps every entry of the partnership; an agency lead keeps their own agency's;
the scrutineer reads them all; an agency's leads and contributors read their agency's entries and the
partnership's own (those with no agency), never another agency's.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lib.roles import roles_for
from partnership.models import ReportingPeriod
from reports.models import VoiceEntry


def user_can_view_voice(user, period) -> bool:
    """Every member of the period's partnership may open its ledger (and sees the entries theirs to see)."""
    return period.partnership_id in roles_for(user).partnerships


def periods_voice_visible_to(user) -> QuerySet[ReportingPeriod]:
    """Every period whose ledger the user may open."""
    return ReportingPeriod.objects.filter(partnership_id__in=roles_for(user).partnerships)


def user_can_add_voice_entry(user, period) -> bool:
    """The business manager, and any agency lead of the partnership (for their own agency)."""
    roles = roles_for(user)
    return period.partnership_id in roles.managed or bool(roles.leads_in(period.partnership_id))


def periods_voice_addable_by(user) -> QuerySet[ReportingPeriod]:
    """Every period the user may add ledger entries to."""
    roles = roles_for(user)
    led = {roles.agency_partnership[a] for a in roles.led_agencies if a in roles.agency_partnership}
    return ReportingPeriod.objects.filter(partnership_id__in=roles.managed | led)


def user_can_view_voice_entry(user, entry) -> bool:
    """Overseers read every entry; an agency's people read their agency's and the partnership's own."""
    roles = roles_for(user)
    partnership_id = entry.period.partnership_id
    if partnership_id in roles.managed | roles.scrutinised:
        return True
    agencies = roles.led_agencies | roles.contributor_agencies
    if entry.agency_id is None:
        return any(roles.agency_partnership.get(a) == partnership_id for a in agencies)
    return entry.agency_id in agencies


def voice_entries_visible_to(user) -> QuerySet[VoiceEntry]:
    """Every entry the user may read."""
    roles = roles_for(user)
    agencies = roles.led_agencies | roles.contributor_agencies
    member_of = {roles.agency_partnership[a] for a in agencies if a in roles.agency_partnership}
    return VoiceEntry.objects.filter(
        Q(period__partnership_id__in=roles.managed | roles.scrutinised)
        | Q(agency_id__in=agencies)
        | Q(agency__isnull=True, period__partnership_id__in=member_of)
    )


def user_can_change_voice_entry(user, entry) -> bool:
    """The business manager changes any entry; an agency lead only their own agency's."""
    roles = roles_for(user)
    return entry.period.partnership_id in roles.managed or (
        entry.agency_id is not None and entry.agency_id in roles.led_agencies
    )


def voice_entries_changeable_by(user) -> QuerySet[VoiceEntry]:
    """Every entry the user may change or remove."""
    roles = roles_for(user)
    return VoiceEntry.objects.filter(Q(period__partnership_id__in=roles.managed) | Q(agency_id__in=roles.led_agencies))
