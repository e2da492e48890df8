"""The home page: for each partnership, the pages this person's roles open, worded for them.

Every link is decided here from the permission functions; the template only lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from agencies.permissions import user_can_view_agency_people, user_can_view_funding
from people.permissions import user_can_manage_people
from people.selectors import memberships_by_partnership, open_invitations
from reports.permissions import (
    user_can_manage_outline,
    user_can_preview_report,
    user_can_publish_report,
    user_can_sign_off_report,
)
from reports.tasklist import tasks_for
from reviews.permissions import user_can_update_review_actions, user_can_view_reviews
from training.permissions import user_can_manage_training, user_can_view_agency_training, user_can_view_training


@dataclass
class PartnershipHome:
    partnership: object
    roles: list[str]
    current_period: object | None
    links: list[tuple[str, str]] = field(default_factory=list)
    tasks: list = field(default_factory=list)


def _links(user, partnership, period, agencies) -> list[tuple[str, str]]:
    p = partnership.slug
    links = [
        ("See the partnership: periods, priorities and subgroups", reverse("partnership:detail", args=[p])),
        ("See the agencies and the membership table", reverse("agencies:list", args=[p])),
    ]
    if user_can_manage_people(user, partnership):
        links.append(("Invite people and manage their roles", reverse("people:list", args=[p])))
    if user_can_view_reviews(user, partnership):
        links.append(
            (
                "Track practice reviews: statutory timescales, action plans and risks",
                reverse("reviews:dashboard", args=[p]),
            )
        )
    elif user_can_update_review_actions(user, partnership):
        links.append(("Update your agencies' practice review actions", reverse("reviews:actions", args=[p])))
    links.append(("Read the learning briefings from practice reviews", reverse("reviews:briefings", args=[p])))
    if period is not None:
        signs_for = [agency.name for agency, is_lead in agencies if is_lead and agency.statutory_role]
        links += _period_links(user, partnership, period, signs_for)
    for agency, is_lead in agencies:
        if period is not None and user_can_view_agency_training(user, agency) and is_lead:
            links.append(
                (
                    f"See {agency.name}'s training delegates and no-shows for {period.label}",
                    reverse("training:agency", args=[p, period.slug, agency.slug]),
                )
            )
        verb = "Manage" if is_lead and user_can_view_agency_people(user, agency) else "See"
        what = ": its representatives and people" if verb == "Manage" else ""
        links.append((f"{verb} {agency.name}{what}", reverse("agencies:detail", args=[p, agency.slug])))
    return links


def _period_links(user, partnership, period, signs_for: list[str]) -> list[tuple[str, str]]:
    p, s, label = partnership.slug, period.slug, period.label
    links = []
    if user_can_view_funding(user, period):
        links.append((f"Check funding for {label}", reverse("agencies:funding", args=[p, s])))
    if user_can_view_training(user, partnership):
        verb = "Run" if user_can_manage_training(user, partnership) else "See"
        links.append(
            (
                f"{verb} multi-agency training for {label}: courses, attendance and feedback",
                reverse("training:courses", args=[p, s]),
            )
        )
    if user_can_publish_report(user, period):
        dashboard = f"Run the {label} report: every section, its state and deadline"
    elif user_can_view_reviews(user, partnership):
        dashboard = f"Read, comment on and challenge the sections of {label}"
    else:
        dashboard = f"Write your agency's sections of the {label} report"
    links.append((dashboard, reverse("reports:dashboard", args=[p, s])))
    if user_can_view_reviews(user, partnership) and not user_can_publish_report(user, period):
        links.append(("See what changed since your last visit", reverse("reports:changes", args=[p, s])))
    if user_can_publish_report(user, period):
        links.append(
            (f"Preview, check and publish the assembled {label} report", reverse("reports:report", args=[p, s]))
        )
    elif user_can_sign_off_report(user, period):
        for agency_name in signs_for:
            links.append(
                (f"Read and sign off the {label} report for {agency_name}", reverse("reports:report", args=[p, s]))
            )
    elif user_can_preview_report(user, period):
        links.append((f"Preview and check the assembled {label} report", reverse("reports:report", args=[p, s])))
    if user_can_manage_outline(user, period):
        links.append((f"Shape the outline of the {label} report", reverse("reports:outline", args=[p, s])))
    return links


@require_GET
def home(request):
    """What each signed-in user can do now, by role; a welcome for everyone else."""
    homes = []
    if request.user.is_authenticated:
        for summary in memberships_by_partnership(user=request.user):
            home = PartnershipHome(summary.partnership, summary.role_labels, summary.current_period)
            home.links = _links(request.user, summary.partnership, summary.current_period, summary.agencies)
            if summary.current_period is not None:
                pending = 0
                if user_can_manage_people(request.user, summary.partnership):
                    pending = len([i for i in open_invitations(partnership=summary.partnership) if not i.expired])
                home.tasks = tasks_for(user=request.user, period=summary.current_period, pending_invitations=pending)
            homes.append(home)
    return render(request, "reports/home.html", {"homes": homes})
