"""The demo's sign-offs: the statutory partners' leads sign the approved demo draft."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.contrib.auth import get_user_model

from agencies.models import Agency
from reports.models import SignOff
from reports.publishing import draft_fingerprint, report_sign_off


def report_demo_sign_off(*, period, data_dir: Path) -> int:
    """Sign off the current draft for each statutory partner that has not; returns how many were added."""
    path = data_dir / "signoffs.yaml"
    if not path.exists():
        return 0
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    fingerprint = draft_fingerprint(period)
    added = 0
    for row in rows:
        agency = Agency.objects.get(partnership_id=period.partnership_id, slug=row["agency"])
        if SignOff.objects.filter(
            period=period, statutory_role=agency.statutory_role, fingerprint=fingerprint
        ).exists():
            continue
        lead = get_user_model().objects.get(username=f"lead-{agency.slug}")
        report_sign_off(user=lead, period=period, signatory_name=row["signatory"], agency=agency)
        added += 1
    return added
