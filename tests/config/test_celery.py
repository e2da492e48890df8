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


def test_redis_hands_a_message_out_again_only_after_the_longest_run_has_ended():
    """An unacknowledged message comes back after the visibility timeout: shorter than a PDF's lease,
    every long PDF (and every email waiting behind it) would be delivered twice while it still runs."""
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert app.conf.broker_transport_options["visibility_timeout"] == timeout
    assert timeout > settings.PORTAL_PDF_LEASE_SECONDS > settings.PORTAL_PDF_TIME_LIMIT
    assert app.conf.worker_prefetch_multiplier == 1


def test_compose_keeps_redis_queue_on_a_volume_with_an_append_only_file():
    import yaml

    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    redis = compose["services"]["redis"]
    assert "--appendonly yes" in redis["command"] and "--appendfsync everysec" in redis["command"]
    assert "redisdata:/data" in redis["volumes"] and "redisdata" in compose["volumes"]
    assert "beat" in compose["services"]["beat"]["command"]
