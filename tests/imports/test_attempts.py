"""The tries of an upload's background step, in-process (apps/imports/attempts.py): the sweeper
sends a quiet job again and fails it after the last try with a reason the clerk reads; a
stale message does nothing; a run given up on stops without staging a row twice; the
commit runs in the worker as the clerk who asked; "check again" starts a failed job over.
The same with real worker processes killed halfway: test_worker_loss.py.
"""

import datetime

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.imports import attempts
from apps.imports.committing import run_commit
from apps.imports.models import ImportJob, ImportRow
from apps.imports.retention import purge_import_details
from apps.imports.services import ImportRefused, create_import_job, recheck_import, request_commit
from apps.imports.tasks import commit_import_task, sweep_import_jobs, validate_import
from apps.imports.validation import run_validation
from apps.members.models import Member
from apps.members.roster.importer import RosterImporter
from tests.members.factories import MemberFactory
from tests.members.roster_files import person_id, roster_rows, upload, xlsx_bytes

Status = ImportJob.Status


@pytest.fixture(autouse=True)
def limits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_HEARTBEAT_TIMEOUT_SECONDS = 120
    settings.IMPORT_MAX_ATTEMPTS = 3
    settings.IMPORT_RETRY_BACKOFF_SECONDS = 30


def uploaded(org, user, rows=3) -> ImportJob:
    return create_import_job(kind="roster", organization=org, uploaded_by=user,
                             uploaded_file=upload(xlsx_bytes(roster_rows(rows))), enqueue=False)


def validated(org, user, rows=3) -> ImportJob:
    job = run_validation(job_id=uploaded(org, user, rows).pk)
    assert job.status == Status.VALIDATED
    return job


