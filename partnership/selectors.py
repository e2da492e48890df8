"""Reads for the partnership app, scoped to what a user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from partnership.models import Membership, Partnership, ReportingPeriod, Role
from partnership.permissions import roles_for


def partnerships_for_user(*, user) -> QuerySet[Partnership]:
    """The partnerships in which the user holds any role."""
    return Partnership.objects.filter(pk__in=roles_for(user).partnerships).order_by("name")


@dataclass
class PartnershipSummary:
    """What a user can do in one partnership, for the home page."""

    partnership: Partnership
    roles: list[str]
    is_business_manager: bool
    is_scrutineer: bool
    led_agencies: list
    contributor_agencies: list
    current_period: ReportingPeriod | None


def home_summaries(*, user) -> list[PartnershipSummary]:
    """One summary per partnership the user belongs to, in two queries."""
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("agency", "partnership")
        .order_by("partnership__name", "role")
    )
    periods = Prefetch("periods", queryset=ReportingPeriod.objects.order_by("-start"))
    partnerships = {
        p.pk: p for p in Partnership.objects.filter(memberships__user=user).distinct().prefetch_related(periods)
    }
    summaries: dict[int, PartnershipSummary] = {}
    for membership in memberships:
        partnership = partnerships[membership.partnership_id]
        summary = summaries.setdefault(
            partnership.pk,
            PartnershipSummary(
                partnership=partnership,
                roles=[],
                is_business_manager=False,
                is_scrutineer=False,
                led_agencies=[],
                contributor_agencies=[],
                current_period=next(iter(partnership.periods.all()), None),
            ),
        )
        label = membership.get_role_display()
        if membership.agency_id:
            label = f"{label}, {membership.agency.name}"
        summary.roles.append(label)
        if membership.role == Role.BUSINESS_MANAGER:
            summary.is_business_manager = True
        elif membership.role == Role.SCRUTINEER:
            summary.is_scrutineer = True
        elif membership.role == Role.AGENCY_LEAD:
            summary.led_agencies.append(membership.agency)
        else:
            summary.contributor_agencies.append(membership.agency)
    return list(summaries.values())
