"""The demo's publication guard: the business manager's clearances of the flags in a demo period.

2019/20's two small counts (three local reviews, two children in a review) are cleared as the business
manager judged them, so that year publishes; 2020/21 has no clearances, so its planted case study (a
child's age and neighbourhood) keeps the draft from publishing until someone clears or edits it.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.contrib.auth import get_user_model

from reports.demo import DemoDataError
from reports.guard_flags import guard_flag_clear, guard_flags_refresh


def guard_demo_load(*, period, path: Path) -> int:
    """Scan the period's draft and clear the flags `path` (a guard.yaml) lists; returns how many it cleared.
    With no file it only scans, so every flag stays open."""
    flags = guard_flags_refresh(period=period)
    rows = (yaml.safe_load(path.read_text(encoding="utf-8")) or []) if path.exists() else []
    manager = get_user_model().objects.get(username="manager") if rows else None
    cleared = 0
    for row in rows:
        found = [flag for flag in flags if flag.kind == row["kind"] and flag.matched == row["text"]]
        if not found:
            raise DemoDataError(f"{path.name}: no {row['kind']} flag reads '{row['text']}'; the draft has changed.")
        for flag in (flag for flag in found if not flag.cleared):
            flag.period = period
            guard_flag_clear(user=manager, flag=flag, reason=row["reason"], note=row["note"])
            cleared += 1
    return cleared
