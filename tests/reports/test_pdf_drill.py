"""Finding F9's drill, run in CI: kill -9 a real worker mid-PDF, start another, and the PDF is made once.

Everything is real: its own redis-server (port 6393, nothing kept), a prefork Celery worker in its
own process group, WeasyPrint, and the test's PostgreSQL database, which the workers reach through
DATABASE_URL (PostgreSQL only: the workers are other processes, so they need a database they can
share, and pytest-django's SQLite test database is in memory). The first worker holds its run at
the first progress step (tests/reports/pdf_drill_worker.py); the drill waits until the database
shows the run at work, then kills the worker and its pool child with SIGKILL. The new worker runs
beat with the sweeper every 5 seconds and a 15-second lease, set through the environment; Redis
would only hand the lost message out again after the visibility timeout (30 minutes), so it is
the sweeper that must bring the PDF back, and the PDF must be made exactly once.
"""

import hashlib
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

from partnership.models import AuditEntry
from reports import publishing
from reports.models import PdfState, PublishedReport
from tests.reports.test_publishing import ready_outline, sign_all

pytestmark = [pytest.mark.postgresql_only, pytest.mark.django_db(transaction=True), pytest.mark.timeout(900)]

REDIS_PORT = 6393
BROKER = f"redis://127.0.0.1:{REDIS_PORT}/0"


def wait_for(condition, *, seconds: float, what: str, alive=()):
    """Poll `condition` until it returns something true; fail with `what` after `seconds`, or at once if
    a process in `alive` has ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        for process, log in alive:
            if process.poll() is not None:
                pytest.fail(f"{what}: the process ended ({process.returncode}).\n{log.read_text()[-4000:]}")
        time.sleep(0.25)
    pytest.fail(f"Timed out after {seconds} s waiting for {what}.")


@pytest.fixture
def redis_server(tmp_path):
    import redis

    client = redis.Redis(port=REDIS_PORT, socket_connect_timeout=1)
    try:
        client.ping()
        pytest.fail(f"Port {REDIS_PORT} is already in use; the drill needs its own redis-server there.")
    except redis.ConnectionError:
        pass
    server = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def answers():
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    try:
        wait_for(answers, seconds=30, what="redis-server to answer")
        yield client
    finally:
        server.terminate()
        server.wait(timeout=30)


def database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{quote(db['USER'], safe='')}{password}@{where}/{db['NAME']}"


@pytest.fixture
def workers(tmp_path, redis_server):
    """Start workers as subprocesses, each in its own process group; stop every one at the end."""
    started = []
    base = {key: value for key, value in os.environ.items() if not key.startswith(("PORTAL_PDF_", "CELERY_"))}
    base.update(
        DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=database_url(), REDIS_URL=BROKER,
        CELERY_TASK_ALWAYS_EAGER="0", DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT), PYTHONPATH=str(settings.BASE_DIR),
        PDF_DRILL_GATE=str(tmp_path / "gate-never-opens"),
    )  # fmt: skip

    def start(name: str, module: list[str], *extra: str, **env: str):
        log = tmp_path / f"{name}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", *module, "worker", "--pool=prefork", "--concurrency=1", "-Q", "celery",
             "--loglevel=INFO", "--without-mingle", "--without-gossip", f"--hostname={name}@%h", *extra],
            cwd=settings.BASE_DIR, env={**base, **env}, stdout=log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        started.append(process)
        return process, log

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def test_a_worker_killed_mid_pdf_leaves_a_pdf_the_next_worker_makes_exactly_once(world, workers, monkeypatch, tmp_path):
    from config.celery import app

    ready_outline(world)
    sign_all(world)
    monkeypatch.setattr(publishing, "_queue_pdf", lambda version_id: None)  # the drill sends it to its own Redis
    version = publishing.report_publish(user=world.users["business_manager"], period=world.period)

    first = workers("drill1", ["tests.reports.pdf_drill_worker"])
    # send_task always sends, even though the test process's own Celery app runs tasks eagerly.
    with app.connection_for_write(BROKER) as broker, warnings.catch_warnings():
        warnings.simplefilter("ignore", AlwaysEagerIgnored)
        app.send_task("reports.published_report_pdf", args=[version.pk], connection=broker)

    def at_work():
        row = PublishedReport.objects.get(pk=version.pk)
        return row.pdf_state == PdfState.RUNNING and row.pdf_progress > 5 and row

    running = wait_for(at_work, seconds=180, what="the first worker to start the PDF", alive=[first])
    assert (running.pdf_attempt, running.pdf_step) == (1, "Held by the drill")

    os.killpg(first[0].pid, signal.SIGKILL)  # the worker and its pool child, mid-run
    assert first[0].wait(timeout=30) == -signal.SIGKILL
    killed = PublishedReport.objects.get(pk=version.pk)
    assert (killed.pdf_state, killed.pdf_attempt) == (PdfState.RUNNING, 1)  # what F9 saw: running, for ever

    second = workers(
        "drill2", ["celery", "-A", "config"], "--beat", f"--schedule={tmp_path / 'beat-schedule'}",
        PORTAL_PDF_LEASE_SECONDS="15", PORTAL_PDF_SWEEP_SECONDS="5",
    )  # fmt: skip

    def finished():
        row = PublishedReport.objects.get(pk=version.pk)
        return row.pdf_state in (PdfState.READY, PdfState.FAILED) and row

    done = wait_for(finished, seconds=240, what="the new worker to make the PDF", alive=[second])
    assert done.pdf_state == PdfState.READY, done.pdf_error
    assert (done.pdf_attempt, done.pdf_progress, done.pdf_step) == (2, 100, "Done")
    assert done.pdf_pages >= 3
    folder = done.html.name.rsplit("/", 1)[0]
    assert sorted(name for name in default_storage.listdir(folder)[1] if name.endswith(".pdf")) == ["v1.pdf"]
    data = default_storage.open(done.pdf.name).read()
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == done.pdf_sha256
    requeued = AuditEntry.objects.get(code="reports.report.pdf_requeued")
    assert requeued.actor is None and requeued.data["was"] == "running"
    assert "Task reports.published_report_pdf" in Path(second[1]).read_text()
