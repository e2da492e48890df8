"""Load a demo partnership, its period, priorities and subgroups from partnership.yaml (format: demo/README.md)."""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml
from django.core.files.base import ContentFile

from lib.upsert import upsert
from partnership.models import Partnership, Priority, ReportingPeriod, Subgroup, SubgroupMeetings


def read_yaml(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def partnership_demo_load(*, data: dict, data_dir: Path) -> tuple[Partnership, ReportingPeriod, int]:
    """Create or bring up to date the partnership, its period, priorities, subgroups and logo."""
    changes = 0
    partnership, changed = upsert(
        Partnership, {"slug": data["partnership"]["slug"]}, _without(data["partnership"], "slug")
    )
    changes += changed
    period_data = data["period"]
    period, changed = upsert(
        ReportingPeriod,
        {"partnership": partnership, "slug": str(period_data["slug"])},
        {
            "label": str(period_data["label"]),
            "start": _date(period_data["start"]),
            "end": _date(period_data["end"]),
            "submission_deadline": _date(period_data["submission_deadline"]),
            "arrangements_began": _date(period_data.get("arrangements_began")),
            "notes": period_data.get("notes", ""),
        },
    )
    changes += changed
    for position, title in enumerate(data["priorities"], start=1):
        changes += upsert(Priority, {"partnership": partnership, "position": position}, {"title": title})[1]
    changes += _load_subgroups(partnership, period, data["subgroups"])
    changes += _load_logo(partnership, data_dir / "logo.svg")
    return partnership, period, changes


def _load_logo(partnership, path: Path) -> int:
    if partnership.logo or not path.exists():
        return 0
    partnership.logo.save(f"{partnership.slug}.svg", ContentFile(path.read_bytes()), save=False)
    partnership.save(update_fields=["logo", "updated_at"])
    return 1


def _load_subgroups(partnership, period, rows) -> int:
    changes = 0
    for position, row in enumerate(rows, start=1):
        subgroup, changed = upsert(
            Subgroup,
            {"partnership": partnership, "slug": row["slug"]},
            {
                "name": row["name"],
                "purpose": row.get("purpose", ""),
                "chair": row.get("chair", ""),
                "position": position,
                "oversees": row.get("oversees", ""),
            },
        )
        changes += changed
        if "meetings" in row:
            changes += upsert(
                SubgroupMeetings, {"subgroup": subgroup, "period": period}, {"meetings_held": row["meetings"]}
            )[1]
    return changes


def subgroup_meetings_demo_load(*, partnership, period, rows: dict) -> int:
    """How many times each named subgroup met in the period ({subgroup slug: meetings})."""
    subgroups = {s.slug: s for s in Subgroup.objects.filter(partnership=partnership, slug__in=rows)}
    return sum(
        upsert(SubgroupMeetings, {"subgroup": subgroups[slug], "period": period}, {"meetings_held": count})[1]
        for slug, count in rows.items()
    )


def _without(mapping: dict, *keys: str) -> dict:
    return {key: value for key, value in mapping.items() if key not in keys}


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))
