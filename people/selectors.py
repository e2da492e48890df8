"""Reads about people and their roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db.models import Prefetch
from django.utils import timezone

from lib.pagination import PAGE_SIZE, page_get
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


def people_of(*, partnership, agency=None, page=None, per_page: int = PAGE_SIZE) -> Page:
    """One page (`page`, a number; the first by default) of everyone holding a role in the partnership (or one
    agency of it), by name, each with their roles there, in three queries however many people there are."""
    where = {"partnership": partnership} | ({"agency": agency} if agency is not None else {})
    users = (
        get_user_model()
        .objects.filter(pk__in=Membership.objects.filter(**where).values("user_id"))
        .order_by("last_name", "first_name", "username", "pk")
    )
    shown = page_get(users, page, per_page=per_page)
    people = {user.pk: Person(user) for user in shown}
    memberships = Membership.objects.filter(**where, user_id__in=people).select_related("agency").order_by("role")
    for membership in memberships:
        membership.user = people[membership.user_id].user
        people[membership.user_id].memberships.append(membership)
    shown.object_list = list(people.values())
    return shown


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
