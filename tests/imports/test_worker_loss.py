"""A job survives a dead worker (issue 14 part 2), with real worker processes and a roster of
40,000 rows: the worker is killed with SIGKILL in the middle of the work, another one is
started, and the job must end validated or committed (or failed with a reason) within the
limit — never stuck at "validating 4000 / 50000" — with nothing written twice.

The sweeper, which Celery beat runs every minute, is driven here every half second with a
heartbeat timeout of a few seconds (apps/imports/attempts.py).
"""

import os
import signal
import time
import uuid

import pytest
from django.db.models import Count

from apps.imports.models import ImportJob, ImportRow
from apps.imports.services import create_import_job, request_commit
from apps.imports.tasks import sweep_import_jobs
from apps.imports.validation import run_validation
from apps.members import counts
from apps.members.models import Member, OrganizationMemberCount
from tests.members.roster_files import csv_bytes, roster_rows, upload
from tests.worker_process import Worker, control_exchange, forget_queue, sending_to

pytestmark = pytest.mark.celery_worker

ROWS = 40_000
HEARTBEAT_TIMEOUT = 5  # seconds; production waits 120
# Kill, notice (the timeout), send again, a whole new run: far less than this.
LIMIT = 45
Status = ImportJob.Status


@pytest.fixture(scope="module")
def roster_csv() -> bytes:
    return csv_bytes(roster_rows(ROWS))


@pytest.fixture
def start_worker(transactional_db, settings, tmp_path):
    """start_worker(pool=…) starts a worker on this test's own queue; all are stopped after."""
    settings.MEDIA_ROOT = tmp_path  # the worker reads the stored upload from the same place
    settings.IMPORT_HEARTBEAT_TIMEOUT_SECONDS = HEARTBEAT_TIMEOUT
    settings.IMPORT_RETRY_BACKOFF_SECONDS = 0
    name = f"uptest-{uuid.uuid4().hex[:10]}"
    started: list[Worker] = []

    def start(pool: str = "solo") -> Worker:
        worker = Worker(queue=name, exchange=f"{name}-control", log=tmp_path / f"worker{len(started)}.log",
                        pool=pool, env={"MEDIA_ROOT": str(tmp_path)})
        started.append(worker)
        return worker.wait_until_ready()

    with control_exchange(f"{name}-control"), sending_to(name):
        try:
            yield start
        finally:
            for worker in started:
                worker.stop()
            forget_queue(name)


def wait_until(job_id: int, condition, *, what: str, within: float = LIMIT) -> ImportJob:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if condition(job):
            return job
        if not job.is_running:
            pytest.fail(f"job ended {job.status} ({job.summary.get('error')}) before it was {what}")
        time.sleep(0.02)
    pytest.fail(f"job not {what} within {within}s: {job.status}, checked {job.rows_checked}, "
                f"written {job.rows_written}")


def sweep_until_finished(job_id: int, *, within: float = LIMIT) -> ImportJob:
    """What beat does every minute, every half second, until the job is no longer running."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        sweep_import_jobs()
        job = ImportJob.objects.get(pk=job_id)
        if not job.is_running:
            return job
        time.sleep(0.5)
    pytest.fail(f"job still {job.status} (try {job.attempts}) {within}s after its worker was killed")


def assert_staged_once(job: ImportJob) -> None:
    rows = ImportRow.objects.filter(job=job)
    assert rows.count() == ROWS
    assert not rows.values("row_number").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_a_validation_whose_worker_is_killed_is_sent_again_and_ends_validated(
    start_worker, tree, branch_officer, roster_csv
):
    first = start_worker()
    job = create_import_job(kind="roster", organization=tree.union_a1a, uploaded_by=branch_officer,
                            uploaded_file=upload(roster_csv, "roster.csv"))
    seen = wait_until(job.pk, lambda j: j.status == Status.VALIDATING and j.rows_checked >= ROWS // 4,
                      what="a quarter checked")
    first.kill()  # the whole worker: its message stays unacknowledged in Redis
    killed = time.monotonic()
    assert seen.rows_checked < ROWS

    start_worker()
    job = sweep_until_finished(job.pk)

    assert time.monotonic() - killed < LIMIT
    assert (job.status, job.attempts, job.rows_checked) == (Status.VALIDATED, 2, ROWS)
    assert job.summary["counts"]["new"] == ROWS
    assert_staged_once(job)  # the chunks the dead worker staged were not kept twice


def test_a_validation_whose_pool_process_is_killed_goes_back_to_the_queue_and_ends_validated(
    start_worker, tree, branch_officer, roster_csv
):
    """Only the pool's child process dies: reject_on_worker_lost puts the message back at
    once and the worker's new child validates the file again, without the sweeper."""
    worker = start_worker(pool="prefork")
    job = create_import_job(kind="roster", organization=tree.union_a1a, uploaded_by=branch_officer,
                            uploaded_file=upload(roster_csv, "roster.csv"))
    wait_until(job.pk, lambda j: j.status == Status.VALIDATING and j.rows_checked >= ROWS // 4,
               what="a quarter checked")
    (child,) = worker.pool_children()
    os.kill(child, signal.SIGKILL)

    job = wait_until(job.pk, lambda j: not j.is_running, what="finished after its pool process died")

    assert (job.status, job.attempts) == (Status.VALIDATED, 2)
    assert_staged_once(job)


def test_a_commit_whose_worker_is_killed_writes_nothing_and_the_next_try_commits_once(
    start_worker, tree, branch_officer, roster_csv
):
    job = create_import_job(kind="roster", organization=tree.union_a1a, uploaded_by=branch_officer,
                            uploaded_file=upload(roster_csv, "roster.csv"), enqueue=False)
    assert run_validation(job_id=job.pk).status == Status.VALIDATED
    first = start_worker()
    request_commit(job=job, actor=branch_officer)  # what the commit button does
    seen = wait_until(job.pk, lambda j: j.status == Status.COMMITTING and j.rows_written >= ROWS // 4,
                      what="a quarter written")
    first.kill()  # in the middle of the commit's one transaction
    killed = time.monotonic()
    assert seen.rows_written < ROWS
    assert not Member.objects.exists()  # nothing of a dead commit is ever visible
    assert not OrganizationMemberCount.objects.filter(organization=tree.union_a1a).exists()  # nor its figures

    start_worker()
    job = sweep_until_finished(job.pk)

    assert time.monotonic() - killed < LIMIT
    assert (job.status, job.attempts, job.committed_by) == (Status.COMMITTED, 2, branch_officer)
    assert job.summary["result"]["created"] == ROWS
    members = Member.objects.filter(organization=tree.union_a1a)
    assert members.count() == ROWS
    assert members.values("id_number").distinct().count() == ROWS  # nobody twice
    assert Member.history.filter(history_type="+").count() == ROWS
    # The kept figures (issue 15) count the retried commit once: they are written in its transaction.
    assert OrganizationMemberCount.objects.get(organization=tree.union_a1a, joined_year=0).current == ROWS
    assert counts.recount(repair=False).drift == []
