"""The statutory checklist: what the guidance expects the yearly report to show."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from reports.models import ChecklistExemption

CHECKLIST_PATH = Path(__file__).resolve().parent / "data" / "statutory_checklist.yaml"


@cache
def statutory_checklist() -> dict[str, str]:
    """Code -> title of each requirement, read once from reports/data/statutory_checklist.yaml."""
    with CHECKLIST_PATH.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return {
        str(code): (item.get("title", code) if isinstance(item, dict) else str(item)) for code, item in data.items()
    }


# How a requirement is met: "sections" (by default), an approved section with content tagged with its code;
# "impact_statements", an approved section that states its impact with evidence (reports.impact).
MET_BY = ("sections", "impact_statements")


@cache
def checklist_rules() -> dict[str, str]:
    """Code -> how the requirement is met (one of MET_BY), read once from the same file."""
    with CHECKLIST_PATH.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    rules = {}
    for code, item in data.items():
        rule = item.get("met_by", "sections") if isinstance(item, dict) else "sections"
        if rule not in MET_BY:
            raise ValueError(f"statutory_checklist.yaml: '{code}' has an unknown met_by '{rule}'.")
        rules[str(code)] = rule
    return rules


def unknown_themes(themes: list[str]) -> list[str]:
    """The codes in `themes` that the checklist does not define."""
    known = statutory_checklist()
    return [code for code in themes if code not in known]


def checklist_exemptions(*, period) -> dict:
    """The period's exemptions by checklist code, with who decided each."""
    return {e.code: e for e in ChecklistExemption.objects.filter(period=period).select_related("decided_by")}
