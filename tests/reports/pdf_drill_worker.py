"""A Celery worker for the kill -9 drill (tests/reports/test_pdf_drill.py); never used outside tests.

Its PDF runs claim the job, report a first progress step, then hold until the file named by
PDF_DRILL_GATE exists: the drill kills this worker while it holds, so the kill lands mid-run
every time, on a fast machine or a loaded one, with no sleeping and hoping.

    python -m tests.reports.pdf_drill_worker worker --pool=prefork --concurrency=1 ...
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from reports import publishing  # noqa: E402 - needs the apps loaded

real_report_pdf = publishing.report_pdf
GATE = os.environ["PDF_DRILL_GATE"]


def held_report_pdf(html, *, progress=None):
    progress(1, "Held by the drill")
    while not os.path.exists(GATE):
        time.sleep(0.05)
    return real_report_pdf(html, progress=progress)


publishing.report_pdf = held_report_pdf

from config.celery import app  # noqa: E402

if __name__ == "__main__":
    app.worker_main(sys.argv[1:])
