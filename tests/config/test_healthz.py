"""/healthz: database, cache and broker each ok or down; 200 while the database is up, 503 when it is not;
no secrets, no sign-in."""

import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_everything_up_answers_200_ok():
    response = Client().get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "ok", "status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_database_down_answers_503_and_names_no_secret(monkeypatch, settings):
    settings.DATABASES["default"]["PASSWORD"] = "a-secret-password"

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" failed: password a-secret-password')

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = Client().get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "down", "cache": "ok", "broker": "ok", "status": "down"}
    assert b"secret" not in response.content and b"db.internal" not in response.content


def test_cache_down_is_degraded_not_down(monkeypatch):
    import redis

    def refuse(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")

    from django.core.cache import cache

    monkeypatch.setattr(cache, "set", refuse)
    response = Client().get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "down", "broker": "ok", "status": "degraded"}
    assert b"6379" not in response.content


def test_broker_down_is_reported(settings):
    from config.celery import app

    # Read first: Celery loads its configuration from the settings once, on first use, and must not load the
    # overridden address below (every later test in this process would then talk to port 1).
    saved = app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = Client().get(reverse("healthz"))
    finally:
        app.conf.broker_url = saved
    assert response.status_code == 200
    assert response.json()["broker"] == "down"
    assert b"127.0.0.1" not in response.content
