"""Celery tasks of the agencies app."""

from celery import shared_task

from agencies.services import funding_imports_clean


@shared_task(name="agencies.funding_imports_clean", time_limit=300, soft_time_limit=270)
def funding_imports_clean_task() -> int:
    """Drop uploaded funding CSVs past their keeping (PORTAL_FAILED_IMPORT_DAYS); returns how many."""
    return funding_imports_clean()
