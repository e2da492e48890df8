"""Load a demo partnership's agencies, their seats and the period's funding (format: demo/README.md)."""

from __future__ import annotations

from decimal import Decimal

from agencies.models import Agency, FundingContribution, Representative
from lib.upsert import upsert


def agencies_demo_load(*, partnership, period, data: dict) -> tuple[dict[str, Agency], int]:
    """Create or bring up to date the agencies, representatives and funding; returns agencies by slug and changes."""
    agencies: dict[str, Agency] = {}
    changes = 0
    for row in data["agencies"]:
        agency, changed = upsert(
            Agency,
            {"partnership": partnership, "slug": row["slug"]},
            {
                "name": row["name"],
                "short_name": row["short_name"],
                "kind": row["kind"],
                "statutory_role": row.get("statutory_role", ""),
            },
        )
        changes += changed
        agencies[agency.slug] = agency
        for position, role_title in enumerate(row.get("representatives", []), start=1):
            changes += upsert(Representative, {"agency": agency, "role_title": role_title}, {"position": position})[1]
    for row in data["funding"]:
        changes += upsert(
            FundingContribution,
            {"agency": agencies[row["agency"]], "period": period},
            {"amount": Decimal(row["amount"]), "note": row.get("note", "")},
        )[1]
    return agencies, changes
