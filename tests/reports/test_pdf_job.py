"""The PDF job's guarantees (F9): a lost run comes back, a live one is never doubled, one PDF per version.

The PDF itself is faked here (a few bytes) where only the job's bookkeeping matters; the real
WeasyPrint run, a real worker killed with kill -9 and the sweeper are in test_pdf_drill.py.
"""

import datetime
import hashlib
import logging
import threading

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEntry
from reports import publishing
from reports.errors import InvalidInput
from reports.models import PdfState, PublishedReport
from reports.publishing import (
    PdfBusy,
    published_report_pdf_make,
    published_report_pdf_retry,
    published_report_pdf_sweep,
    report_publish,
)
from reports.rendering import RenderedPdf
from reports.tasks import published_report_pdf
from tests.reports.test_publishing import correct_and_sign, ready_outline, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(world):
    """A published version whose PDF is still pending (its task has not run)."""
    ready_outline(world)
    sign_all(world)
    return report_publish(user=world.users["business_manager"], period=world.period)


@pytest.fixture
def renders(monkeypatch):
    """Fake the WeasyPrint run: record each call and return a small PDF."""
    calls = []

    def fake(html, *, progress=None):
        calls.append(html)
        progress(2, "Laying out pages")
        return RenderedPdf(data=b"%PDF-1.7 fake " + str(len(calls)).encode(), pages=3)

    monkeypatch.setattr(publishing, "report_pdf", fake)
    return calls


def set_job(version, **fields):
    PublishedReport.objects.filter(pk=version.pk).update(**fields)
    return PublishedReport.objects.select_related("period__partnership").get(pk=version.pk)


def pdf_files(version):
    folder = version.html.name.rsplit("/", 1)[0]
    return sorted(name for name in default_storage.listdir(folder)[1] if name.endswith(".pdf"))


def lease(settings):
    return datetime.timedelta(seconds=settings.PORTAL_PDF_LEASE_SECONDS)


def test_the_lease_outlasts_the_time_limit_so_a_live_run_always_holds_it(settings):
    assert published_report_pdf.time_limit == settings.PORTAL_PDF_TIME_LIMIT
    assert published_report_pdf.soft_time_limit < published_report_pdf.time_limit < settings.PORTAL_PDF_LEASE_SECONDS
    assert published_report_pdf.acks_late is True and published_report_pdf.reject_on_worker_lost is True


def test_a_run_claims_the_job_and_makes_the_pdf(version, renders):
    made = published_report_pdf_make(version_id=version.pk)
    assert (made.pdf_state, made.pdf_attempt, len(renders)) == (PdfState.READY, 1, 1)
    assert made.pdf_started_at is not None
    assert made.pdf_sha256 == hashlib.sha256(default_storage.open(made.pdf.name).read()).hexdigest()


def test_a_second_delivery_while_a_live_run_holds_a_fresh_lease_does_not_start(version, renders):
    started = timezone.now() - datetime.timedelta(seconds=30)
    set_job(version, pdf_state=PdfState.RUNNING, pdf_started_at=started, pdf_attempt=1, pdf_progress=44)
    with pytest.raises(PdfBusy):
        published_report_pdf_make(version_id=version.pk)
    assert published_report_pdf.delay(version.pk).get() == ""  # the task acknowledges it and does nothing
    version.refresh_from_db()
    assert (version.pdf_state, version.pdf_started_at, version.pdf_attempt, version.pdf_progress) == (
        PdfState.RUNNING, started, 1, 44,
    )  # fmt: skip
    assert renders == []


def test_a_run_past_its_lease_was_killed_so_the_next_delivery_takes_the_job_over(version, renders, settings):
    started = timezone.now() - lease(settings) - datetime.timedelta(seconds=1)
    set_job(version, pdf_state=PdfState.RUNNING, pdf_started_at=started, pdf_attempt=1, pdf_progress=95)
    assert published_report_pdf.delay(version.pk).get()
    version.refresh_from_db()
    assert (version.pdf_state, version.pdf_attempt, len(renders)) == (PdfState.READY, 2, 1)
    assert pdf_files(version) == ["v1.pdf"]