def went_quiet(job: ImportJob, *, status: str, tries: int, minutes: int = 3) -> ImportJob:
    """The job as a worker lost `minutes` ago in its `tries`-th try leaves it."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, attempts=tries, started_attempt=tries,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes),
    )
    job.refresh_from_db()
    return job


# --- the sweeper ---------------------------------------------------------------------------------


def test_the_sweeper_sends_a_quiet_validation_again_after_a_backoff_and_leaves_a_live_one_alone(
    tree, branch_officer
):
    quiet = went_quiet(uploaded(tree.union_a1a, branch_officer), status=Status.VALIDATING, tries=1)
    live = went_quiet(uploaded(tree.union_a1a, branch_officer), status=Status.VALIDATING, tries=1, minutes=0)
    done = went_quiet(validated(tree.union_a1a, branch_officer), status=Status.VALIDATED, tries=1)
    now = timezone.now()

    resends, failed = attempts.sweep_stalled_jobs(now=now)

    assert (resends, failed) == ([attempts.Resend("validate", quiet.pk, 2, 30)], 0)
    quiet.refresh_from_db()
    assert (quiet.status, quiet.attempts) == (Status.VALIDATING, 2)
    assert quiet.heartbeat_at == now + datetime.timedelta(seconds=30)  # not quiet while it waits
    assert attempts.sweep_stalled_jobs(now=now + datetime.timedelta(seconds=60)) == ([], 0)
    live.refresh_from_db()
    done.refresh_from_db()
    assert (live.attempts, done.status) == (1, Status.VALIDATED)


def test_the_backoff_doubles_with_each_try():
    assert [attempts.backoff(n) for n in (2, 3, 4)] == [30, 60, 120]


def test_the_sweep_task_sends_the_quiet_job_and_the_worker_validates_it(tree, branch_officer, tasks_in_process):
    job = went_quiet(uploaded(tree.union_a1a, branch_officer), status=Status.UPLOADED, tries=1)  # message lost

    with tasks_in_process():
        assert sweep_import_jobs() == {"resent": 1, "failed": 0}

    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows_checked) == (Status.VALIDATED, 2, 3)


def test_a_quiet_commit_is_sent_again_as_the_clerk_who_asked(tree, branch_officer):
    job = request_commit(job=validated(tree.union_a1a, branch_officer), actor=branch_officer, enqueue=False)
    job = went_quiet(job, status=Status.COMMITTING, tries=1)

    resends, _failed = attempts.sweep_stalled_jobs()

    assert resends == [attempts.Resend("commit", job.pk, 2, 30, branch_officer.pk)]
    assert resends[0].kwargs == {"job_id": job.pk, "attempt": 2, "user_id": branch_officer.pk}


def test_the_sweeper_fails_a_validation_after_its_last_try_with_a_reason_on_its_page_and_removes_its_rows(
    tree, branch_officer, client
):
    """Issue 14 part 2: never stuck; the clerk reads why on the job page and can check again."""
    job = went_quiet(validated(tree.union_a1a, branch_officer), status=Status.VALIDATING, tries=3)
    assert ImportRow.objects.filter(job=job).exists()

    assert attempts.sweep_stalled_jobs() == ([], 1)

    job.refresh_from_db()
    assert job.status == Status.FAILED and "interrupted 3 times" in job.summary["error"]
    assert not ImportRow.objects.filter(job=job).exists()  # no personal data staged for nothing
    client.force_login(branch_officer)
    html = client.get(reverse("members:roster_detail", args=[job.pk])).content.decode()
    assert 'id="import-file-error"' in html and "interrupted 3 times" in html
    assert 'id="import-recheck"' in html and 'id="import-progress"' not in html
    assert 'id="import-tabs"' not in html and 'id="import-failed-rows"' in html


def test_the_sweeper_fails_a_commit_after_its_last_try_and_nothing_is_written(tree, branch_officer):
    job = request_commit(job=validated(tree.union_a1a, branch_officer), actor=branch_officer, enqueue=False)
    went_quiet(job, status=Status.COMMITTING, tries=3)

    assert attempts.sweep_stalled_jobs() == ([], 1)

    job.refresh_from_db()
    assert job.status == Status.FAILED and "The commit was interrupted 3 times" in job.summary["error"]
    assert not ImportRow.objects.filter(job=job).exists() and not Member.objects.exists()
    # a message of the given-up try arriving late does nothing
    assert commit_import_task.apply(kwargs={"job_id": job.pk, "user_id": branch_officer.pk, "attempt": 3}).get() \
        == Status.FAILED
    assert not Member.objects.exists()


def test_the_sweeper_runs_every_minute_as_a_registered_task():
    from unionportal.celery import app

    app.loader.import_default_modules()
    entry = django_settings.CELERY_BEAT_SCHEDULE["sweep-import-jobs"]
    assert entry["schedule"] == 60.0 and entry["task"] in app.tasks


def test_upload_tasks_are_acked_late_rejected_when_their_worker_dies_and_end_before_the_broker_hands_them_out_again():
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    for task in (validate_import, commit_import_task):
        assert task.acks_late and task.reject_on_worker_lost
        assert task.time_limit < visibility
    longest_wait = django_settings.IMPORT_RETRY_BACKOFF_SECONDS * 2 ** django_settings.IMPORT_MAX_ATTEMPTS
    assert longest_wait < visibility  # a retry's countdown is held unacknowledged too


# --- tries and messages --------------------------------------------------------------------------


def test_a_message_of_an_older_try_does_nothing(tree, branch_officer):
    job = uploaded(tree.union_a1a, branch_officer)
    ImportJob.objects.filter(pk=job.pk).update(attempts=2)  # the sweeper sent try 2

    assert run_validation(job_id=job.pk, attempt=1).status == Status.UPLOADED
    assert not ImportRow.objects.filter(job=job).exists()
    assert run_validation(job_id=job.pk, attempt=2).status == Status.VALIDATED


def test_a_redelivered_message_is_a_try_of_its_own_and_one_past_the_last_fails_the_job(tree, branch_officer):
    """A file that kills every worker it meets is bounded too: a message whose try already
    began once (its worker was lost) counts as the next try."""
    job = went_quiet(uploaded(tree.union_a1a, branch_officer), status=Status.VALIDATING, tries=1, minutes=0)
    assert run_validation(job_id=job.pk, attempt=1).attempts == 2

    job = went_quiet(job, status=Status.VALIDATING, tries=3, minutes=0)
    job = run_validation(job_id=job.pk, attempt=3)
    assert job.status == Status.FAILED and "interrupted 3 times" in job.summary["error"]


def test_a_run_given_up_on_stops_at_its_next_chunk_and_the_new_try_stages_every_row_once(
    tree, branch_officer, monkeypatch
):
    monkeypatch.setattr(RosterImporter, "chunk_size", 4)
    classify = RosterImporter.classify
    job = uploaded(tree.union_a1a, branch_officer, rows=20)

    def sweeper_in_between(self, rows, found):
        classify(self, rows, found)
        ImportJob.objects.filter(pk=job.pk, attempts=1).update(attempts=F("attempts") + 1)

    monkeypatch.setattr(RosterImporter, "classify", sweeper_in_between)
    superseded = run_validation(job_id=job.pk, attempt=1)
    assert (superseded.status, superseded.attempts, superseded.rows_checked) == (Status.VALIDATING, 2, 0)
    assert not ImportRow.objects.filter(job=job).exists()  # its chunk was rolled back with the heartbeat

    monkeypatch.setattr(RosterImporter, "classify", classify)
    job = run_validation(job_id=job.pk, attempt=2)
    assert job.status == Status.VALIDATED
    rows = ImportRow.objects.filter(job=job)
    assert rows.count() == 20 and not rows.values("row_number").annotate(n=Count("id")).filter(n__gt=1)


# --- the commit in the worker --------------------------------------------------------------------


def test_the_commit_request_only_asks_and_the_task_commits_once(tree, branch_officer, django_capture_on_commit_callbacks):
    job = validated(tree.union_a1a, branch_officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = request_commit(job=job, actor=branch_officer)
    assert len(callbacks) == 1 and job.status == Status.COMMITTING and not Member.objects.exists()
    kwargs = {"job_id": job.pk, "user_id": branch_officer.pk, "attempt": 1}

    assert commit_import_task.apply(kwargs=kwargs).get() == Status.COMMITTED
    assert commit_import_task.apply(kwargs=kwargs).get() == Status.COMMITTED  # a redelivery: left alone
    assert Member.objects.count() == 3 and Member.history.count() == 3
    job.refresh_from_db()
    assert (job.committed_by, job.rows_written, job.summary["result"]["created"]) == (branch_officer, 3, 3)


def test_the_commit_progress_is_shown_while_it_runs(tree, branch_officer, client):
    job = request_commit(job=validated(tree.union_a1a, branch_officer, rows=6), actor=branch_officer, enqueue=False)
    ImportJob.objects.filter(pk=job.pk).update(rows_written=3, attempts=2, started_attempt=2)
    client.force_login(branch_officer)
    html = client.get(reverse("members:roster_progress", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Committing: 3 of 6 rows written" in html and "50%" in html and 'hx-trigger="every 1s"' in html
    assert 'id="import-retrying"' in html and "try 2 of 3" in html


def test_the_commit_rechecks_the_right_of_the_clerk_who_asked_in_the_worker(tree, branch_officer):
    job = request_commit(job=validated(tree.union_a1a, branch_officer), actor=branch_officer, enqueue=False)
    branch_officer.role = Role.LEADER  # lost the upload right while the commit waited
    branch_officer.save()

    result = commit_import_task.apply(kwargs={"job_id": job.pk, "user_id": branch_officer.pk, "attempt": 1})

    assert result.get() == Status.FAILED
    job.refresh_from_db()
    assert job.status == Status.FAILED and "may no longer commit uploads into" in job.summary["error"]
    assert not Member.objects.exists() and not ImportRow.objects.filter(job=job).exists()


def test_a_failed_commit_removes_its_rows_and_check_again_compares_with_the_roll_as_it_is_now(
    tree, branch_officer
):
    job = request_commit(job=validated(tree.union_a1a, branch_officer), actor=branch_officer, enqueue=False)
    MemberFactory(organization=tree.union_b1, id_number=person_id(2))  # joins elsewhere meanwhile
    with pytest.raises(ImportRefused):
        run_commit(job_id=job.pk, actor=branch_officer)
    job.refresh_from_db()
    assert job.status == Status.FAILED and "Check again" in job.summary["error"]
    assert not ImportRow.objects.filter(job=job).exists()

    job = recheck_import(job=job, actor=branch_officer)
    assert (job.status, job.attempts, job.summary) == (Status.UPLOADED, 1, {})
    job = run_validation(job_id=job.pk, attempt=1)
    assert job.status == Status.VALIDATED and job.summary["counts"]["conflict"] == 1


# --- check again ---------------------------------------------------------------------------------


def test_check_again_on_a_failed_job_sends_its_validation_from_the_page(
    tree, branch_officer, client, django_capture_on_commit_callbacks
):
    job = went_quiet(uploaded(tree.union_a1a, branch_officer), status=Status.VALIDATING, tries=3)
    attempts.sweep_stalled_jobs()
    client.force_login(branch_officer)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("members:roster_recheck", args=[job.pk]), follow=True)

    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.started_attempt, job.rows_total) == (Status.UPLOADED, 1, 0, 0)
    assert "error" not in job.summary
    html = response.content.decode()
    assert "The file is being checked again." in html and "Reading the file…" in html


def test_check_again_is_refused_for_a_job_that_did_not_fail(tree, branch_officer, client):
    job = validated(tree.union_a1a, branch_officer)
    client.force_login(branch_officer)
    response = client.post(reverse("members:roster_recheck", args=[job.pk]), follow=True)
    assert "Only a failed upload" in response.content.decode()
    job.refresh_from_db()
    assert job.status == Status.VALIDATED


def test_check_again_is_refused_for_an_expired_upload_whose_file_is_gone(tree, branch_officer):
    job = validated(tree.union_a1a, branch_officer)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    purge_import_details()
    job.refresh_from_db()
    assert job.status == Status.FAILED and not ImportRow.objects.filter(job=job).exists()
    with pytest.raises(ImportRefused):
        recheck_import(job=job, actor=branch_officer)


def test_check_again_needs_the_upload_right_and_the_scope(tree, branch_officer, sibling_officer, leader):
    job = went_quiet(uploaded(tree.union_a1a, branch_officer), status=Status.VALIDATING, tries=3)
    attempts.sweep_stalled_jobs()
    with pytest.raises(Http404):
        recheck_import(job=job, actor=sibling_officer)
    with pytest.raises(PermissionDenied):
        recheck_import(job=job, actor=leader)
    job.refresh_from_db()
    assert job.status == Status.FAILED
