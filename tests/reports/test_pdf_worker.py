"""The PDF is made by a real Celery worker on Redis when REDIS_URL is set (CI); eagerly otherwise."""

import time

import pytest
from django.conf import settings

from config.celery import app
from reports.models import PdfState, PublishedReport
from reports.publishing import report_publish
from tests.reports.test_publishing import ready_outline, sign_all

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_celery]


@pytest.fixture
def worker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30) as running:
        yield running


def test_publishing_queues_the_pdf_and_the_worker_reports_progress_then_the_file(world, worker):
    ready_outline(world)
    sign_all(world)
    version = report_publish(user=world.users["business_manager"], period=world.period)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        version = PublishedReport.objects.get(pk=version.pk)
        if version.pdf_state in (PdfState.READY, PdfState.FAILED):
            break
        time.sleep(0.5)
    assert version.pdf_state == PdfState.READY, version.pdf_error
    assert (version.pdf_progress, version.pdf_step) == (100, "Done")
    assert version.pdf_pages >= 3
