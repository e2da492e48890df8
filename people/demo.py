"""Load a demo partnership's accounts and their roles (format: demo/README.md)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from people.models import Membership, Role


@dataclass
class DemoPeople:
    created_users: list[str] = field(default_factory=list)
    existing_users: list[str] = field(default_factory=list)
    changes: int = 0


def demo_password_generate() -> str:
    """A password that passes the portal's validators."""
    return "demo-" + secrets.token_urlsafe(12)


def people_demo_load(*, partnership, agencies: dict, rows: dict, password: str) -> DemoPeople:
    """The named accounts, and one lead per agency (lead-<agency slug>); existing passwords are left alone."""
    result = DemoPeople()
    wanted = list(rows.items())
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
    return result
