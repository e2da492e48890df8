import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic schedules live here, in one place. Each entry names a task and when it runs.
app.conf.beat_schedule = {
    # reports: remind writers of unsubmitted sections 14, 7 and 1 days before the deadline and once after.
    "reports-deadline-reminders": {"task": "reports.send_deadline_reminders", "schedule": crontab(hour=7, minute=0)},
    # reports: queue again a PDF whose run died (past its lease) or whose message was lost (pending too long).
    "reports-pdf-sweep": {"task": "reports.published_report_pdf_sweep", "schedule": settings.PORTAL_PDF_SWEEP_SECONDS},
    # imports: remove uploaded files past PORTAL_FAILED_IMPORT_DAYS (the jobs keep their outcome).
    "training-import-files-clean": {"task": "training.import_files_clean", "schedule": crontab(hour=3, minute=30)},
    "agencies-funding-imports-clean": {
        "task": "agencies.funding_imports_clean",
        "schedule": crontab(hour=3, minute=40),
    },
}


@app.task(name="portal.ping")
def ping() -> str:
    """Answer 'pong'; used to check a worker is listening."""
    return "pong"
