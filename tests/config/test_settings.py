import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "test-only-" + "x7#Kp2$vQ9!mZ4&rT8@wL1^bN6*cY3(hF5)jD0" * 2,
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "sqlite:////tmp/portal-deploy-check.sqlite3",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def run_manage(*args, env):
    full_env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=full_env, capture_output=True, text=True
    )


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deployment_checklist_fails_when_the_email_backend_is_not_set():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_EMAIL_BACKEND"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "portal.E001" in result.stderr
    assert "DJANGO_EMAIL_BACKEND is not set" in result.stderr


def test_deployment_checklist_fails_on_the_console_email_backend():
    env = {**PRODUCTION_ENV, "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "portal.E002" in result.stderr


@pytest.mark.parametrize(
    "debug,explicit,backend,errors",
    [
        (False, False, "django.core.mail.backends.console.EmailBackend", ["portal.E001"]),
        (False, False, "django.core.mail.backends.smtp.EmailBackend", ["portal.E001"]),
        (False, True, "django.core.mail.backends.locmem.EmailBackend", ["portal.E002"]),
        (False, True, "django.core.mail.backends.console.EmailBackend", ["portal.E002"]),
        (False, True, "django.core.mail.backends.smtp.EmailBackend", []),
        (True, False, "django.core.mail.backends.console.EmailBackend", []),
    ],
)
def test_email_backend_check(settings, debug, explicit, backend, errors):
    from lib.checks import email_backend_check

    settings.DEBUG, settings.PORTAL_EMAIL_BACKEND_SET, settings.EMAIL_BACKEND = debug, explicit, backend
    assert [error.id for error in email_backend_check()] == errors


def test_email_backend_check_is_part_of_the_deployment_checklist(settings):
    from django.core.checks import run_checks

    settings.DEBUG, settings.PORTAL_EMAIL_BACKEND_SET = False, False
    assert "portal.E001" in [m.id for m in run_checks(include_deployment_checks=True)]
    assert "portal.E001" not in [m.id for m in run_checks(include_deployment_checks=False)]


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_malformed_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG must be one of"):
        env_bool("DJANGO_DEBUG", True)


def test_malformed_number_fails_loudly(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", 25)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "a.example, b.example,")
    assert env_list("DJANGO_ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_database_connections_persist_with_health_checks():
    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    if database["ENGINE"] == "django.db.backends.postgresql":
        assert database["CONN_MAX_AGE"] > 0


def test_celery_accepts_json_only():
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_SERIALIZER == "json"
