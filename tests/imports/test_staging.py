"""The upload pipeline's second connection (apps/imports/staging.py).

Outside a transaction (the Celery task, the import_roster command) the lookups and COPYs
of validation run on a background thread with its own connection; inside one (most
tests) they run inline. These tests use real commits (transactional_db) to run the
background path and check it gives exactly what the inline path gives.
"""

import time

import pytest
from django.db import connection, transaction

from apps.imports.models import ImportJob, ImportRow
from apps.imports.services import commit_import, create_import_job
from apps.imports.staging import DatabaseWorker
from apps.imports.validation import run_validation
from apps.members.models import Member
from apps.members.roster.importer import RosterImporter
from tests.members.factories import MemberFactory
from tests.members.roster_files import csv_bytes, person_id, roster_row, roster_rows, upload

Outcome = ImportRow.Outcome


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


def test_inside_a_transaction_steps_run_at_once_on_the_callers_connection(db, tree):
    with DatabaseWorker() as worker:
        pid = worker.run(_backend_pid).result()
        # The tree exists only inside this test's transaction: the same connection sees it.
        seen = worker.run(lambda: Member._meta.apps.get_model("organizations", "Organization")
                          .objects.filter(pk=tree.union_a1a.pk).exists()).result()
    assert pid == _backend_pid() and seen


def test_outside_a_transaction_steps_run_in_order_on_a_second_connection_closed_at_the_end(transactional_db):
    done = []
    with DatabaseWorker() as worker:
        pid = worker.run(_backend_pid).result()
        for n in range(5):
            worker.run(lambda n=n: (time.sleep(0.01 * (5 - n)), done.append(n)))
    assert done == [0, 1, 2, 3, 4]
    assert pid != _backend_pid()
    deadline = time.monotonic() + 5
    while _backend_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _backend_alive(pid)


def test_a_failing_step_is_raised_to_whoever_asks_for_its_result(transactional_db):
    def broken():
        raise ValueError("step failed")

    with DatabaseWorker() as worker:
        failed = worker.run(broken)
        with pytest.raises(ValueError, match="step failed"):
            failed.result()
        assert worker.run(lambda: 42).result() == 42  # the worker goes on


def _validate(org, user, content: bytes) -> ImportJob:
    job = create_import_job(kind="roster", organization=org, uploaded_by=user,
                            uploaded_file=upload(content, "roster.csv"), enqueue=False)
    return run_validation(job_id=job.pk)


def _multi_chunk_roster(tree, user) -> bytes:
    """Rows that end up new, unchanged, updated, in conflict and in error, across chunks."""
    commit_import(job=_validate(tree.union_a1a, user, csv_bytes(roster_rows(2))), actor=user)
    MemberFactory(organization=tree.union_b1, id_number=person_id(200))
    return csv_bytes([
        roster_row(10), roster_row(0), roster_row(11), roster_row(1, **{"姓名": "李思思"}), roster_row(12),
        roster_row(200), roster_row(100, **{"姓名": "赵<六>"}), roster_row(13),
    ])


def test_background_staging_stages_what_inline_staging_stages(transactional_db, tree, branch_officer,
                                                              monkeypatch):
    monkeypatch.setattr(RosterImporter, "chunk_size", 2)  # five chunks, several in flight
    content = _multi_chunk_roster(tree, branch_officer)
    background = _validate(tree.union_a1a, branch_officer, content)
    with transaction.atomic():
        inline = _validate(tree.union_a1a, branch_officer, content)

    def staged(job):
        return list(job.rows.order_by("row_number").values_list("row_number", "outcome", "data", "messages",
                                                                "target_id"))

    assert staged(background) == staged(inline)
    assert background.summary["counts"] == inline.summary["counts"] == {
        Outcome.NEW: 4, Outcome.UPDATED: 1, Outcome.UNCHANGED: 1, Outcome.CONFLICT: 1, Outcome.ERROR: 1,
    }
    assert background.rows_checked == background.rows_total == 8
    assert background.status == ImportJob.Status.REFUSED  # the error row refuses the file


def test_a_file_staged_in_the_background_commits(transactional_db, tree, branch_officer, monkeypatch):
    monkeypatch.setattr(RosterImporter, "chunk_size", 3)
    job = _validate(tree.union_a1a, branch_officer, csv_bytes(roster_rows(10)))
    assert job.status == ImportJob.Status.VALIDATED and job.rows.count() == 10
    commit_import(job=job, actor=branch_officer)
    assert Member.objects.filter(organization=tree.union_a1a).count() == 10
    assert Member.history.filter(history_user=branch_officer).count() == 10
