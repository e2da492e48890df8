"""Reads for agencies, representatives and funding."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from agencies.models import Agency, FundingContribution


def agency_list(*, partnership) -> QuerySet[Agency]:
    """The partnership's agencies with their representatives, in two queries."""
    return Agency.objects.filter(partnership=partnership).prefetch_related("representatives").order_by("name")


def membership_table(*, partnership) -> list[tuple[Agency, list]]:
    """Agencies that have seats on the partnership, each with its representatives."""
    return [
        (agency, list(agency.representatives.all()))
        for agency in agency_list(partnership=partnership)
        if agency.representatives.all()
    ]


@dataclass
class FundingSummary:
    contributions: list[FundingContribution]
    total: Decimal


def funding_for_period(*, period) -> FundingSummary:
    """The period's contributions, largest first, and their total as summed by the database."""
    queryset = FundingContribution.objects.filter(period=period).select_related("agency")
    total = queryset.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return FundingSummary(contributions=list(queryset.order_by("-amount", "agency__name")), total=total)
