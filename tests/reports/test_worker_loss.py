"""A report whose worker is killed mid-generation is redone (issue 20 item 4: "never stuck as
running"), with real worker processes: the worker is killed with SIGKILL while the report
is halfway, another one is started, and the sweeper — which beat runs every minute, driven
here every half second with a heartbeat timeout of a few seconds — sends it again. It ends
done on its second try, or failed with a reason; never running.

REPORTS_STEP_PAUSE_SECONDS slows each step of the generation so it can be caught halfway.
"""

import os
import signal
import time
import uuid

import pytest

from apps.reports import services
from apps.reports.models import Report
from apps.reports.tasks import sweep_reports
from tests.reports.conftest import MONTH
from tests.worker_process import Worker, control_exchange, forget_queue, sending_to

pytestmark = pytest.mark.celery_worker
HEARTBEAT_TIMEOUT = 4
LIMIT = 60
Status = Report.Status


@pytest.fixture
def start_worker(transactional_db, settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.REPORTS_HEARTBEAT_TIMEOUT_SECONDS = HEARTBEAT_TIMEOUT
    settings.REPORTS_RETRY_BACKOFF_SECONDS = 0
    name = f"uptest-{uuid.uuid4().hex[:10]}"
    started: list[Worker] = []

    def start(pool: str = "solo", pause: str = "0.6") -> Worker:
        worker = Worker(queue=name, exchange=f"{name}-control", log=tmp_path / f"worker{len(started)}.log", pool=pool,
                        env={"PRIVATE_FILES_ROOT": str(tmp_path / "private"), "REPORTS_STEP_PAUSE_SECONDS": pause})
        started.append(worker)
        return worker.wait_until_ready()

    with control_exchange(f"{name}-control"), sending_to(name):
        try:
            yield start
        finally:
            for worker in started:
                worker.stop()
            forget_queue(name)


def wait_until(report_id, condition, *, what, within=LIMIT) -> Report:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        report = Report.objects.get(pk=report_id)
        if condition(report):
            return report
        time.sleep(0.05)
    pytest.fail(f"report not {what} within {within}s: {report.status} at {report.progress}% (try {report.attempts})")


def sweep_until_finished(report_id, *, within=LIMIT) -> Report:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        sweep_reports()
        report = Report.objects.get(pk=report_id)
        if not report.is_running:
            return report
        time.sleep(0.5)
    pytest.fail(f"report still {report.status} (try {report.attempts}) {within}s after its worker was killed")


def ask(tree, city_staff) -> Report:
    report, created = services.request_report(actor=city_staff, kind="monthly_statistics", organization=tree.city,
                                              period_start=MONTH[0], period_end=MONTH[1])
    assert created
    return report


def test_a_report_whose_worker_is_killed_is_sent_again_and_ends_done(start_worker, tree, city_staff):
    first = start_worker()
    report = ask(tree, city_staff)
    seen = wait_until(report.pk, lambda r: r.status == Status.RUNNING and r.progress >= 15, what="halfway")
    first.kill()  # the whole worker: its message stays unacknowledged in Redis
    assert seen.progress < 100

    start_worker(pause="0")
    report = sweep_until_finished(report.pk)

    assert (report.status, report.attempts, report.progress) == (Status.DONE, 2, 100), report.failure_detail
    assert report.xlsx_file.storage.exists(report.xlsx_file.name) and report.pdf_file.name


def test_a_report_whose_pool_process_is_killed_goes_back_to_the_queue_and_ends_done(start_worker, tree, city_staff):
    """Only the pool's child dies: reject_on_worker_lost puts the message back at once and the
    redelivered message counts as the next try, without the sweeper."""
    worker = start_worker(pool="prefork")
    report = ask(tree, city_staff)
    wait_until(report.pk, lambda r: r.status == Status.RUNNING and r.progress >= 15, what="halfway")
    (child,) = worker.pool_children()
    os.kill(child, signal.SIGKILL)

    report = wait_until(report.pk, lambda r: not r.is_running, what="finished after its pool process died")
    assert (report.status, report.attempts) == (Status.DONE, 2)


def test_a_report_that_kills_every_worker_ends_failed_with_a_reason(start_worker, tree, city_staff, settings):
    settings.REPORTS_MAX_ATTEMPTS = 2
    # Each worker is started before its message is sent: a solo worker busy with a task answers no ping.
    worker = start_worker()
    report = ask(tree, city_staff)
    for attempt in (1, 2):
        wait_until(report.pk, lambda r: r.status == Status.RUNNING and r.attempts == attempt and r.progress >= 15,
                   what=f"halfway on try {attempt}")
        worker.kill()
        if attempt == 1:
            worker = start_worker()
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            current = Report.objects.get(pk=report.pk)
            if current.attempts > attempt or current.status == Status.FAILED:
                break
            sweep_reports()  # notices the silence: try 2 is sent, or after the last one the report fails
            time.sleep(0.5)
    report = Report.objects.get(pk=report.pk)
    assert report.status == Status.FAILED and report.failure == Report.Failure.WORKER_LOST
    assert "interrupted 2 times" in report.failure_reason
