"""Celery tasks for large booking imports: they take a job id, and do nothing if the job has moved on."""

from celery import shared_task

from training.services import import_job_check, import_job_run


@shared_task(
    name="training.booking_import_check",
    time_limit=1800,
    soft_time_limit=1700,
    max_retries=2,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
)
def booking_import_check(job_id: int) -> None:
    """Check a large upload (a dry run)."""
    import_job_check(job_id=job_id)


@shared_task(
    name="training.booking_import_run",
    time_limit=1800,
    soft_time_limit=1700,
    max_retries=2,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
)
def booking_import_run(job_id: int) -> None:
    """Import a large upload once the business manager has confirmed it."""
    import_job_run(job_id=job_id)
