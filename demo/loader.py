"""Load the demo partnership by calling each app's own loader, in layer order.

The data files live in this folder (format: demo/README.md); no app below this one knows
the demo's name or where its files are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from agencies.demo import agencies_demo_load
from partnership.demo import partnership_demo_load, read_yaml
from people.demo import people_demo_load
from reports.demo import reports_demo_load
from reports.demo_signoff import report_demo_sign_off
from reviews.demo import reviews_demo_load
from training.demo import training_demo_load

DEMO_DIR = Path(__file__).resolve().parent / "dudley-2019-20"


@dataclass
class DemoResult:
    partnership: object
    period: object
    created_users: list[str] = field(default_factory=list)
    existing_users: list[str] = field(default_factory=list)
    changes: int = 0
    steps: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def demo_base_load(*, password: str, data_dir: Path = DEMO_DIR) -> DemoResult:
    """The partnership, its period, priorities, subgroups, agencies, funding and accounts."""
    data = read_yaml(data_dir / "partnership.yaml")
    partnership, period, changes = partnership_demo_load(data=data, data_dir=data_dir)
    agencies, agency_changes = agencies_demo_load(partnership=partnership, period=period, data=data)
    people = people_demo_load(partnership=partnership, agencies=agencies, rows=data["users"], password=password)
    return DemoResult(
        partnership=partnership,
        period=period,
        created_users=people.created_users,
        existing_users=people.existing_users,
        changes=changes + agency_changes + people.changes,
    )


def demo_load(*, password: str, data_dir: Path = DEMO_DIR) -> DemoResult:
    """Everything: the base, then reviews, training, the report's sections and its sign-offs."""
    result = demo_base_load(password=password, data_dir=data_dir)
    where = {"partnership": result.partnership, "period": result.period}
    result.steps["practice reviews"] = reviews_demo_load(**where, path=data_dir / "reviews.yaml")
    result.steps["training programme"] = training_demo_load(**where, path=data_dir / "training.yaml")
    result.steps["report sections"] = reports_demo_load(**where, data_dir=data_dir)
    result.steps["sign-offs by the statutory partners"] = report_demo_sign_off(period=result.period, data_dir=data_dir)
    return result
