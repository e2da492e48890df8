"""Booking-system exports: uploaded, checked (a dry run), confirmed, then imported all or nothing.

The web request only keeps the upload and judges what needs no parsing (its name, size and,
for XLSX, its zip directory). Reading the rows happens in Celery tasks that take the job's
id and nothing else: booking_import_check streams the file once, checks every row and keeps
the rows it would write (compressed) on the job; booking_import_run, once the business
manager confirms, bulk-writes those rows in one transaction if the period's data is as the
check saw it, and otherwise checks the file again and writes in the same transaction, rolled
back on any problem. The uploaded file is removed when the job is done or cancelled, and
PORTAL_FAILED_IMPORT_DAYS after it failed (import_files_clean, run daily by Celery beat).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lib.logs import exception_outline
from partnership.audit import audit_record
from partnership.models import ReportingPeriod
from training.services.base import TrainingError, require_manager

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 1000  # rows between two progress reports to the job's page
_CRASHED = (
    "An unexpected problem stopped import {job}; nothing was written. "
    "Try again later, and if it happens again tell the portal's administrator the import number."
)
_TOO_SLOW = (
    "Import {job} took longer than the portal allows, so it was stopped and nothing was written. "
    "Split the file into smaller files and upload them one at a time."
)
_JOB_RESULT_FIELDS = [
    "status",
    "total_rows",
    "new_rows",
    "updated_rows",
    "unchanged_rows",
    "errors",
    "changes",
    "checked_rows",
    "checked_state",
    "finished_at",
    "updated_at",
]


def _progress_key(job_id: int) -> str:
    return f"training:import:{job_id}:progress"


def _progress_set(job_id: int, rows: int) -> None:
    from django.core.cache import cache

    try:
        cache.set(_progress_key(job_id), rows, timeout=3600)
    except Exception as error:  # noqa: BLE001 - progress is a courtesy; the import goes on without the cache
        logger.warning("Booking import %s: progress not saved (%s)", job_id, type(error).__name__)


def import_progress(*, job) -> int:
    """Rows handled so far by a running job (kept in the cache: the job's own transaction hides its writes)."""
    from django.core.cache import cache

    from training.models import ImportStatus

    try:
        rows = cache.get(_progress_key(job.pk), 0)
    except Exception:  # noqa: BLE001 - the page still shows the job's status
        return 0
    return rows if job.status == ImportStatus.CHECKING else min(rows, job.total_rows)


def booking_import_start(*, user, period, name: str, raw):
    """Keep an uploaded export (bytes or an uploaded file) and queue its check; nothing is parsed here."""
    from django.core.files.base import ContentFile, File

    from training.imports import ImportFileError, file_format_for, upload_check
    from training.models import ImportJob

    require_manager(user, period.partnership)
    upload = ContentFile(raw) if isinstance(raw, bytes) else (raw if isinstance(raw, File) else File(raw))
    try:
        file_format = file_format_for(name)
        upload_check(handle=upload, size=upload.size, file_format=file_format)
    except ImportFileError as error:
        raise TrainingError(str(error)) from None
    upload.seek(0)
    with transaction.atomic():
        job = ImportJob(period=period, uploaded_by=user, file_format=file_format, original_name=name[:200])
        job.file.save(f"bookings.{file_format}", upload, save=False)
        job.save()
        audit_record(
            code="training.import.uploaded",
            actor=user,
            period=period,
            target=job,
            data={"format": file_format, "bytes": upload.size},
        )
        _dispatch(job, "check")
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
        _dispatch(locked, "run")
    job.refresh_from_db()


def booking_import_cancel(*, user, job) -> None:
    """Drop a checked file instead of importing it; the uploaded file is removed, the job keeps its outcome."""
    from training.models import ImportJob, ImportStatus

    require_manager(user, job.period.partnership)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status not in (ImportStatus.READY, ImportStatus.INVALID, ImportStatus.FAILED):
            raise TrainingError(
                f"This import cannot be cancelled now: its status is '{locked.get_status_display()}'. "
                "Reload the page to see where it has got to."
            )
        before = locked.status
        locked.status, locked.finished_at = ImportStatus.CANCELLED, timezone.now()
        locked.checked_rows, locked.checked_state = None, ""
        locked.save(update_fields=["status", "finished_at", "checked_rows", "checked_state", "updated_at"])
        audit_record(
            code="training.import.cancelled",
            actor=user,
            period=locked.period_id,
            partnership=job.period.partnership_id,
            target=locked,
            data={"changes": {"status": [before, ImportStatus.CANCELLED]}},
        )
        _file_remove_on_commit(locked)
    job.refresh_from_db()


def _dispatch(job, step: str) -> None:
    """Hand the job to its task once the job is committed; the task gets the job's id, nothing else."""
    from training import tasks

    task = tasks.booking_import_check if step == "check" else tasks.booking_import_run
    job_id = job.pk
    transaction.on_commit(lambda: task.delay(job_id))


def _file_remove_on_commit(job) -> None:
    """Remove the uploaded file once the job's new status is committed (a rollback keeps it)."""
    name = job.file.name
    if not name:
        return
    storage = job.file.storage
    job_id = job.pk

    def remove() -> None:
        try:
            storage.delete(name)
        except OSError as error:
            logger.warning("Booking import %s: file not removed (%s); the daily clean-up will retry", job_id, error)
            return
        from training.models import ImportJob

        ImportJob.objects.filter(pk=job_id, file=name).update(file="")

    transaction.on_commit(remove)


def _check_file(job):
    """Stream the job's file once through the row checks; ImportFileError for a problem with the file itself."""
    from training.booking_check import BookingCheck, data_state
    from training.imports import booking_rows

    state = data_state(job.period)  # before reading the period, so a change while checking shows later
    _progress_set(job.pk, 0)
    with job.file.open("rb") as handle:
        reader = booking_rows(handle, file_format=job.file_format)
        check = BookingCheck(
            period=job.period, progress=lambda n: _progress_set(job.pk, n), progress_every=PROGRESS_EVERY
        )
        outcome = check.run(reader.rows)
    _progress_set(job.pk, outcome.total_rows)
    return outcome, state


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


def _crash_log(job_id: int, error: BaseException) -> None:
    """Where it broke, without the exception's text: a database error can quote a delegate's email."""
    logger.error("Booking import %s crashed: %s", job_id, exception_outline(error))


class _Refused(Exception):
    """Rolls back the import's writes; carries the outcome that says why."""

    def __init__(self, outcome):
        super().__init__("refused")
        self.outcome = outcome


def import_job_check(*, job_id: int) -> None:
    """The dry run: stream the file, count what would change and list every problem, writing no booking."""
    from celery.exceptions import SoftTimeLimitExceeded

    from training.imports import ImportFileError
    from training.models import ImportStatus

    with transaction.atomic():
        job = _job_locked(job_id, ImportStatus.CHECKING)
        if job is None:
            return  # already checked: a retried task does nothing
        try:
            outcome, state = _check_file(job)
        except ImportFileError as error:
            job.status, job.errors = ImportStatus.INVALID, [str(error)]
        except SoftTimeLimitExceeded:
            job.status, job.errors = ImportStatus.FAILED, [_TOO_SLOW.format(job=job.pk)]
        except Exception as error:  # noqa: BLE001 - reported on the job's page without detail
            _crash_log(job.pk, error)
            job.status, job.errors = ImportStatus.FAILED, [_CRASHED.format(job=job.pk)]
        else:
            _store(job, outcome)
            if outcome.errors:
                job.status = ImportStatus.INVALID
            else:
                job.status, job.checked_rows, job.checked_state = ImportStatus.READY, outcome.rows, state
        if job.status != ImportStatus.READY:
            job.finished_at = timezone.now()  # kept PORTAL_FAILED_IMPORT_DAYS for the manager to see why
        job.save(update_fields=_JOB_RESULT_FIELDS)


def _write(job) -> None:
    """Write the checked rows if the period is as the check saw it; otherwise check the file again first.

    Raises _Refused, rolling back, if the second check finds problems.
    """
    from training.booking_check import booking_rows_write, data_state
    from training.models import ImportJob

    rows = ImportJob.objects.filter(pk=job.pk).values_list("checked_rows", flat=True).get()
    if rows is None or data_state(job.period) != job.checked_state:
        outcome, _ = _check_file(job)
        if outcome.errors:
            raise _Refused(outcome)
        _store(job, outcome)
        rows = outcome.rows
    _progress_set(job.pk, 0)
    booking_rows_write(bytes(rows), progress=lambda n: _progress_set(job.pk, n))
    _progress_set(job.pk, job.total_rows)


def import_job_run(*, job_id: int) -> None:
    """The import itself, all or nothing: any problem rolls every row back. Audited as the uploader's act."""
    from celery.exceptions import SoftTimeLimitExceeded

    from training.imports import ImportFileError
    from training.models import ImportStatus

    with transaction.atomic():
        job = _job_locked(job_id, ImportStatus.IMPORTING)
        if job is None:
            return  # already imported: a retried task does nothing
        try:
            with transaction.atomic():  # a savepoint: any problem rolls back every booking written
                _write(job)
        except _Refused as refused:
            _store(job, refused.outcome)
            job.status = ImportStatus.FAILED
        except ImportFileError as error:
            job.status, job.errors = ImportStatus.FAILED, [str(error)]
        except SoftTimeLimitExceeded:
            job.status, job.errors = ImportStatus.FAILED, [_TOO_SLOW.format(job=job.pk)]
        except Exception as error:  # noqa: BLE001 - reported on the job's page without detail
            _crash_log(job.pk, error)
            job.status, job.errors = ImportStatus.FAILED, [_CRASHED.format(job=job.pk)]
        else:
            job.status = ImportStatus.DONE
        job.checked_rows, job.checked_state, job.finished_at = None, "", timezone.now()
        job.save(update_fields=_JOB_RESULT_FIELDS)
        audit_record(
            code="training.import.finished",
            actor=job.uploaded_by,
            period=job.period,
            target=job,
            data=_finished_data(job),
        )
        if job.status == ImportStatus.DONE:
            _file_remove_on_commit(job)


def import_files_clean(*, now: datetime.datetime | None = None) -> int:
    """Remove uploaded files no job needs: done or cancelled ones, and failed or unconfirmed ones past their days.

    Run daily by Celery beat. A checked file nobody confirmed within PORTAL_FAILED_IMPORT_DAYS is
    cancelled. The jobs keep their outcome; past the same days, without the preview of changes,
    which names delegates. Returns how many files were removed.
    """
    from django.db.models import Q

    from training.models import FINISHED_STATUSES, ImportJob, ImportStatus

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.PORTAL_FAILED_IMPORT_DAYS)
    stale = ImportJob.objects.filter(status=ImportStatus.READY, updated_at__lt=cutoff)
    for job_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=job_id, status=ImportStatus.READY).first()
            if job is None:
                continue
            job.status, job.finished_at = ImportStatus.CANCELLED, now
            job.errors = [
                f"Not imported: nobody confirmed it within {settings.PORTAL_FAILED_IMPORT_DAYS} days, so the "
                "file was removed. Upload it again to import it."
            ]
            job.checked_rows, job.checked_state = None, ""
            job.save(update_fields=["status", "finished_at", "errors", "checked_rows", "checked_state", "updated_at"])
    due = ImportJob.objects.exclude(file="").filter(
        Q(status__in=[ImportStatus.DONE, ImportStatus.CANCELLED])
        | Q(status__in=[ImportStatus.INVALID, ImportStatus.FAILED], finished_at__lt=cutoff)
    )
    removed = 0
    for job in due.only("pk", "file"):
        try:
            job.file.storage.delete(job.file.name)
        except OSError as error:
            logger.warning("Booking import %s: file not removed (%s)", job.pk, error)
            continue
        ImportJob.objects.filter(pk=job.pk).update(file="", checked_rows=None)
        removed += 1
    # The preview names delegates; past the same days a finished job keeps its counts and problems only.
    ImportJob.objects.filter(status__in=FINISHED_STATUSES, finished_at__lt=cutoff).exclude(changes=[]).update(
        changes=[]
    )
    return removed


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
