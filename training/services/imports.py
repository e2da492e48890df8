"""Booking-system exports: uploaded and checked (a dry run), confirmed, then imported all or nothing."""

from __future__ import annotations

import logging

from django.db import transaction

from lib.logs import exception_outline
from partnership.audit import audit_record
from partnership.models import ReportingPeriod
from training.services.base import TrainingError, require_manager

logger = logging.getLogger(__name__)

# Files up to this many rows are checked and imported while the page waits; larger ones
# go to a Celery worker and the page shows progress.
SYNC_ROW_LIMIT = 2000
_CRASHED = (
    "An unexpected problem stopped import {job}; nothing was written. "
    "Try again later, and if it happens again tell the portal's administrator the import number."
)
_JOB_RESULT_FIELDS = [
    "status",
    "total_rows",
    "new_rows",
    "updated_rows",
    "unchanged_rows",
    "errors",
    "changes",
    "updated_at",
]


def _progress_key(job_id: int) -> str:
    return f"training:import:{job_id}:progress"


def import_progress(*, job) -> int:
    """Rows handled so far by a running job (kept in the cache: the job's own transaction hides its writes)."""
    from django.core.cache import cache

    return min(cache.get(_progress_key(job.pk), 0), job.total_rows)


def booking_import_start(*, user, period, name: str, raw: bytes):
    """Keep an uploaded export and check it (a dry run); large files are checked by a Celery task."""
    from django.core.files.base import ContentFile

    from training.imports import ImportFileError, dataset_read, file_format_for
    from training.models import ImportJob

    require_manager(user, period.partnership)
    try:
        file_format = file_format_for(name)
        dataset = dataset_read(raw=raw, file_format=file_format)
    except ImportFileError as error:
        raise TrainingError(str(error)) from None
    with transaction.atomic():
        job = ImportJob(period=period, uploaded_by=user, file_format=file_format, original_name=name[:200])
        job.total_rows = len(dataset)
        job.file.save(f"bookings.{file_format}", ContentFile(raw), save=False)
        job.save()
        audit_record(
            code="training.import.uploaded",
            actor=user,
            period=period,
            target=job,
            data={"rows": job.total_rows, "format": file_format},
        )
    _dispatch(job, "check")
    job.refresh_from_db()
    return job


def booking_import_confirm(*, user, job) -> None:
    """Import a checked file; refuses a file that has problems or was already imported."""
    from training.models import ImportJob, ImportStatus

    require_manager(user, job.period.partnership)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportStatus.READY:
            raise TrainingError(
                f"This file cannot be imported now: its status is '{locked.get_status_display()}'. "
                "Upload the file again to start a new import."
            )
        locked.status = ImportStatus.IMPORTING
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            code="training.import.confirmed",
            actor=user,
            period=locked.period_id,
            partnership=job.period.partnership_id,
            target=locked,
            data={"rows": locked.total_rows, "changes": {"status": [ImportStatus.READY, ImportStatus.IMPORTING]}},
        )
    job.refresh_from_db()
    _dispatch(job, "run")


def _dispatch(job, step: str) -> None:
    from training import tasks

    task = tasks.booking_import_check if step == "check" else tasks.booking_import_run
    if job.total_rows <= SYNC_ROW_LIMIT:
        (import_job_check if step == "check" else import_job_run)(job_id=job.pk)
    else:
        transaction.on_commit(lambda: task.delay(job.pk))


def _run_resource(job, *, dry_run: bool):
    from django.core.cache import cache

    from training.imports import dataset_read, outcome_from
    from training.resources import BookingResource

    with job.file.open("rb") as handle:
        dataset = dataset_read(raw=handle.read(), file_format=job.file_format)
    key = _progress_key(job.pk)
    cache.set(key, 0, timeout=3600)
    resource = BookingResource(period=job.period, progress=lambda n: cache.set(key, n, timeout=3600))
    result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True)
    cache.set(key, job.total_rows, timeout=3600)
    return outcome_from(result, changes=resource.preview)


def _job_locked(job_id: int, status: str):
    """The job, locked for the rest of the transaction, or None once it has moved past `status`.

    The lock makes a retried task that overlaps the first one wait, then find the job done.
    """
    from training.models import ImportJob

    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if job.status != status:
        return None
    job.period = ReportingPeriod.objects.select_related("partnership").get(pk=job.period_id)
    return job


def _job_outcome(job, *, dry_run: bool, invalid_status: str, good_status: str) -> None:
    """Run the resource and store its outcome on the job; a crash is logged and reported without detail."""
    from training.imports import ImportFileError
    from training.models import ImportStatus

    try:
        with transaction.atomic():  # a savepoint: a database error inside leaves the job's transaction usable
            outcome = _run_resource(job, dry_run=dry_run)
    except ImportFileError as error:
        job.status, job.errors = invalid_status, [str(error)]
    except Exception as error:
        # Not logger.exception: the message may quote a delegate's row (lib/logs.py).
        logger.error("Booking import %s crashed: %s", job.pk, exception_outline(error))
        job.status, job.errors = ImportStatus.FAILED, [_CRASHED.format(job=job.pk)]
    else:
        job.status = invalid_status if outcome.errors else good_status
        _store(job, outcome)
    job.save(update_fields=_JOB_RESULT_FIELDS)


def import_job_check(*, job_id: int) -> None:
    """The dry run: count what would change and list every problem, writing no booking."""
    from training.models import ImportStatus

    with transaction.atomic():
        job = _job_locked(job_id, ImportStatus.CHECKING)
        if job is None:
            return  # already checked: a retried task does nothing
        _job_outcome(job, dry_run=True, invalid_status=ImportStatus.INVALID, good_status=ImportStatus.READY)


def import_job_run(*, job_id: int) -> None:
    """The import itself, all or nothing: any problem rolls every row back. Audited as the uploader's act."""
    from training.models import ImportStatus

    with transaction.atomic():
        job = _job_locked(job_id, ImportStatus.IMPORTING)
        if job is None:
            return  # already imported: a retried task does nothing
        _job_outcome(job, dry_run=False, invalid_status=ImportStatus.FAILED, good_status=ImportStatus.DONE)
        audit_record(
            code="training.import.finished",
            actor=job.uploaded_by,
            period=job.period,
            target=job,
            data=_finished_data(job),
        )


def _finished_data(job) -> dict:
    from training.models import ImportStatus

    data = {
        "result": job.get_status_display(),
        "problems": len(job.errors),
        "changes": {"status": [ImportStatus.IMPORTING, job.status]},
    }
    if job.status == ImportStatus.DONE:  # a failed import wrote nothing, whatever it counted
        data |= {"new_rows": job.new_rows, "updated_rows": job.updated_rows, "unchanged_rows": job.unchanged_rows}
    return data


def _store(job, outcome) -> None:
    job.total_rows = outcome.total_rows
    job.new_rows = outcome.new_rows
    job.updated_rows = outcome.updated_rows
    job.unchanged_rows = outcome.unchanged_rows
    job.errors = outcome.errors
    job.changes = outcome.changes
