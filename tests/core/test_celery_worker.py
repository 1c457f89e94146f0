"""Celery for real: a worker process started here (`celery -A unionportal worker`, Redis broker,
results in the test database through django-db) runs `ping`, and /healthz/ sees it.

Each worker here listens on its own queue and its own remote-control exchange, so tasks other
tests leave in Redis, or a portal running on the same Redis, cannot make these tests pass or fail.
"""

import tempfile
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django_celery_results.models import TaskResult

from apps.core.tasks import TransactionAwareTask, ping
from tests.worker_process import Worker, control_exchange, forget_queue
from unionportal.celery import app as celery_app


@pytest.fixture(scope="module")
def celery_worker(django_db_setup):
    """One worker process for this module (starting one costs a few seconds)."""
    name = f"uptest-{uuid.uuid4().hex[:10]}"
    with tempfile.TemporaryDirectory() as tmp, control_exchange(f"{name}-control"):
        worker = Worker(queue=name, exchange=f"{name}-control", log=Path(tmp) / "worker.log")
        try:
            worker.wait_until_ready()
            yield worker
        finally:
            worker.stop()
            forget_queue(name)


@pytest.mark.celery_worker
def test_real_worker_runs_ping_and_stores_the_result(db, celery_worker):
    result = ping.apply_async(queue=celery_worker.queue)

    assert result.get(timeout=10) == "pong"
    stored = TaskResult.objects.get(task_id=result.id)
    assert (stored.status, stored.worker) == ("SUCCESS", celery_worker.hostname)


@pytest.mark.celery_worker
def test_healthz_is_ok_with_a_worker_running(db, client, celery_worker):
    response = client.get("/healthz/", secure=True)

    assert response.status_code == 200, response.content
    assert response.json() == {"database": "ok", "redis": "ok", "celery": "ok"}


@pytest.mark.celery_worker
def test_healthz_answers_503_when_no_worker_listens(db, client):
    # A control exchange no worker listens on: "no worker running", whatever else runs on this Redis.
    with control_exchange(f"uptest-{uuid.uuid4().hex[:10]}-control"):
        started = time.monotonic()
        response = client.get("/healthz/", secure=True)
        elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert (body["database"], body["redis"]) == ("ok", "ok")
    assert body["celery"].startswith("error: no worker answered")
    assert elapsed < 5  # the probe waits a short, bounded time


@celery_app.task(base=TransactionAwareTask, name="tests.core.transaction_aware_probe")
def transaction_aware_probe():
    return "probe"


def queued(queue: str) -> int:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL).llen(queue)


@pytest.mark.celery_worker  # needs the Redis broker, not a worker
def test_transaction_aware_task_is_sent_only_when_the_transaction_commits(
    db, django_capture_on_commit_callbacks
):
    queue = f"uptest-{uuid.uuid4().hex[:10]}"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                assert transaction_aware_probe.apply_async(queue=queue) is None
                assert queued(queue) == 0
        assert queued(queue) == 1
    finally:
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)


@pytest.mark.celery_worker  # needs the Redis broker, not a worker
def test_transaction_aware_task_is_never_sent_when_the_transaction_rolls_back(
    db, django_capture_on_commit_callbacks
):
    queue = f"uptest-{uuid.uuid4().hex[:10]}"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                transaction_aware_probe.apply_async(queue=queue)
                raise RuntimeError("roll back")

    assert callbacks == []
    assert queued(queue) == 0
