"""Load the demo partnership by calling each app's own loader, in layer order.

The data files live in this folder (format: demo/README.md); no app below this one knows
the demo's name or where its files are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.demo import agencies_demo_load
from partnership.demo import partnership_demo_load, read_yaml, subgroup_meetings_demo_load
from partnership.models import ReportingPeriod
from partnership.services import period_open
from people.demo import people_demo_load
from reports.demo import reports_demo_load
from reports.demo_guard import guard_demo_load
from reports.demo_progress import progress_demo_load
from reports.demo_signoff import report_demo_sign_off
from reports.demo_voice import voice_demo_load
from reviews.demo import review_decisions_demo_load, reviews_demo_load
from training.demo import training_demo_load

DEMO_DIR = Path(__file__).resolve().parent / "dudley-2019-20"
# The demo's second year, opened by the business manager after the first (format: demo/README.md).
NEXT_DIR = Path(__file__).resolve().parent / "dudley-2020-21"


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
    result.steps["publication guard's clearances"] = guard_demo_load(period=result.period, path=data_dir / "guard.yaml")
    if data_dir == DEMO_DIR:
        result.steps["2020/21 report, in draft"] = demo_next_period_load(result=result, data_dir=NEXT_DIR)
    return result


def _next_period(partnership, data: dict) -> tuple[ReportingPeriod, int]:
    """The period as the business manager opens it in the portal (the service, so it is audited)."""
    existing = ReportingPeriod.objects.filter(partnership=partnership, slug=str(data["slug"])).first()
    if existing is not None:
        return existing, 0
    manager = get_user_model().objects.get(username="manager")
    period = period_open(
        user=manager,
        partnership=partnership,
        label=str(data["label"]),
        slug=str(data["slug"]),
        start=data["start"],
        end=data["end"],
        submission_deadline=data["submission_deadline"],
        notes=data.get("notes", ""),
    )
    return period, 1


@transaction.atomic
def demo_next_period_load(*, result: DemoResult, data_dir: Path = NEXT_DIR) -> int:
    """The second year: its period, funding and subgroup meetings, its outline and sections (all approved, one
    carrying a planted detail the publication guard must catch) and the statutory partners' sign-offs."""
    data = read_yaml(data_dir / "period.yaml")
    base = read_yaml(DEMO_DIR / "partnership.yaml")
    period, changes = _next_period(result.partnership, data["period"])
    _, funding_changes = agencies_demo_load(
        partnership=result.partnership, period=period, data={"agencies": base["agencies"], "funding": data["funding"]}
    )
    changes += funding_changes
    changes += subgroup_meetings_demo_load(partnership=result.partnership, period=period, rows=data["meetings"])
    where = {"partnership": result.partnership, "period": period}
    changes += review_decisions_demo_load(**where, path=data_dir / "review_decisions.yaml")
    changes += reports_demo_load(**where, data_dir=data_dir)
    changes += progress_demo_load(period=period, path=data_dir / "progress.yaml")
    changes += voice_demo_load(period=period, path=data_dir / "voice.yaml")
    changes += report_demo_sign_off(period=period, data_dir=data_dir)
    changes += guard_demo_load(period=period, path=data_dir / "guard.yaml")
    return changes
