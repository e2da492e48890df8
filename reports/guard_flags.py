"""The publication guard's flags: kept in step with the draft's text, and cleared by the business manager.

A flag is derived from the draft, like a stored fragment (reports.fragments): each look at the report
scans the text it assembles and brings the period's flags in step (new details become open flags, a flag
whose text is gone is deleted, cleared or not). So the flags need no change signal from sections, and
publishing, which refreshes them under the period's lock, always judges the text it is about to freeze.
Refreshing is not audited (nobody acts); clearing is, with the kind, the location and the reason only:
the flagged text and the note (which may repeat it) stay on the flag, out of the audit trail and logs.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reports.assembly import report_assemble
from reports.errors import InvalidInput, NotAllowed
from reports.guard import Finding, Scanner, known_people, report_findings
from reports.models_guard import ClearReason, GuardFlag
from reports.permissions import user_can_publish_report
from reports.services import audit_write

MAX_NOTE_CHARS = 2_000


class LinkedReason(str):
    """A reason publishing is refused, with the page where it is put right (the report page links it)."""

    url: str

    def __new__(cls, text: str, url: str):
        reason = super().__new__(cls, text)
        reason.url = url
        return reason


def guard_findings(*, period, report=None) -> list[Finding]:
    """Every flag-worthy detail of the period's draft (the preview: each section's latest text)."""
    report = report if report is not None else report_assemble(period=period, preview=True)
    scanner = Scanner(known_people(period.partnership), period.partnership.small_numbers_threshold)
    return report_findings(report, scanner)


def guard_flags_refresh(*, period, report=None) -> list[GuardFlag]:
    """Bring the period's flags in step with its draft and return them, open ones first (a fixed number of
    queries whatever the report's size: one read, and at most one delete, one update and one insert, which
    the database may split into batches)."""
    findings = {finding.fingerprint: finding for finding in guard_findings(period=period, report=report)}
    with transaction.atomic():
        existing = {
            flag.fingerprint: flag for flag in GuardFlag.objects.filter(period=period).select_related("cleared_by")
        }
        gone = [flag.pk for fingerprint, flag in existing.items() if fingerprint not in findings]
        if gone:
            GuardFlag.objects.filter(pk__in=gone).delete()
        moved = []
        for fingerprint, flag in existing.items():
            finding = findings.get(fingerprint)
            if finding is not None and (flag.location, flag.excerpt) != (finding.location, finding.excerpt):
                flag.location, flag.excerpt = finding.location, finding.excerpt
                moved.append(flag)
        if moved:
            GuardFlag.objects.bulk_update(moved, ["location", "excerpt"])
        new = [
            GuardFlag(
                period=period, fingerprint=fingerprint, kind=f.kind, spec_slug=f.spec_slug[:80],
                location=f.location, matched=f.matched, excerpt=f.excerpt,
            )
            for fingerprint, f in findings.items()
            if fingerprint not in existing
        ]  # fmt: skip
        if new:
            # Two pages refreshing at once may both add a flag: the unique fingerprint keeps one.
            GuardFlag.objects.bulk_create(new, ignore_conflicts=True)
            flags = list(GuardFlag.objects.filter(period=period).select_related("cleared_by"))
        else:
            flags = [flag for fingerprint, flag in existing.items() if fingerprint in findings]
    return sorted(flags, key=lambda flag: (flag.cleared, flag.created_at, flag.pk))


def guard_reasons(*, period, flags: list[GuardFlag]) -> list[str]:
    """Why the guard stops publishing: the open flags, linking to their list."""
    open_count = sum(1 for flag in flags if not flag.cleared)
    if not open_count:
        return []
    url = reverse("reports:guard_flags", args=[period.partnership.slug, period.slug])
    detail = "detail that could identify someone is" if open_count == 1 else "details that could identify someone are"
    return [
        LinkedReason(
            f"{open_count} {detail} not cleared. Check each on the publication guard's list of flags, edit the "
            "section or clear the flag with a reason.",
            url,
        )
    ]


def guard_flag_clear(*, user, flag: GuardFlag, reason: str, note: str) -> GuardFlag:
    """The business manager clears a flag with a reason and a note; audited without the flagged text."""
    period = flag.period
    if not user_can_publish_report(user, period):
        raise NotAllowed("Only the business manager can clear a flag of the publication guard.")
    note = (note or "").strip()
    errors = []
    if reason not in ClearReason.values:
        errors.append("Choose why the flag can be cleared: edited, consented or not identifying.")
    if not note:
        errors.append("Enter a note saying what you checked, for example who consented or why it identifies no one.")
    elif len(note) > MAX_NOTE_CHARS:
        errors.append(f"Keep the note under {MAX_NOTE_CHARS:,} characters.")
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        locked = GuardFlag.objects.select_for_update().filter(pk=flag.pk, period=period).first()
        if locked is None:
            raise InvalidInput(
                "This detail is no longer in the draft, so there is nothing to clear. Check the list again."
            )
        if locked.cleared:
            raise InvalidInput("This flag is already cleared; its reason is on the list of flags.")
        locked.reason, locked.note, locked.cleared_by, locked.cleared_at = reason, note, user, timezone.now()
        locked.save(update_fields=["reason", "note", "cleared_by", "cleared_at", "updated_at"])
        audit_write(
            period=period,
            target=locked,
            action="reports.guard.flag_cleared",
            actor=user,
            data={"kind": locked.kind, "location": locked.location, "reason": locked.reason},
        )
    return locked
