"""Reads about people and their roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from partnership.models import Partnership, ReportingPeriod
from people.models import Membership, Role


@dataclass
class PartnershipRoles:
    """One partnership and what the user holds in it."""

    partnership: Partnership
    current_period: ReportingPeriod | None
    role_labels: list[str] = field(default_factory=list)
    agencies: list[tuple[object, bool]] = field(default_factory=list)  # (agency, the user leads it)


def memberships_by_partnership(*, user) -> list[PartnershipRoles]:
    """The user's roles grouped by partnership, with each partnership's latest period, in two queries."""
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("agency", "partnership")
        .order_by("partnership__name", "role")
    )
    periods = Prefetch("periods", queryset=ReportingPeriod.objects.order_by("-start"))
    partnerships = {
        p.pk: p for p in Partnership.objects.filter(memberships__user=user).distinct().prefetch_related(periods)
    }
    grouped: dict[int, PartnershipRoles] = {}
    for membership in memberships:
        partnership = partnerships[membership.partnership_id]
        entry = grouped.setdefault(
            partnership.pk, PartnershipRoles(partnership, next(iter(partnership.periods.all()), None))
        )
        label = membership.get_role_display()
        if membership.agency_id:
            label = f"{label}, {membership.agency.name}"
            entry.agencies.append((membership.agency, membership.role == Role.AGENCY_LEAD))
        entry.role_labels.append(label)
    return list(grouped.values())


def agency_members(*, agency) -> list[Membership]:
    """The agency's memberships with their users, by role then name."""
    return list(Membership.objects.filter(agency=agency).select_related("user").order_by("role", "user__username"))
