"""Load the demo partnership from the YAML files under demo/."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from agencies.models import Agency, FundingContribution, Representative
from lib.upsert import upsert
from partnership.models import Membership, Partnership, Priority, ReportingPeriod, Role, Subgroup, SubgroupMeetings

DEMO_DIR = settings.BASE_DIR / "demo" / "dudley-2019-20"


@dataclass
class DemoResult:
    partnership: Partnership
    period: ReportingPeriod
    created_users: list[str] = field(default_factory=list)
    existing_users: list[str] = field(default_factory=list)
    changes: int = 0


def read_yaml(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def demo_password_generate() -> str:
    """A password that passes the portal's validators."""
    return "demo-" + secrets.token_urlsafe(12)


@transaction.atomic
def partnership_demo_load(*, password: str, data_dir: Path = DEMO_DIR) -> DemoResult:
    """Create or bring up to date the demo partnership, its agencies, funding and users."""
    data = read_yaml(data_dir / "partnership.yaml")
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
    agencies, agency_changes = _load_agencies(partnership, data["agencies"])
    changes += agency_changes
    for row in data["funding"]:
        changes += upsert(
            FundingContribution,
            {"agency": agencies[row["agency"]], "period": period},
            {"amount": Decimal(row["amount"]), "note": row.get("note", "")},
        )[1]
    changes += _load_logo(partnership, data_dir / "logo.svg")
    result = DemoResult(partnership=partnership, period=period, changes=changes)
    _load_users(result, partnership, agencies, data["users"], password)
    return result


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
            },
        )
        changes += changed
        if "meetings" in row:
            changes += upsert(
                SubgroupMeetings, {"subgroup": subgroup, "period": period}, {"meetings_held": row["meetings"]}
            )[1]
    return changes


def _load_agencies(partnership, rows) -> tuple[dict[str, Agency], int]:
    agencies: dict[str, Agency] = {}
    changes = 0
    for row in rows:
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
    return agencies, changes


def _load_users(result: DemoResult, partnership, agencies, rows, password: str) -> None:
    wanted = [(username, spec) for username, spec in rows.items()]
    wanted += [
        (
            f"lead-{slug}",
            {"first_name": agency.short_name, "last_name": "Lead", "role": Role.AGENCY_LEAD, "agency": slug},
        )
        for slug, agency in agencies.items()
    ]
    User = get_user_model()
    for username, spec in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                email=f"{username}@demo.invalid",
                password=password,
                first_name=spec["first_name"],
                last_name=spec["last_name"],
            )
            result.created_users.append(username)
        else:
            result.existing_users.append(username)
        agency = agencies[spec["agency"]] if spec.get("agency") else None
        _, created = Membership.objects.get_or_create(
            user=user, partnership=partnership, agency=agency, role=spec["role"]
        )
        result.changes += created


def _without(mapping: dict, *keys: str) -> dict:
    return {key: value for key, value in mapping.items() if key not in keys}


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))
