"""The roster upload in a real browser: upload, the live progress bar, the preview, commit."""

import re

import pytest

from apps.imports.committing import run_commit
from apps.imports.models import ImportJob
from apps.imports.tasks import commit_import_task, validate_import
from apps.imports.validation import run_validation
from apps.members.models import Member
from tests.browser.conftest import browser, live_server, page  # noqa: F401  (shared browser fixtures)
from tests.members.roster_files import roster_row, roster_rows, xlsx_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def officer(transactional_db, tree, branch_officer, password, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    # No worker here: the test plays the worker itself, so nothing is sent to the broker
    # (a message left there would reach another test's worker).
    monkeypatch.setattr(validate_import, "delay", lambda **kwargs: None)
    monkeypatch.setattr(commit_import_task, "delay", lambda **kwargs: None)
    return branch_officer


def log_in(page, user, password):  # noqa: F811
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def test_upload_shows_progress_then_preview_then_commits(page, officer, password, tmp_path):  # noqa: F811
    log_in(page, officer, password)
    page.goto("/members/roster/")
    path = tmp_path / "名册.xlsx"
    path.write_bytes(xlsx_bytes(roster_rows(3)))
    page.set_input_files("#roster-upload-form input[type=file]", str(path))
    page.click("#roster-upload-form button[type=submit]")

    # No worker in this test: the job waits, and the page polls its progress bar.
    page.wait_for_selector("#import-progress .progress")
    assert page.locator("#import-tabs").count() == 0
    job = ImportJob.objects.get()
    run_validation(job_id=job.pk)  # what the Celery worker does

    page.wait_for_selector("#import-tabs", timeout=10_000)  # htmx saw the end and reloaded the page
    assert page.inner_text("#import-tabs a[data-outcome=new] .badge") == "3"
    assert "**************" in page.inner_text("#import-rows")
    page.click("#import-commit")
    page.wait_for_selector("#import-progress .progress")  # the commit waits for its worker
    run_commit(job_id=job.pk, actor=officer)  # what the Celery worker does
    page.wait_for_selector("#import-result", timeout=10_000)
    assert Member.objects.filter(organization=officer.organization).count() == 3


def test_errors_are_listed_with_row_and_column(page, officer, password, tmp_path):  # noqa: F811
    log_in(page, officer, password)
    page.goto("/members/roster/")
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx_bytes([roster_row(0), roster_row(1, 公民身份号码="3.71302E+17")]))
    page.set_input_files("#roster-upload-form input[type=file]", str(path))
    page.click("#roster-upload-form button[type=submit]")
    page.wait_for_selector("#import-progress")
    run_validation(job_id=ImportJob.objects.get().pk)
    page.wait_for_selector("#import-tabs")
    row = page.inner_text("#import-rows tbody tr")
    assert row.startswith("3") and "公民身份号码" in row
    assert page.locator("#import-commit").count() == 0
    assert page.locator("#import-errors-download").is_visible()
