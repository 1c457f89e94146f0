"""`/healthz/`: can this instance serve? Database, Redis and a Celery worker, each "ok" or "error: ...".

Monitors and load balancers call it without logging in, so it is cheap (one SELECT 1, one
Redis PING, one Celery control ping that returns at the first worker's answer and waits at
most CELERY_PING_TIMEOUT seconds) and says no more than the kind of failure: details go to
the log, not to an anonymous caller.
"""

import logging

import redis
from redis.sentinel import Sentinel
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from unionportal.celery import app as celery_app

logger = logging.getLogger(__name__)

OK = "ok"
CELERY_PING_TIMEOUT = 1.5


def _error(component: str, exc: Exception) -> str:
    logger.warning("health check: %s is down: %r", component, exc)
    return f"error: {type(exc).__name__}"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means "down"; the class name tells which kind
        return _error("database", exc)
    return OK


def check_redis() -> str:
    try:
        if settings.REDIS_SENTINELS:  # the master the sentinels name now (docs/DEPLOYMENT.md)
            sentinel = Sentinel(settings.REDIS_SENTINELS, socket_connect_timeout=1, socket_timeout=1)
            client = sentinel.master_for(settings.REDIS_SENTINEL_MASTER, socket_connect_timeout=1, socket_timeout=1)
        else:
            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception as exc:
        return _error("redis", exc)
    return OK


def check_celery(*, broker_reachable: bool) -> str:
    if not broker_reachable:
        # Publishing to an unreachable broker retries for a long time; don't hang the probe.
        return "error: broker unreachable"
    try:
        replies = celery_app.control.ping(timeout=CELERY_PING_TIMEOUT, limit=1)
    except Exception as exc:
        return _error("celery", exc)
    if not replies:
        logger.warning("health check: no Celery worker answered within %ss", CELERY_PING_TIMEOUT)
        return f"error: no worker answered within {CELERY_PING_TIMEOUT}s"
    return OK


@never_cache
@require_safe
def healthz(request):
    redis_status = check_redis()
    same_broker = settings.CELERY_BROKER_URL == settings.REDIS_URL or settings.CELERY_BROKER_URL.startswith("sentinel://")
    report = {
        "database": check_database(),
        "redis": redis_status,
        "celery": check_celery(broker_reachable=redis_status == OK or not same_broker),
    }
    healthy = all(value == OK for value in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
