"""Roster upload pages: template, upload, progress, preview, commit, error report; scope and rights."""

import io

import openpyxl
import pytest
from django.urls import reverse

from apps.imports.models import ImportJob
from apps.imports.services import create_import_job
from apps.imports.validation import run_validation
from apps.members.models import Member
from tests.members.roster_files import HEADERS, person_id, roster_row, roster_rows, upload, xlsx_bytes


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def validated_job(org, user, rows) -> ImportJob:
    job = create_import_job(kind="roster", organization=org, uploaded_by=user,
                            uploaded_file=upload(xlsx_bytes(rows)), enqueue=False)
    return run_validation(job_id=job.pk)


def test_template_has_chinese_headers_a_text_id_column_and_an_explanation_sheet(login, branch_officer):
    response = login(branch_officer).get(reverse("members:roster_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["会员名册", "填写说明"]
    sheet = book["会员名册"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.column_dimensions["B"].number_format == "@"  # 公民身份号码 stays text
    notes = [[c.value for c in row] for row in book["填写说明"].iter_rows()]
    assert notes[0][:2] == ["Column", "English"]
    political = next(row for row in notes if row[0] == "政治面貌")
    assert "中共党员" in political[3] and "群众" in political[3]


def test_upload_page_needs_the_upload_right(login, leader, branch_officer):
    assert login(leader).get(reverse("members:roster_upload")).status_code == 403
    assert login(branch_officer).get(reverse("members:roster_upload")).status_code == 200


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("members:roster_upload"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_upload_creates_a_job_validated_after_commit(login, tree, branch_officer, django_capture_on_commit_callbacks):
    client = login(branch_officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("members:roster_upload"), {
            "organization": tree.union_a1a.code, "file": upload(xlsx_bytes(roster_rows(2)))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("members:roster_detail", args=[job.pk])
    assert job.organization == tree.union_a1a and job.uploaded_by == branch_officer
    assert len(callbacks) == 1


def test_branch_officer_gets_404_uploading_into_a_sibling_union(login, tree, branch_officer):
    response = login(branch_officer).post(reverse("members:roster_upload"), {
        "organization": tree.union_a1b.code, "file": upload(xlsx_bytes(roster_rows(1)))})
    assert response.status_code == 404
    assert not ImportJob.objects.exists()


def test_oversize_upload_is_refused_with_a_message(login, tree, branch_officer, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1024 * 1024
    response = login(branch_officer).post(reverse("members:roster_upload"), {
        "organization": tree.union_a1a.code, "file": upload(b"a,b\n" * 300_000, "big.csv")})
    assert response.status_code == 200 and "larger than 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("name", ["roster_detail", "roster_progress", "roster_errors"])
def test_sibling_officer_gets_404_for_another_unions_upload(login, tree, branch_officer, sibling_officer, name):
    job = validated_job(tree.union_a1a, branch_officer, roster_rows(1))
    assert login(sibling_officer).get(reverse(f"members:{name}", args=[job.pk])).status_code == 404


def test_sibling_officer_cannot_commit_another_unions_upload(login, tree, branch_officer, sibling_officer):
    job = validated_job(tree.union_a1a, branch_officer, roster_rows(1))
    assert login(sibling_officer).post(reverse("members:roster_commit", args=[job.pk])).status_code == 404
    assert not Member.objects.exists()


def test_progress_partial_polls_until_done_then_refreshes(login, tree, branch_officer):
    job = create_import_job(kind="roster", organization=tree.union_a1a, uploaded_by=branch_officer,
                            uploaded_file=upload(xlsx_bytes(roster_rows(3))), enqueue=False)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING, rows_checked=1, rows_total=3)
    client = login(branch_officer)
    url = reverse("members:roster_progress", args=[job.pk])
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and "1 of 3 rows checked" in html and "33%" in html
    page = client.get(reverse("members:roster_detail", args=[job.pk])).content.decode()
    assert 'id="import-progress"' in page and "import-tabs" not in page

    run_validation(job_id=job.pk)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_preview_shows_counts_tabs_and_masked_ids(login, tree, branch_officer):
    job = validated_job(tree.union_a1a, branch_officer, roster_rows(3))
    html = login(branch_officer).get(reverse("members:roster_detail", args=[job.pk])).content.decode()
    assert 'id="import-tabs"' in html and 'id="import-commit"' in html
    assert person_id(0) not in html and "**************" + person_id(0)[-4:] in html


def test_preview_error_tab_lists_row_column_and_reason(login, tree, branch_officer):
    job = validated_job(tree.union_a1a, branch_officer, [roster_row(0), roster_row(1, 公民身份号码="3.71302E+17")])
    html = login(branch_officer).get(reverse("members:roster_detail", args=[job.pk])).content.decode()
    assert "<td>3</td><td>公民身份号码</td>" in html and "scientific notation" in html
    assert 'id="import-commit"' not in html and 'id="import-errors-download"' in html


def test_commit_button_asks_a_worker_and_the_page_follows_the_commit(login, tree, branch_officer,
                                                                     django_capture_on_commit_callbacks):
    job = validated_job(tree.union_a1a, branch_officer, roster_rows(3))
    client = login(branch_officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("members:roster_commit", args=[job.pk]), follow=True)
    assert len(callbacks) == 1  # the commit task, sent once the request's transaction commits
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTING and job.commit_requested_by == branch_officer
    assert not Member.objects.exists()  # the request only asks
    html = response.content.decode()
    assert 'id="import-progress"' in html and "Committing: waiting for the commit to start" in html
    progress = client.get(reverse("members:roster_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in progress.content.decode()


def test_commit_button_writes_the_members(login, tree, branch_officer, tasks_in_process):
    job = validated_job(tree.union_a1a, branch_officer, roster_rows(3))
    client = login(branch_officer)
    with tasks_in_process():
        client.post(reverse("members:roster_commit", args=[job.pk]))
    assert Member.objects.filter(organization=tree.union_a1a).count() == 3
    response = client.get(reverse("members:roster_detail", args=[job.pk]))
    assert 'id="import-result"' in response.content.decode()
    done = client.get(reverse("members:roster_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_committing_twice_by_double_click_sends_one_commit(login, tree, branch_officer,
                                                           django_capture_on_commit_callbacks):
    job = validated_job(tree.union_a1a, branch_officer, roster_rows(2))
    client = login(branch_officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("members:roster_commit", args=[job.pk]))
        client.post(reverse("members:roster_commit", args=[job.pk]))
    assert len(callbacks) == 1


def test_error_report_is_the_uploaded_sheet_with_an_error_column(login, tree, branch_officer):
    rows = [roster_row(0), roster_row(1, 姓名="=cmd|' /C calc'!A0"), roster_row(2)]
    job = validated_job(tree.union_a1a, branch_officer, rows)
    response = login(branch_officer).get(reverse("members:roster_errors", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == [*HEADERS, "错误/Errors"]
    assert values[2][0] == "'=cmd|' /C calc'!A0"  # the clerk's formula comes back neutralized
    assert values[2][-1].startswith("姓名: ") and values[1][-1] is None
    assert values[1][1] == person_id(0)


def test_job_page_queries_do_not_grow_with_rows(login, tree, branch_officer, django_assert_max_num_queries):
    client = login(branch_officer)
    small = validated_job(tree.union_a1a, branch_officer, roster_rows(3))
    big = validated_job(tree.union_a1a, branch_officer, roster_rows(120, start=10))
    for job in (small, big):
        with django_assert_max_num_queries(12):
            assert client.get(reverse("members:roster_detail", args=[job.pk])).status_code == 200


def test_upload_page_lists_only_uploads_in_scope(login, tree, branch_officer, sibling_officer):
    validated_job(tree.union_a1b, sibling_officer, roster_rows(1))
    html = login(branch_officer).get(reverse("members:roster_upload")).content.decode()
    assert "乙公司工会" not in html.split('id="roster-recent"')[1]


def test_upload_of_only_unchanged_rows_offers_no_commit_and_says_why(login, tree, branch_officer, tasks_in_process):
    """DESIGN.md "Roster upload": re-uploading the same file changes nothing — so the page
    says so and offers nothing to commit (issue 14 part 4 item 5)."""
    client = login(branch_officer)
    first = validated_job(tree.union_a1a, branch_officer, roster_rows(2))
    with tasks_in_process():  # the commit runs in the worker
        client.post(reverse("members:roster_commit", args=[first.pk]))
    again = validated_job(tree.union_a1a, branch_officer, roster_rows(2))
    assert again.summary["counts"]["unchanged"] == 2
    html = client.get(reverse("members:roster_detail", args=[again.pk])).content.decode()
    assert 'id="import-commit"' not in html
    assert 'id="import-nothing-to-commit">Nothing would change: every row is already on the roll.<' in html
    response = client.post(reverse("members:roster_commit", args=[again.pk]), follow=True)
    assert "Nothing would change" in response.content.decode()
    again.refresh_from_db()
    assert again.status == ImportJob.Status.VALIDATED and again.committed_at is None


def test_upload_with_one_changed_row_still_offers_the_commit(login, tree, branch_officer):
    client = login(branch_officer)
    client.post(reverse("members:roster_commit", args=[validated_job(tree.union_a1a, branch_officer, roster_rows(2)).pk]))
    more = validated_job(tree.union_a1a, branch_officer, roster_rows(3))
    html = client.get(reverse("members:roster_detail", args=[more.pk])).content.decode()
    assert 'id="import-commit"' in html and "import-nothing-to-commit" not in html
