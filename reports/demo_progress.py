"""Load the demo's tracked items: carry the earlier period's open items into this one and rate some of them
(format: demo/README.md, "progress.yaml").

Everything goes through the services as the business manager and the owning agencies' leads would do it,
so the audit log reads as the portal would have recorded it. Running it again changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from partnership.models import ReportingPeriod
from reports.models_progress import TrackedItem
from reports.progress import progress_items_carry, tracked_item_rate
from reviews.selectors import actions_visible_to

RATED_FIELDS = ("rating", "evidence", "explanation", "what_will_change")


class ProgressDemoError(ValueError):
    """A progress file that does not match the format in demo/README.md."""


def _user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ProgressDemoError(f"The demo user '{username}' is missing; load the partnership first.")
    return user


def _links(period, manager, links: list[str]) -> list[str]:
    """Links as the rating form posts them; a review action is named 'action:<reference>/<recommendation>/<action>'."""
    wanted = [link for link in links if link.startswith("action:")]
    actions = {}
    if wanted:
        for action in actions_visible_to(user=manager, partnership=period.partnership):
            name = f"{action.recommendation.review.reference}/{action.recommendation.number}/{action.number}"
            actions[f"action:{name}"] = f"action:{action.pk}"
    resolved = []
    for link in links:
        if link.startswith("action:") and link not in actions:
            raise ProgressDemoError(f"progress.yaml: no review action '{link[7:]}' in the demo's reviews.")
        resolved.append(actions.get(link, link))
    return resolved


def _rate(period, item: TrackedItem, row: dict, manager) -> int:
    wanted = {name: str(row.get(name) or "").strip() for name in RATED_FIELDS}
    links = _links(period, manager, [str(link) for link in row.get("links") or []])
    current = {name: getattr(item, name) for name in RATED_FIELDS}
    if current == wanted and [f"{x['kind']}:{x['ref']}" for x in item.evidence_links] == links:
        return 0
    rater = _user(f"lead-{item.owner_agency.slug}") if item.owner_agency_id else manager
    item.period = period
    tracked_item_rate(user=rater, item=item, links=links, **wanted)
    return 1


def progress_demo_load(*, period, path: Path) -> int:
    """Carry the items named by the file's `from` period into `period` and rate those it lists; returns the
    number of changes (0 when up to date)."""
    if not path.exists():
        return 0
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    source = ReportingPeriod.objects.filter(partnership_id=period.partnership_id, slug=str(data.get("from"))).first()
    if source is None:
        raise ProgressDemoError(f"progress.yaml: no period '{data.get('from')}' to carry items from.")
    manager = _user("manager")
    with transaction.atomic():
        changes = progress_items_carry(user=manager, source_period=source, target_period=period)
        items = {item.title: item for item in TrackedItem.objects.filter(period=period).select_related("owner_agency")}
        for row in data.get("ratings") or []:
            item = items.get(row.get("title"))
            if item is None:
                raise ProgressDemoError(f"progress.yaml: no carried item called '{row.get('title')}'.")
            changes += _rate(period, item, row, manager)
    return changes
