"""Who may see an agency's people and the partnership's funding. Each boolean sits beside
its queryset; tests/agencies/test_permissions.py checks each pair agrees."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from agencies.models import Agency, FundingContribution
from lib.roles import roles_for
from partnership.models import Partnership


def user_can_view_agency_people(user, agency) -> bool:
    """Who holds accounts in an agency: its own leads and the partnership's overseers."""
    roles = roles_for(user)
    return agency.pk in roles.led_agencies or agency.partnership_id in roles.managed | roles.scrutinised


def agencies_people_visible_to(user) -> QuerySet[Agency]:
    """The agencies whose people the user may see."""
    roles = roles_for(user)
    return Agency.objects.filter(Q(pk__in=roles.led_agencies) | Q(partnership_id__in=roles.managed | roles.scrutinised))


def user_can_view_funding(user, period) -> bool:
    """Funding is shown to the business manager and the scrutineer."""
    roles = roles_for(user)
    return period.partnership_id in roles.managed | roles.scrutinised


def funding_visible_to(user) -> QuerySet[FundingContribution]:
    """The contributions of every period the user may see funding for."""
    roles = roles_for(user)
    return FundingContribution.objects.filter(period__partnership_id__in=roles.managed | roles.scrutinised)


def user_is_statutory_lead(user, partnership) -> bool:
    """A lead of one of the partnership's statutory partners (who sign off its report)."""
    led = roles_for(user).leads_in(partnership.pk)
    return bool(led) and Agency.objects.filter(pk__in=led, statutory_role__gt="").exists()


def partnerships_statutory_led_by(user) -> QuerySet[Partnership]:
    """The partnerships in which the user leads a statutory partner."""
    return Partnership.objects.filter(pk__in=statutory_agencies_led_by(user).values("partnership_id"))


def statutory_agencies_led_by(user) -> QuerySet[Agency]:
    """The statutory partners the user leads, in any partnership."""
    return Agency.objects.filter(pk__in=roles_for(user).led_agencies, statutory_role__gt="")


def user_can_manage_agencies(user, partnership) -> bool:
    """The business manager keeps the agencies, their seats on the partnership and their funding."""
    return partnership.pk in roles_for(user).managed


def partnerships_agencies_managed_by(user) -> QuerySet[Partnership]:
    """The partnerships whose agencies, seats and funding the user keeps."""
    return Partnership.objects.filter(pk__in=roles_for(user).managed)
