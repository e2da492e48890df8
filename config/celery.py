import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic schedules live here, in one place. Each entry names a task and when it runs.
app.conf.beat_schedule = {}


@app.task(name="portal.ping")
def ping() -> str:
    """Answer 'pong'; used to check a worker is listening."""
    return "pong"
