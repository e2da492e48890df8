"""The demo's voice ledger: what children and families told the partners, entered as the business
manager would, through the ledger's services (so the demo's entries meet the same rules and are audited).

An entry is matched on its source and date: a second load changes nothing, and an entry whose file
text changed is changed, not added again.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import Agency
from partnership.demo import read_yaml
from partnership.models import Priority
from reports.demo import DemoDataError
from reports.models import VoiceEntry
from reports.voice import FIELDS, voice_entry_add, voice_entry_change

TEXTS = ("service", "said", "source", "consent_record", "we_did", "change_status")


def _fields(item: dict, agencies: dict, priorities: dict, where: str) -> dict:
    fields = {name: item.get(name) for name in FIELDS}
    for name in TEXTS:
        fields[name] = " ".join(str(fields[name] or "").split())
    fields["public"] = bool(item.get("public"))
    if item.get("agency"):
        if item["agency"] not in agencies:
            raise DemoDataError(f"{where}: no agency '{item['agency']}'.")
        fields["agency"] = agencies[item["agency"]]
    if item.get("priority"):
        if item["priority"] not in priorities:
            raise DemoDataError(f"{where}: no priority {item['priority']}.")
        fields["priority"] = priorities[item["priority"]]
    return fields


def _same(entry: VoiceEntry, fields: dict) -> bool:
    return all(getattr(entry, name) == value for name, value in fields.items())


@transaction.atomic
def voice_demo_load(*, period, path: Path) -> int:
    """Load the period's ledger from `path` (demo/<year>/voice.yaml); returns the number of changes."""
    if not path.exists():
        return 0
    items = (read_yaml(path) or {}).get("entries") or []
    manager = get_user_model().objects.get(username="manager")
    agencies = {a.slug: a for a in Agency.objects.filter(partnership_id=period.partnership_id)}
    priorities = {p.position: p for p in Priority.objects.filter(partnership_id=period.partnership_id)}
    existing = {(e.source, e.said_on): e for e in VoiceEntry.objects.filter(period=period)}
    changes = 0
    for number, item in enumerate(items, start=1):
        fields = _fields(item, agencies, priorities, f"{path.name}, entry {number}")
        entry = existing.get((fields["source"], fields["said_on"]))
        if entry is None:
            voice_entry_add(user=manager, period=period, fields=fields)
        elif not _same(entry, fields):
            entry.period = period
            voice_entry_change(user=manager, entry=entry, fields=fields)
        else:
            continue
        changes += 1
    return changes
