"""Redis down (issue 11, F11): the cache is an optimisation. A Redis of the test's own, on a free port, is
stopped under a published report: the latest page, a version page and the sign-in page still answer,
/healthz says the cache is down, and when Redis comes back the portal uses it again.

Never the shared Redis on 6379."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from reports.frozen import frozen_cache_clear, latest_number_set
from reports.publishing import report_publish
from tests.reports.test_publishing import ready_outline, sign_all

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    # CI runs the SQLite and PostgreSQL suites side by side: each picks a port nobody holds.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = _free_port()
DEADLINE = 60  # seconds; generous for a loaded machine


def wait_for(condition, what):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def answers() -> bool:
    try:
        return redis.Redis(port=PORT, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        return False


class OwnRedis:
    def __init__(self):
        self.process = None

    def start(self):
        assert shutil.which("redis-server"), "redis-server is installed by .ci/run"
        assert not answers(), f"something else is listening on port {PORT}"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(answers, "redis-server to answer")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=DEADLINE)
        self.process = None
        wait_for(lambda: not answers(), "redis-server to stop")


@pytest.fixture
def own_redis(settings):
    server = OwnRedis()
    server.start()
    settings.CACHES = {  # setting_changed resets Django's cache connections
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{PORT}/0",
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    yield server
    server.stop()


def health(client):
    response = client.get(reverse("healthz"))
    return response.status_code, response.json()


def test_the_public_report_answers_with_redis_stopped_and_recovers(world, own_redis, caplog, monkeypatch):
    monkeypatch.setattr("reports.publishing._queue_pdf", lambda version_id: None)
    ready_outline(world)
    sign_all(world)
    version = report_publish(user=world.users["business_manager"], period=world.period)
    latest_number_set(version)  # what the publish's on-commit does
    assert cache.get(f"reports:latest:{world.partnership.slug}:{world.period.slug}") == 1  # really in Redis
    client = Client()
    latest = reverse("public:report_latest", args=[world.partnership.slug, world.period.slug])
    pages = [latest, version.public_path()]
    before = {url: client.get(url).content for url in pages}
    assert health(client) == (200, {"database": "ok", "cache": "ok", "broker": "ok", "status": "ok"})

    own_redis.stop()
    frozen_cache_clear()  # nothing held in this process: the cache is asked, fails, and the database answers
    with caplog.at_level(logging.WARNING, logger="reports.frozen"):
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.content == before[url]
    warnings = [record.getMessage() for record in caplog.records if record.name == "reports.frozen"]
    assert warnings and all("Cache unavailable" in text for text in warnings)
    assert not any(world.users["business_manager"].username in text for text in warnings)
    assert client.get(reverse("account_login")).status_code == 200
    status, body = health(client)
    assert status == 200 and body["cache"] == "down" and body["database"] == "ok" and body["status"] == "degraded"
    assert "6392" not in str(body) and "redis" not in str(body).lower()

    own_redis.start()
    wait_for(lambda: health(client)[1]["cache"] == "ok", "the portal to use Redis again")
    frozen_cache_clear()
    assert client.get(latest).status_code == 200
    assert cache.get(f"reports:latest:{world.partnership.slug}:{world.period.slug}") == 1  # set again in Redis
