"""Celery: eager in the embedded set-up; a real worker on Redis when REDIS_URL is set (CI)."""

import pytest
from django.conf import settings

from config.celery import app, ping


@pytest.mark.real_celery
def test_tasks_run(celery_worker_or_eager):
    assert ping.delay().get(timeout=10) == "pong"


@pytest.fixture
def celery_worker_or_eager():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10) as worker:
        yield worker


@pytest.mark.real_celery
def test_broker_is_redis_when_redis_url_is_set():
    if settings.REDIS_URL:
        assert app.conf.broker_url.startswith("redis://")
        assert settings.CELERY_TASK_ALWAYS_EAGER is False
    else:
        assert settings.CELERY_TASK_ALWAYS_EAGER is True
