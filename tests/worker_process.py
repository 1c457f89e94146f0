"""A real Celery worker process for tests (`celery -A unionportal worker`, Redis broker, the
test database through DATABASE_URL).

Each worker listens on its own queue and its own remote-control exchange, so tasks other
tests leave in Redis, or a portal running on the same Redis, cannot make a test pass or
fail; `sending_to(queue)` sends this process's tasks there, and `forget_queue(queue)`
removes what a test left behind, the unacknowledged messages of a killed worker included.
"""

import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from unionportal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]
WORKER_START_TIMEOUT = 30


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


def _use_routes(routes) -> None:
    celery_app.conf.task_routes = routes
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)  # the router keeps the routes it was built with


@contextmanager
def sending_to(queue: str):
    """Tasks sent from this process go to `queue` while inside, those CELERY_TASK_ROUTES sends
    to a queue of their own (imports, reports, notifications) included."""
    previous = celery_app.conf.task_default_queue, celery_app.conf.task_routes
    celery_app.conf.task_default_queue = queue
    _use_routes({"*": {"queue": queue}})
    try:
        yield
    finally:
        celery_app.conf.task_default_queue = previous[0]
        _use_routes(previous[1])


def broker() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def forget_queue(queue: str) -> None:
    """Delete `queue` and the unacknowledged messages taken from it by a worker that died
    (Kombu keeps them in the `unacked` hash until the visibility timeout puts them back)."""
    client = broker()
    client.delete(queue)
    for tag, raw in client.hgetall("unacked").items():
        try:
            _payload, _exchange, routing_key = json.loads(raw)
        except (ValueError, TypeError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


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
    """`pool="solo"` runs tasks in the worker process itself (killing it loses the whole
    worker); `pool="prefork"` runs them in a child process the worker replaces when it dies."""

    def __init__(self, *, queue: str, exchange: str, log: Path, pool: str = "solo", env: dict | None = None):
        self.queue, self.exchange, self.log = queue, exchange, log
        self.hostname = f"{queue}-{log.stem}@localhost"
        environment = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "CELERY_CONTROL_EXCHANGE": exchange,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            **(env or {}),
        }
        command = [sys.executable, "-m", "celery", "-A", "unionportal", "worker", "--pool", pool,
                   "--queues", queue, "--hostname", self.hostname, "--loglevel", "INFO",
                   "--without-mingle", "--without-gossip"]  # fmt: skip
        if pool == "prefork":
            command += ["--concurrency", "1"]
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=self._log_file, stderr=subprocess.STDOUT,
            preexec_fn=_stop_when_pytest_dies,
        )  # fmt: skip

    def wait_until_ready(self) -> "Worker":
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"Celery worker exited with {self.process.returncode}:\n{self.output()}")
            if celery_app.control.ping(destination=[self.hostname], timeout=0.5):
                return self
        self.stop()
        pytest.fail(f"Celery worker did not answer within {WORKER_START_TIMEOUT}s:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL: the worker dies at once, acknowledging nothing and cleaning nothing up."""
        self.process.kill()
        self.process.wait()
        self._log_file.close()

    def pool_children(self) -> list[int]:
        """Process ids of the pool's child processes (prefork)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self._log_file.closed:
            self._log_file.close()

    def output(self) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        return self.log.read_text(errors="replace")[-4000:]
