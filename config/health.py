"""/healthz: is the portal's database, cache and broker reachable? For the load balancer and the operator.

A plain view, open to everyone, that says only "ok" or "down" for each part: no address,
no version, no error text (an error message could name a host or a user). It answers 200
while the database is up, since every page needs it, and 503 when it is not; the cache
and the broker being down slow the portal (or delay mail and PDFs) but do not stop it.
"""

from __future__ import annotations

import logging
import secrets

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)
TIMEOUT = 2  # seconds for the broker to answer


def _database() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        logger.warning("Health check: the database is down (%s).", type(error).__name__)
        return False


def _cache() -> bool:
    key, value = "healthz:probe", secrets.token_hex(8)
    try:
        cache.set(key, value, 30)
        return cache.get(key) == value
    except (redis.exceptions.RedisError, OSError) as error:
        logger.warning("Health check: the cache is down (%s).", type(error).__name__)
        return False


def _broker() -> bool:
    if settings.CELERY_TASK_ALWAYS_EAGER or settings.CELERY_BROKER_URL.startswith("memory://"):
        return True  # tasks run in this process: there is no broker to reach
    from config.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=TIMEOUT)
        return True
    except Exception as error:  # kombu and the transports raise many kinds; any of them means down
        logger.warning("Health check: the broker is down (%s).", type(error).__name__)
        return False


@require_GET
def healthz(request):
    checks = {"database": _database(), "cache": _cache(), "broker": _broker()}
    body = {name: "ok" if up else "down" for name, up in checks.items()}
    body["status"] = "ok" if all(checks.values()) else ("degraded" if checks["database"] else "down")
    response = JsonResponse(body, status=200 if checks["database"] else 503)
    response["Cache-Control"] = "no-store"
    return response
