"""Each agency's funding contribution for a period: entered by hand or uploaded as CSV."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agencies.imports import funding_dataset_read, funding_import_run
from agencies.models import Agency, FundingContribution, FundingImport, FundingImportStatus
from agencies.money import amount_problems
from agencies.services.base import NOTE_MAX, agency_lock, agency_partnership_check, require_manager, too_long
from lib.errors import InvalidInput, WorkflowError
from partnership.audit import audit_record, changes_between
from partnership.models import ReportingPeriod


def _funding_values(contribution: FundingContribution) -> dict:
    return {"amount": contribution.amount, "note": contribution.note}


def funding_label(contribution: FundingContribution) -> str:
    return f"{contribution.agency.name}, {contribution.period.label}"


def _funding_problems(*, amount: Decimal | None, note: str) -> list[str]:
    return amount_problems(amount) + too_long("a note", note, NOTE_MAX)


def _funding_audit(*, code: str, user, contribution: FundingContribution, data: dict) -> None:
    audit_record(
        code=code,
        actor=user,
        period=contribution.period,
        target=contribution,
        target_label=funding_label(contribution),
        data=data,
    )


def funding_create(
    *, user, period: ReportingPeriod, agency: Agency, amount: Decimal | None, note: str = ""
) -> FundingContribution:
    """Enter an agency's contribution for a period (one per agency per period)."""
    require_manager(user, period.partnership)
    note = (note or "").strip()
    agency_partnership_check(agency=agency, partnership=period.partnership_id)
    with transaction.atomic():
        locked_period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        locked_period.partnership = period.partnership
        agency = agency_lock(agency)
        problems = _funding_problems(amount=amount, note=note)
        if not agency.active:
            problems.append(f"{agency.name} is deactivated, so it cannot make a new contribution. Reactivate it first.")
        if FundingContribution.objects.filter(agency=agency, period=locked_period).exists():
            problems.append(f"{agency.name} already has a contribution for {period.label}. Change that one instead.")
        if problems:
            raise InvalidInput(problems)
        contribution = FundingContribution.objects.create(agency=agency, period=locked_period, amount=amount, note=note)
        after = _funding_values(contribution)
        _funding_audit(
            code="agencies.funding.created",
            user=user,
            contribution=contribution,
            data={"after": after, "changes": changes_between({}, after)},
        )
    return contribution


def funding_change(
    *, user, contribution: FundingContribution, amount: Decimal | None, note: str = ""
) -> FundingContribution:
    """Change a contribution's amount or note; the audit trail keeps each earlier value."""
    period = contribution.period
    require_manager(user, period.partnership)
    note = (note or "").strip()
    problems = _funding_problems(amount=amount, note=note)
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        locked = FundingContribution.objects.select_for_update().get(pk=contribution.pk)
        locked.agency, locked.period = contribution.agency, period
        before = _funding_values(locked)
        locked.amount, locked.note = amount, note
        changes = changes_between(before, _funding_values(locked))
        if changes:
            locked.save(update_fields=[*changes, "updated_at"])
            _funding_audit(
                code="agencies.funding.changed",
                user=user,
                contribution=locked,
                data={"before": before, "after": _funding_values(locked), "changes": changes},
            )
    return locked


def funding_remove(*, user, contribution: FundingContribution) -> None:
    """Delete a contribution entered by mistake; the audit trail keeps what it was."""
    period = contribution.period
    require_manager(user, period.partnership)
    with transaction.atomic():
        locked = FundingContribution.objects.select_for_update().filter(pk=contribution.pk).first()
        if locked is None:
            raise WorkflowError("This contribution has already been deleted.")
        locked.agency, locked.period = contribution.agency, period
        _funding_audit(
            code="agencies.funding.deleted", user=user, contribution=locked, data={"before": _funding_values(locked)}
        )
        locked.delete()


# Funding imports ------------------------------------------------------------------

STALE_IMPORT = (
    "This period's funding changed after the file was checked, so importing it now would do something "
    "other than the preview showed. Nothing was imported: upload the file again to see a new preview."
)


