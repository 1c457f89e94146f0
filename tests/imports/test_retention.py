"""Personal data of uploads and background exports is deleted after its retention period;
the record of who uploaded or exported what stays (apps/imports/retention.py,
apps/members/exports.py purge_member_exports, both run nightly by Celery beat)."""

import datetime
import os

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from apps.imports.models import ImportJob, ImportRow
from apps.imports.retention import purge_import_details
from apps.imports.services import ImportRefused, commit_import, create_import_job
from apps.imports.validation import run_validation
from apps.members.exports import purge_member_exports
from apps.members.models import MemberExport
from tests.members.roster_files import roster_row, roster_rows, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_DETAIL_KEEP_DAYS = 30
    settings.EXPORT_FILE_KEEP_DAYS = 7


def _job(org, user, rows, *, days_ago: int) -> ImportJob:
    job = create_import_job(kind="roster", organization=org, uploaded_by=user,
                            uploaded_file=upload(xlsx_bytes(rows)), enqueue=False)
    job = run_validation(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    job.refresh_from_db()
    return job


def test_old_uploads_lose_rows_and_file_but_keep_their_record(tree, branch_officer, django_capture_on_commit_callbacks):
    old = commit_import(job=_job(tree.union_a1a, branch_officer, roster_rows(3), days_ago=31), actor=branch_officer)
    recent = _job(tree.union_a1a, branch_officer, roster_rows(2, start=10), days_ago=29)
    stored, sha256 = old.file.path, old.sha256

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_import_details() == 1

    old.refresh_from_db()
    assert not ImportRow.objects.filter(job=old).exists() and not old.file
    assert not os.path.exists(stored)
    assert len(sha256) == 64
    assert (old.status, old.sha256, old.uploaded_by, old.summary["counts"]["new"]) == (
        ImportJob.Status.COMMITTED, sha256, branch_officer, 3)
    assert "purged_at" in old.summary
    assert ImportRow.objects.filter(job=recent).count() == 2 and recent.file
    assert purge_import_details() == 0  # nothing twice


def test_an_expired_upload_waiting_for_its_commit_can_no_longer_be_committed(tree, branch_officer):
    waiting = _job(tree.union_a1a, branch_officer, roster_rows(2), days_ago=40)
    assert waiting.status == ImportJob.Status.VALIDATED
    purge_import_details()
    waiting.refresh_from_db()
    assert waiting.status == ImportJob.Status.FAILED and "expired" in waiting.summary["error"]
    with pytest.raises(ImportRefused):
        commit_import(job=waiting, actor=branch_officer)


def test_a_job_still_being_validated_is_left_alone(tree, branch_officer):
    job = create_import_job(kind="roster", organization=tree.union_a1a, uploaded_by=branch_officer,
                            uploaded_file=upload(xlsx_bytes(roster_rows(1))), enqueue=False)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    assert purge_import_details() == 0
    job.refresh_from_db()
    assert job.file and "purged_at" not in job.summary


def test_the_page_of_a_purged_upload_says_so_and_offers_no_error_sheet(tree, branch_officer, client):
    job = _job(tree.union_a1a, branch_officer, [roster_row(1), roster_row(2, **{"姓名": "=1+1"})], days_ago=31)
    client.force_login(branch_officer)
    errors_url = reverse("members:roster_errors", args=[job.pk])
    assert client.get(errors_url).status_code == 200
    purge_import_details()
    page = client.get(reverse("members:roster_detail", args=[job.pk])).content.decode()
    assert 'id="import-purged"' in page and 'id="import-errors-download"' not in page
    assert client.get(errors_url).status_code == 404


def test_old_background_exports_lose_their_file(tree, branch_officer, client):
    old = MemberExport.objects.create(requested_by=branch_officer, status=MemberExport.Status.DONE, rows=1)
    old.file.save("old.xlsx", ContentFile(b"personal data"))
    recent = MemberExport.objects.create(requested_by=branch_officer, status=MemberExport.Status.DONE, rows=1)
    recent.file.save("recent.xlsx", ContentFile(b"personal data"))
    MemberExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    stored = old.file.path

    assert purge_member_exports() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == MemberExport.Status.EXPIRED and not old.file
    assert not os.path.exists(stored)
    assert recent.status == MemberExport.Status.DONE and recent.file
    client.force_login(branch_officer)
    assert client.get(reverse("members:export_download", args=[old.pk])).status_code == 404
    assert 'id="export-expired"' in client.get(reverse("members:export_status", args=[old.pk])).content.decode()


def test_both_purges_are_scheduled_nightly_as_registered_tasks(settings):
    from unionportal.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    # Other apps schedule their own work beside the purges (the reminder rules, issue 16; the
    # nightly recount of the kept member figures, issue 15).
    assert {"apps.imports.tasks.purge_import_details", "apps.members.tasks.purge_member_exports"} <= scheduled
    assert scheduled <= set(app.tasks)  # every scheduled entry names a real task