def test_a_failed_pdf_is_not_made_again_by_a_stray_delivery_only_by_the_manager(version, renders):
    set_job(version, pdf_state=PdfState.FAILED, pdf_error="The PDF could not be made: fonts missing")
    assert published_report_pdf_make(version_id=version.pk).pdf_state == PdfState.FAILED
    assert renders == []


def test_a_file_left_by_a_run_killed_before_its_commit_is_replaced_not_doubled(version, renders):
    folder = version.html.name.rsplit("/", 1)[0]
    default_storage.save(f"{folder}/v1.pdf", default_storage.open(version.html.name))  # the dead run's bytes
    made = published_report_pdf_make(version_id=version.pk)
    assert pdf_files(made) == ["v1.pdf"] and made.pdf.name == f"{folder}/v1.pdf"
    assert default_storage.open(made.pdf.name).read() == b"%PDF-1.7 fake 1"


# The sweeper ------------------------------------------------------------------------------------


def test_the_sweeper_queues_again_a_run_past_its_lease_as_the_portal_without_personal_data(
    version, renders, settings, django_capture_on_commit_callbacks, caplog
):
    started = timezone.now() - lease(settings) - datetime.timedelta(seconds=1)
    set_job(version, pdf_state=PdfState.RUNNING, pdf_started_at=started, pdf_attempt=1, pdf_progress=95)
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True) as queued:
        assert published_report_pdf_sweep() == 1
    assert len(queued) == 1
    version.refresh_from_db()
    assert (version.pdf_state, version.pdf_attempt, len(renders)) == (PdfState.READY, 2, 1)
    entry = AuditEntry.objects.get(code="reports.report.pdf_requeued")
    assert (entry.actor, entry.period_id, entry.data["version"], entry.data["was"]) == (
        None,
        version.period_id,
        1,
        "running",
    )
    swept = [r.getMessage() for r in caplog.records if r.name == "reports.publishing"]
    assert swept == [f"PDF job of published version id {version.pk} was running after 1 attempts: queued again"]
    for personal in ("manager", "Test Partnership", "tsp", "Director"):
        assert all(personal not in message for message in swept)


def test_the_sweeper_queues_again_a_pdf_never_picked_up(version, settings, django_capture_on_commit_callbacks):
    waited = timezone.now() - datetime.timedelta(minutes=settings.PORTAL_PDF_PENDING_MINUTES, seconds=1)
    set_job(version, pdf_queued_at=waited)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert published_report_pdf_sweep() == 1
    version.refresh_from_db()
    assert len(queued) == 1 and version.pdf_state == PdfState.PENDING and version.pdf_queued_at > waited
    assert AuditEntry.objects.get(code="reports.report.pdf_requeued").data["was"] == "pending"


