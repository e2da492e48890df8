"""Celery tasks for booking imports: they take a job id (never a delegate's details), and do nothing
if the job has moved on. The time limits bound what one upload may cost a worker; the file's own
limits (training/imports.py) normally refuse a file long before."""

from celery import shared_task

from training.services import import_files_clean, import_job_check, import_job_run

# Seconds. A 200,000-row file takes well under a minute to check or import.
IMPORT_TIME_LIMIT = 600
IMPORT_SOFT_TIME_LIMIT = 540


@shared_task(
    name="training.booking_import_check",
    time_limit=IMPORT_TIME_LIMIT,
    soft_time_limit=IMPORT_SOFT_TIME_LIMIT,
    max_retries=2,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
)
def booking_import_check(job_id: int) -> None:
    """Check an upload (a dry run), streaming it row by row."""
    import_job_check(job_id=job_id)


@shared_task(
    name="training.booking_import_run",
    time_limit=IMPORT_TIME_LIMIT,
    soft_time_limit=IMPORT_SOFT_TIME_LIMIT,
    max_retries=2,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
)
def booking_import_run(job_id: int) -> None:
    """Import an upload once the business manager has confirmed it."""
    import_job_run(job_id=job_id)


@shared_task(name="training.import_files_clean", time_limit=300, soft_time_limit=270)
def import_files_clean_task() -> int:
    """Remove uploaded import files past their keeping (PORTAL_FAILED_IMPORT_DAYS); returns how many."""
    return import_files_clean()
