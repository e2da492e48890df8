"""Reads for agencies, representatives and funding."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet, Sum

from agencies.models import Agency, FundingContribution, FundingImport
from partnership.models import AuditEntry


def agency_list(*, partnership, active: bool | None = None) -> QuerySet[Agency]:
    """The partnership's agencies (all, or only active or deactivated ones) with their seats, in two queries."""
    agencies = Agency.objects.filter(partnership=partnership)
    if active is not None:
        agencies = agencies.filter(deactivated_at__isnull=active)
    return agencies.prefetch_related("representatives").order_by("name")


def agency_choices(*, partnership) -> QuerySet[Agency]:
    """The agencies a drop-down offers for something new: the partnership's own, active ones."""
    return Agency.objects.filter(partnership=partnership).active().order_by("name")


def membership_table(*, partnership) -> list[tuple[Agency, list]]:
    """Active agencies that have seats on the partnership, each with its representatives."""
    return [
        (agency, list(agency.representatives.all()))
        for agency in agency_list(partnership=partnership, active=True)
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


def agencies_without_funding(*, period) -> QuerySet[Agency]:
    """Active agencies of the period's partnership that have no contribution for it yet."""
    return agency_choices(partnership=period.partnership).exclude(contributions__period=period)


FIELD_LABELS = {"amount": "Amount", "note": "Note"}


@dataclass
class FundingChange:
    when: datetime
    who: str
    what: str
    changes: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)  # (field, label, old, new)


def funding_history(*, contributions: list[FundingContribution]) -> dict[int, list[FundingChange]]:
    """Each contribution's changes from the audit trail (the portal's and the admin's), newest first, in one query."""
    if not contributions:
        return {}
    entries = AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(FundingContribution),
        target_id__in=[c.pk for c in contributions],
    ).order_by("-created_at", "-pk")
    history: dict[int, list[FundingChange]] = {c.pk: [] for c in contributions}
    for entry in entries:
        changes = (entry.data or {}).get("changes", {})
        history[entry.target_id].append(
            FundingChange(
                when=entry.created_at,
                who=entry.actor_label or "The portal",
                what=_funding_verb(entry),
                changes=[(name, FIELD_LABELS[name], *changes[name]) for name in FIELD_LABELS if name in changes],
            )
        )
    return history


def _funding_verb(entry: AuditEntry) -> str:
    if entry.app != "agencies":
        return "Changed by an operator in the admin"
    imported = "import" in (entry.data or {})
    if entry.code == "agencies.funding.created":
        return "Entered from an uploaded file" if imported else "Entered"
    return "Changed by an uploaded file" if imported else "Changed"


def funding_contribution_get(*, period, agency_slug: str) -> FundingContribution:
    """The period's contribution from the agency with this address (DoesNotExist if there is none)."""
    return FundingContribution.objects.select_related("agency", "period").get(
        period=period, agency__partnership_id=period.partnership_id, agency__slug=agency_slug
    )


def funding_imports_recent(*, period, limit: int = 10) -> QuerySet[FundingImport]:
    """The period's latest funding uploads, newest first."""
    return FundingImport.objects.filter(period=period).order_by("-created_at", "-pk")[:limit]
