"""Reads about people and their roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from partnership.models import Partnership, ReportingPeriod
from people.models import Invitation, Membership, Role


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


@dataclass
class Person:
    user: object
    memberships: list[Membership] = field(default_factory=list)


def people_of(*, partnership, agency=None) -> list[Person]:
    """Everyone holding a role in the partnership (or one agency of it), with their roles, by name."""
    memberships = Membership.objects.filter(partnership=partnership).select_related("user", "agency")
    if agency is not None:
        memberships = memberships.filter(agency=agency)
    people: dict[int, Person] = {}
    for membership in memberships.order_by("user__last_name", "user__first_name", "user__username", "role"):
        people.setdefault(membership.user_id, Person(membership.user)).memberships.append(membership)
    return list(people.values())


def open_invitations(*, partnership, agency=None, now=None) -> list[Invitation]:
    """Invitations not yet accepted or withdrawn, newest first, each marked `expired` if its link no longer works."""
    now = now or timezone.now()
    invitations = Invitation.objects.filter(partnership=partnership, accepted_at__isnull=True, revoked_at__isnull=True)
    if agency is not None:
        invitations = invitations.filter(agency=agency)
    found = list(invitations.select_related("agency", "invited_by").order_by("-sent_at"))
    for invitation in found:
        invitation.expired = invitation.expires_at <= now
    return found
