"""Changes to training records. Each checks permission and state, then writes in one transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lib.errors import DomainError, NotAllowed
from training.models import Booking, BookingStatus, CourseSession
from training.permissions import user_can_manage_training

audit = logging.getLogger("portal.audit")


class TrainingError(DomainError):
    """A change the training rules refuse; the message says what to do instead."""


@dataclass(frozen=True)
class AttendanceChange:
    booking_id: int
    status: str
    completed: bool


def attendance_record(*, user, session: CourseSession, changes: list[AttendanceChange]) -> int:
    """Record attendance for a whole session at once; returns how many bookings changed."""
    if not user_can_manage_training(user, session.course.partnership):
        raise NotAllowed("Only the business manager can change the training programme.")
    for change in changes:
        if change.completed and change.status != BookingStatus.ATTENDED:
            raise TrainingError(
                "Only a delegate who attended can have completed. Untick 'Completed' or mark them attended."
            )
    with transaction.atomic():
        bookings = {b.pk: b for b in Booking.objects.select_for_update().filter(session=session)}
        changed = []
        for change in changes:
            booking = bookings.get(change.booking_id)
            if booking is None:
                raise TrainingError(
                    "A booking on this form no longer belongs to the session. Reload the page and try again."
                )
            if (booking.status, booking.completed) != (change.status, change.completed):
                booking.status, booking.completed = change.status, change.completed
                booking.updated_at = timezone.now()
                changed.append(booking)
        Booking.objects.bulk_update(changed, ["status", "completed", "updated_at"])
        audit.info(
            "training.session.attendance_recorded session=%s user=%s changed=%s", session.pk, user.pk, len(changed)
        )
    return len(changed)


# Imports -------------------------------------------------------------------

# Files up to this many rows are checked and imported while the page waits; larger ones
# go to a Celery worker and the page shows progress.
SYNC_ROW_LIMIT = 2000
_CRASHED = (
    "An unexpected problem stopped import {job}; nothing was written. "
    "Try again later, and if it happens again tell the portal's administrator the import number."
)


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

    if not user_can_manage_training(user, period.partnership):
        raise NotAllowed("Only the business manager can change the training programme.")
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
        audit.info("training.import.uploaded job=%s user=%s rows=%s", job.pk, user.pk, job.total_rows)
    _dispatch(job, "check")
    job.refresh_from_db()
    return job


def booking_import_confirm(*, user, job) -> None:
    """Import a checked file; refuses a file that has problems or was already imported."""
    from training.models import ImportJob, ImportStatus

    if not user_can_manage_training(user, job.period.partnership):
        raise NotAllowed("Only the business manager can change the training programme.")
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportStatus.READY:
            raise TrainingError(
                f"This file cannot be imported now: its status is '{locked.get_status_display()}'. "
                "Upload the file again to start a new import."
            )
        locked.status = ImportStatus.IMPORTING
        locked.save(update_fields=["status", "updated_at"])
        audit.info("training.import.confirmed job=%s user=%s", job.pk, user.pk)
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


def import_job_check(*, job_id: int) -> None:
    """The dry run: count what would change and list every problem, writing no booking."""
    from training.imports import ImportFileError
    from training.models import ImportJob, ImportStatus

    job = ImportJob.objects.select_related("period__partnership").get(pk=job_id)
    if job.status != ImportStatus.CHECKING:
        return  # already checked: a retried task does nothing
    try:
        outcome = _run_resource(job, dry_run=True)
    except ImportFileError as error:
        job.status, job.errors = ImportStatus.INVALID, [str(error)]
    except Exception:
        audit.exception("training.import.crashed job=%s", job.pk)
        job.status, job.errors = ImportStatus.FAILED, [_CRASHED.format(job=job.pk)]
    else:
        job.status = ImportStatus.INVALID if outcome.errors else ImportStatus.READY
        _store(job, outcome)
    job.save()


def import_job_run(*, job_id: int) -> None:
    """The import itself, all or nothing: any problem rolls every row back."""
    from training.imports import ImportFileError
    from training.models import ImportJob, ImportStatus

    job = ImportJob.objects.select_related("period__partnership").get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return  # already imported: a retried task does nothing
    try:
        outcome = _run_resource(job, dry_run=False)
    except ImportFileError as error:
        job.status, job.errors = ImportStatus.FAILED, [str(error)]
    except Exception:
        audit.exception("training.import.crashed job=%s", job.pk)
        job.status, job.errors = ImportStatus.FAILED, [_CRASHED.format(job=job.pk)]
    else:
        job.status = ImportStatus.FAILED if outcome.errors else ImportStatus.DONE
        _store(job, outcome)
    job.save()
    audit.info("training.import.finished job=%s status=%s", job.pk, job.status)


def _store(job, outcome) -> None:
    job.total_rows = outcome.total_rows
    job.new_rows = outcome.new_rows
    job.updated_rows = outcome.updated_rows
    job.unchanged_rows = outcome.unchanged_rows
    job.errors = outcome.errors
    job.changes = outcome.changes


# Courses and sessions ------------------------------------------------------


def course_save(*, user, course, priorities) -> None:
    """Create or change a course of the partnership's programme, with the priorities it serves."""
    if not user_can_manage_training(user, course.partnership):
        raise NotAllowed("Only the business manager can change the training programme.")
    created = course.pk is None
    with transaction.atomic():
        if not created:
            type(course).objects.select_for_update().get(pk=course.pk)
        course.save()
        course.priorities.set(priorities)
        audit.info("training.course.%s course=%s user=%s", "created" if created else "changed", course.pk, user.pk)


def session_save(*, user, session) -> None:
    """Create or change a session; its course must belong to the period's partnership."""
    if not user_can_manage_training(user, session.period.partnership):
        raise NotAllowed("Only the business manager can change the training programme.")
    if session.course.partnership_id != session.period.partnership_id:
        raise TrainingError("Choose one of this partnership's courses.")
    created = session.pk is None
    with transaction.atomic():
        if not created:
            type(session).objects.select_for_update().get(pk=session.pk)
        session.save()
        audit.info("training.session.%s session=%s user=%s", "created" if created else "changed", session.pk, user.pk)