def funding_import_check(*, user, period: ReportingPeriod, name: str, raw: bytes) -> FundingImport:
    """Keep an uploaded CSV of the period's funding and check it (a dry run that writes no contribution)."""
    require_manager(user, period.partnership)
    dataset = funding_dataset_read(name=name, raw=raw)
    _, outcome = funding_import_run(period=period, dataset=dataset, dry_run=True)
    with transaction.atomic():
        job = FundingImport(
            period=period,
            uploaded_by=user,
            original_name=name[:200],
            content=raw.decode("utf-8-sig"),
            status=FundingImportStatus.INVALID if outcome.errors else FundingImportStatus.READY,
        )
        _outcome_store(job, outcome)
        job.save()
        audit_record(
            code="agencies.funding.uploaded",
            actor=user,
            period=period,
            target=job,
            target_label=job.original_name,
            data={
                "rows": job.total_rows,
                "new": job.new_rows,
                "updated": job.updated_rows,
                "problems": len(job.errors),
            },
        )
    return job


def funding_import_confirm(*, user, job: FundingImport) -> FundingImport:
    """Import a checked file, all or nothing, exactly as its preview said; each contribution changed is audited."""
    period = job.period
    require_manager(user, period.partnership)
    with transaction.atomic():
        locked = FundingImport.objects.select_for_update().get(pk=job.pk, period=period)
        if locked.status != FundingImportStatus.READY:
            raise WorkflowError(
                f"This file cannot be imported: it is '{locked.get_status_display().lower()}'. "
                "Upload the file again to start a new import."
            )
        ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        try:
            with transaction.atomic():
                resource, outcome = _funding_import_write(locked)
        except InvalidInput as problems:
            locked.status, locked.errors, locked.changes = FundingImportStatus.INVALID, problems.errors, []
            locked.save(update_fields=["status", "errors", "changes", "updated_at"])
            return locked
        _funding_import_audit(user=user, job=locked, resource=resource)
        locked.status, locked.imported_at = FundingImportStatus.DONE, timezone.now()
        locked.content = ""  # the uploaded file is not kept once imported; the job keeps its outcome
        _outcome_store(locked, outcome)
        locked.save()
        audit_record(
            code="agencies.funding.imported",
            actor=user,
            period=period,
            target=locked,
            target_label=locked.original_name,
            data={"rows": locked.total_rows, "new": locked.new_rows, "updated": locked.updated_rows},
        )
    return locked


def _funding_import_write(job: FundingImport):
    """The import itself; raises InvalidInput (rolling every row back) unless it did what the preview said."""
    dataset = funding_dataset_read(name=job.original_name, raw=job.content.encode("utf-8"))
    resource, outcome = funding_import_run(period=job.period, dataset=dataset, dry_run=False)
    if outcome.errors:
        raise InvalidInput(outcome.errors)
    if outcome.changes != job.changes:
        raise InvalidInput(STALE_IMPORT)
    return resource, outcome


def _funding_import_audit(*, user, job: FundingImport, resource) -> None:
    for contribution, before in resource.saved:
        contribution.period = job.period
        after = _funding_values(contribution)
        data = {"import": job.pk, "after": after, "changes": changes_between(before or {}, after)}
        if before is not None:
            data["before"] = before
        code = "agencies.funding.created" if before is None else "agencies.funding.changed"
        _funding_audit(code=code, user=user, contribution=contribution, data=data)


def _outcome_store(job: FundingImport, outcome) -> None:
    job.total_rows = outcome.total_rows
    job.new_rows = outcome.new_rows
    job.updated_rows = outcome.updated_rows
    job.unchanged_rows = outcome.unchanged_rows
    job.errors = outcome.errors
    job.changes = outcome.changes


def funding_imports_clean(*, now=None) -> int:
    """Drop the uploaded text of funding imports not imported within PORTAL_FAILED_IMPORT_DAYS; returns how many.

    Run daily by Celery beat. A checked file nobody confirmed in time is marked as having problems,
    so it can no longer be imported; every job keeps its counts, problems and preview.
    """
    import datetime

    from django.conf import settings

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.PORTAL_FAILED_IMPORT_DAYS)
    stale = FundingImport.objects.exclude(content="").filter(updated_at__lt=cutoff)
    expired = (
        f"Not imported: nobody confirmed it within {settings.PORTAL_FAILED_IMPORT_DAYS} days, so the file was "
        "removed. Upload it again to import it."
    )
    cleaned = 0
    for job_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            job = FundingImport.objects.select_for_update().filter(pk=job_id).exclude(content="").first()
            if job is None or job.updated_at >= cutoff:
                continue
            job.content = ""
            if job.status == FundingImportStatus.READY:
                job.status, job.errors, job.changes = FundingImportStatus.INVALID, [expired], []
            job.save(update_fields=["content", "status", "errors", "changes", "updated_at"])
            cleaned += 1
    return cleaned
