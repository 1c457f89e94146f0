"""Celery for real: a worker process started here (`celery -A unionportal worker`, Redis broker,
results in the test database through django-db) runs `ping`, and /healthz/ sees it.

Each worker here listens on its own queue and its own remote-control exchange, so tasks other
tests leave in Redis, or a portal running on the same Redis, cannot make these tests pass or fail.
"""

import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django_celery_results.models import TaskResult

from apps.core.tasks import TransactionAwareTask, ping
from unionportal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
WORKER_START_TIMEOUT = 20


@contextmanager
def control_exchange(name: str):
    """Broadcast remote-control commands (ping) on `name` from this process while inside."""
    previous = celery_app.conf.control_exchange
    celery_app.conf.control_exchange = name
    celery_app.__dict__.pop("control", None)  # Control builds its mailbox once; rebuild it
    try:
        yield
    finally:
        celery_app.conf.control_exchange = previous
        celery_app.__dict__.pop("control", None)


def worker_database_url() -> str:
    """The DATABASE_URL of the database this test session uses (test_<name>), for the worker."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    netloc = f"{auth}@{quote(db['HOST'] or '', safe='')}" + (f":{db['PORT']}" if db["PORT"] else "")
    url = f"postgres://{netloc}/{quote(db['NAME'], safe='')}"
    if socket_dir := db.get("OPTIONS", {}).get("host"):  # embedded PostgreSQL listens on a socket
        url += "?host=" + socket_dir
    return url


def _stop_when_pytest_dies():
    """Linux: the worker gets SIGTERM if pytest is killed, instead of living on as an orphan."""
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Worker:
    def __init__(self, *, queue: str, exchange: str, log: Path):
        self.queue, self.exchange, self.log = queue, exchange, log
        self.hostname = f"{queue}@localhost"
        env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "CELERY_CONTROL_EXCHANGE": exchange,
            "CELERY_TASK_ALWAYS_EAGER": "0",
        }
        command = [sys.executable, "-m", "celery", "-A", "unionportal", "worker", "--pool", "solo",
                   "--queues", queue, "--hostname", self.hostname, "--loglevel", "INFO",
                   "--without-mingle", "--without-gossip"]  # fmt: skip
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT,
            preexec_fn=_stop_when_pytest_dies,
        )  # fmt: skip

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"Celery worker exited with {self.process.returncode}:\n{self.output()}")
            if celery_app.control.ping(destination=[self.hostname], timeout=0.5):
                return
        self.stop()
        pytest.fail(f"Celery worker did not answer within {WORKER_START_TIMEOUT}s:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")[-4000:]


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
            redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(name)


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