def test_the_sweeper_leaves_live_waiting_finished_and_failed_jobs_alone(
    world, version, settings, django_capture_on_commit_callbacks
):
    edge = timezone.now() - lease(settings) + datetime.timedelta(seconds=30)
    others = []
    for n in (2, 3, 4):
        correct_and_sign(world, f"Correction {n}.")  # publishing the same draft twice is refused
        others.append(
            report_publish(user=world.users["business_manager"], period=world.period, change_note=f"Correction {n}.")
        )
    set_job(version, pdf_state=PdfState.RUNNING, pdf_started_at=edge, pdf_attempt=1)
    waiting = (
        timezone.now()
        - datetime.timedelta(minutes=settings.PORTAL_PDF_PENDING_MINUTES)
        + datetime.timedelta(seconds=30)
    )
    set_job(others[0], pdf_queued_at=waiting)
    old = timezone.now() - datetime.timedelta(days=1)
    set_job(others[1], pdf_state=PdfState.FAILED, pdf_queued_at=old, pdf_started_at=old)
    set_job(
        others[2], pdf_state=PdfState.READY, pdf="x.pdf", pdf_sha256="a" * 64, pdf_queued_at=old, pdf_started_at=old
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert published_report_pdf_sweep() == 0
    assert queued == [] and not AuditEntry.objects.filter(code__startswith="reports.report.pdf_").exists()


def test_the_sweeper_marks_failed_a_pdf_that_never_finishes_so_it_is_not_tried_for_ever(
    version, settings, django_capture_on_commit_callbacks
):
    started = timezone.now() - lease(settings) - datetime.timedelta(seconds=1)
    set_job(version, pdf_state=PdfState.RUNNING, pdf_started_at=started, pdf_attempt=settings.PORTAL_PDF_MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert published_report_pdf_sweep() == 1
    version.refresh_from_db()
    assert queued == [] and version.pdf_state == PdfState.FAILED
    assert version.pdf_error.startswith(f"The PDF was started {settings.PORTAL_PDF_MAX_ATTEMPTS} times and never")
    assert "'Make the PDF again'" in version.pdf_error
    assert AuditEntry.objects.get(code="reports.report.pdf_gave_up").actor is None


def test_the_sweep_task_is_scheduled_more_often_than_a_lease_lasts(settings):
    from config.celery import app

    entry = app.conf.beat_schedule["reports-pdf-sweep"]
    assert entry["task"] == "reports.published_report_pdf_sweep"
    assert entry["schedule"] == settings.PORTAL_PDF_SWEEP_SECONDS < settings.PORTAL_PDF_LEASE_SECONDS
    assert app.tasks["reports.published_report_pdf_sweep"].delay().get() == 0


# "Make the PDF again" ---------------------------------------------------------------------------


def clock(moment):
    return timezone.localtime(moment).strftime("%H:%M")


def test_retry_refuses_a_live_run_and_says_when_it_started_and_when_to_retry(version, world, settings):
    started = timezone.now() - datetime.timedelta(minutes=3)
    version = set_job(version, pdf_state=PdfState.RUNNING, pdf_started_at=started, pdf_attempt=1)
    expected = (
        f"The PDF is being made; started at {clock(started)}; you can retry after {clock(started + lease(settings))}."
    )
    with pytest.raises(InvalidInput) as refused:
        published_report_pdf_retry(user=world.users["business_manager"], version=version)
    assert str(refused.value) == expected
    assert PublishedReport.objects.get(pk=version.pk).pdf_attempt == 1


def test_retry_refuses_a_pdf_waiting_for_a_worker_only_while_it_is_fresh(version, world, settings):
    queued = PublishedReport.objects.get(pk=version.pk).pdf_queued_at
    retry_after = queued + datetime.timedelta(minutes=settings.PORTAL_PDF_PENDING_MINUTES)
    with pytest.raises(InvalidInput, match=f"queued at {clock(queued)}; you can retry after {clock(retry_after)}"):
        published_report_pdf_retry(user=world.users["business_manager"], version=version)


def test_retry_accepts_a_stalled_run_from_the_report_page(
    version, world, settings, client_as, renders, django_capture_on_commit_callbacks
):
    page = reverse("reports:report", args=[world.partnership.slug, world.period.slug])
    manager = client_as("business_manager")
    fresh = timezone.now() - datetime.timedelta(minutes=1)
    set_job(version, pdf_state=PdfState.RUNNING, pdf_started_at=fresh, pdf_attempt=1)
    assert "Make the PDF again" not in manager.get(page).content.decode()
    started = timezone.now() - lease(settings) - datetime.timedelta(minutes=1)
    set_job(version, pdf_state=PdfState.RUNNING, pdf_started_at=started, pdf_attempt=1)
    html = manager.get(page).content.decode()
    assert "PDF stalled" in html and f"Started at {clock(started)} and not finished in time." in html
    assert "Make the PDF again" in html
    retry = reverse("reports:pdf_retry", args=[world.partnership.slug, world.period.slug, 1])
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(retry, follow=True)
    assert "The PDF of version 1 is being made again." in response.content.decode()
    version.refresh_from_db()
    assert (version.pdf_state, version.pdf_attempt, len(renders)) == (PdfState.READY, 1, 1)
    entry = AuditEntry.objects.get(code="reports.report.pdf_retried")
    assert entry.actor == world.users["business_manager"] and entry.data["was"] == "running"


def test_retry_of_a_live_run_shows_the_refusal_on_the_page(version, world, client_as):
    started = timezone.now() - datetime.timedelta(minutes=2)
    set_job(version, pdf_state=PdfState.RUNNING, pdf_started_at=started, pdf_attempt=1)
    retry = reverse("reports:pdf_retry", args=[world.partnership.slug, world.period.slug, 1])
    html = client_as("business_manager").post(retry, follow=True).content.decode()
    assert f"The PDF is being made; started at {clock(started)}; you can retry after" in html
    assert PublishedReport.objects.get(pk=version.pk).pdf_state == PdfState.RUNNING


# Two deliveries at once, on PostgreSQL (SQLite serialises its writers) -----------------------------


def in_threads(*targets):
    """Run each target in its own thread and database connection; return their results (or errors)."""
    results = [None] * len(targets)

    def run(index, target):
        try:
            results[index] = target()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def published_with_no_pdf(world, monkeypatch):
    """Publish, committed, without queueing the PDF (in these tests the threads are the deliveries)."""
    ready_outline(world)
    sign_all(world)
    with monkeypatch.context() as patch:
        patch.setattr(publishing, "_queue_pdf", lambda version_id: None)
        return report_publish(user=world.users["business_manager"], period=world.period)


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_with_a_fresh_lease_make_one_pdf(world, monkeypatch):
    version = published_with_no_pdf(world, monkeypatch)
    claimed, release, calls = threading.Event(), threading.Event(), []

    def slow(html, *, progress=None):
        calls.append(1)
        claimed.set()
        assert release.wait(60)
        return RenderedPdf(data=b"%PDF-1.7 only", pages=3)

    monkeypatch.setattr(publishing, "report_pdf", slow)

    def second():
        assert claimed.wait(60)
        try:
            return published_report_pdf_make(version_id=version.pk)
        finally:
            release.set()

    first, busy = in_threads(lambda: published_report_pdf_make(version_id=version.pk), second)
    assert isinstance(busy, PdfBusy), busy
    assert first.pdf_state == PdfState.READY and len(calls) == 1
    assert pdf_files(first) == ["v1.pdf"]


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_rendering_at_once_past_a_lease_write_one_file_with_one_sha(world, monkeypatch, settings):
    """The worst case: the first run outlives its lease (set to 0 here), a second claims the job, both
    render at the same time and race to save; one writes, the other returns what the first wrote."""
    version = published_with_no_pdf(world, monkeypatch)
    settings.PORTAL_PDF_LEASE_SECONDS = 0
    both = threading.Barrier(2, timeout=60)

    def racing(html, *, progress=None):
        both.wait()  # both runs hold a claim and render now
        return RenderedPdf(data=f"%PDF-1.7 run {threading.get_ident()}".encode(), pages=3)

    monkeypatch.setattr(publishing, "report_pdf", racing)
    results = in_threads(*(lambda: published_report_pdf_make(version_id=version.pk) for _ in range(2)))
    assert all(isinstance(result, PublishedReport) for result in results), results
    version.refresh_from_db()
    assert {result.pdf_sha256 for result in results} == {version.pdf_sha256}
    assert (version.pdf_state, version.pdf_attempt) == (PdfState.READY, 2)
    assert pdf_files(version) == ["v1.pdf"]
    assert hashlib.sha256(default_storage.open(version.pdf.name).read()).hexdigest() == version.pdf_sha256
