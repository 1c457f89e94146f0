"""The employer ledger upload: preview, one-transaction commit, idempotence, bad inputs, scope."""

import io

import openpyxl
import pytest
from django.http import Http404
from django.urls import reverse

from apps.employers.models import Employer
from apps.imports.models import ImportJob, ImportRow
from apps.imports.services import ImportRefused, commit_import, create_import_job
from apps.imports.validation import run_validation
from tests.employers.factories import EmployerFactory, credit_code
from tests.members.roster_files import csv_bytes, upload, xlsx_bytes

Outcome = ImportRow.Outcome


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def row(n: int, **overrides) -> dict:
    values = {
        "单位名称": f"上传单位{n}有限公司",
        "统一社会信用代码": credit_code(5000 + n),
        "乡镇(街道)": "CA1",
        "行业门类": "制造业",
        "经济类型": "民营",
        "职工人数": str(20 + n * 10),
        "新领域类型": "",
        "覆盖工会代码": "CA1a" if n % 2 else "",
        "建会日期": "2021-05-01" if n % 2 else "",
        "状态": "正常",
    }
    values.update(overrides)
    return values


def validate(org, user, content: bytes, name="ledger.xlsx") -> ImportJob:
    job = create_import_job(
        kind="employers",
        organization=org,
        uploaded_by=user,
        uploaded_file=upload(content, name),
        enqueue=False,
    )
    return run_validation(job_id=job.pk)


def errors(job) -> list[tuple[int, str, str]]:
    rows = job.rows.filter(outcome=Outcome.ERROR).order_by("row_number")
    return [(r.row_number, column, message) for r in rows for column, message in r.messages]


def test_valid_file_previews_then_commits_with_history(tree, county_staff):
    job = validate(tree.county_a, county_staff, xlsx_bytes([row(1), row(2), row(3)]))
    assert job.status == ImportJob.Status.VALIDATED, errors(job)
    assert job.summary["counts"][Outcome.NEW] == 3
    assert not Employer.objects.exists()
    commit_import(job=job, actor=county_staff)
    employer = Employer.objects.get(social_credit_code=credit_code(5001))
    assert employer.county == tree.county_a and employer.township == tree.township_a1
    assert employer.covering_union == tree.union_a1a and str(employer.union_established_on) == "2021-05-01"
    assert (employer.industry, employer.ownership, employer.headcount) == ("C", "private", 30)
    assert Employer.objects.get(social_credit_code=credit_code(5002)).covering_union is None
    record = employer.history.get()
    assert record.history_user == county_staff and "employer ledger upload" in record.history_change_reason


def test_same_file_again_changes_nothing(tree, county_staff):
    content = xlsx_bytes([row(1), row(2), row(3, 统一社会信用代码="")])
    commit_import(job=validate(tree.county_a, county_staff, content), actor=county_staff)
    before = list(Employer.objects.order_by("id").values())
    history = Employer.history.count()
    again = validate(tree.county_a, county_staff, content)
    assert again.summary["counts"][Outcome.UNCHANGED] == 3, errors(again)
    with pytest.raises(ImportRefused, match="Nothing would change: every row is already in the ledger."):
        commit_import(job=again, actor=county_staff)
    assert list(Employer.objects.order_by("id").values()) == before
    assert Employer.history.count() == history


def test_changed_rows_are_updated_and_name_the_changed_columns(tree, county_staff):
    commit_import(job=validate(tree.county_a, county_staff, xlsx_bytes([row(1), row(2)])), actor=county_staff)
    job = validate(tree.county_a, county_staff, xlsx_bytes([row(1, 职工人数="999"), row(2)]))
    counts = job.summary["counts"]
    assert (counts[Outcome.UPDATED], counts[Outcome.UNCHANGED]) == (1, 1)
    assert job.rows.get(outcome=Outcome.UPDATED).messages == [["headcount", ""]]
    commit_import(job=job, actor=county_staff)
    employer = Employer.objects.get(social_credit_code=credit_code(5001))
    assert employer.headcount == 999 and employer.history.count() == 2


def test_gbk_csv_is_read(tree, county_staff):
    job = validate(tree.county_a, county_staff, csv_bytes([row(1), row(2)], encoding="gbk"), name="台账.csv")
    assert job.status == ImportJob.Status.VALIDATED, errors(job)
    assert job.summary["file_type"] == "csv"


def test_english_headers_and_the_city_upload_with_a_county_column(tree, city_staff):
    rows = [
        {
            "name": "英文表头单位",
            "social_credit_code": credit_code(6001),
            "county": "CB",
            "headcount": 60,
            "covering_union": "CB1",
            "new_sector_kind": "快递",
        }
    ]
    job = validate(tree.city, city_staff, xlsx_bytes(rows))
    assert job.status == ImportJob.Status.VALIDATED, errors(job)
    commit_import(job=job, actor=city_staff)
    employer = Employer.objects.get()
    assert (
        employer.county == tree.county_b and employer.is_new_sector and employer.new_sector_kind == "courier"
    )


def test_every_bad_input_is_an_error_with_row_and_column_and_nothing_is_written(tree, county_staff):
    EmployerFactory(county=tree.county_b, social_credit_code=credit_code(7000))
    good = credit_code(5001)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        row(1, 统一社会信用代码=wrong_check),  # 2: wrong check character
        row(2),  # 3: fine
        row(3, 统一社会信用代码=credit_code(5002)),  # 4: duplicate of row 3
        row(4, 统一社会信用代码=credit_code(7000)),  # 5: belongs to county B's employer
        row(5, 职工人数="很多"),  # 6: not a number
        row(6, 职工人数="-3"),  # 7: negative
        row(7, 覆盖工会代码="CB1"),  # 8: union outside the uploader's scope
        row(8, 覆盖工会代码="CA1"),  # 9: a federation cannot cover
        row(9, 乡镇街道="", **{"乡镇(街道)": "不存在的街道"}),  # 10: unknown township
        row(10, 所属县区="CB"),  # 11: another county
        row(11, 所属县区="火星区"),  # 12: unknown county
        row(12, 职工人数="12.5"),  # 13: not whole
    ]
    headers = list(rows[0]) + ["所属县区"]
    job = validate(tree.county_a, county_staff, xlsx_bytes(rows, headers=headers))
    assert job.status == ImportJob.Status.REFUSED
    found = {(number, column) for number, column, _message in errors(job)}
    assert found == {
        (2, "统一社会信用代码"),
        (4, "统一社会信用代码"),
        (5, "统一社会信用代码"),
        (6, "职工人数"),
        (7, "职工人数"),
        (8, "覆盖工会代码"),
        (9, "覆盖工会代码"),
        (10, "乡镇(街道)"),
        (11, "所属县区"),
        (12, "所属县区"),
        (13, "职工人数"),
    }
    messages = {(n, c): m for n, c, m in errors(job)}
    assert "row 3" in messages[(4, "统一社会信用代码")]
    assert "check character" in messages[(2, "统一社会信用代码")]
    assert "negative" in messages[(7, "职工人数")]
    with pytest.raises(ImportRefused):
        commit_import(job=job, actor=county_staff)
    assert Employer.objects.count() == 1


def test_rows_without_credit_code_are_duplicates_by_county_and_name(tree, county_staff):
    rows = [row(1, 统一社会信用代码=""), row(1, 统一社会信用代码="", 职工人数="5")]
    job = validate(tree.county_a, county_staff, xlsx_bytes(rows))
    assert [(n, c) for n, c, _m in errors(job)] == [(3, "统一社会信用代码")]


def test_county_clerk_cannot_create_an_upload_for_another_county(tree, county_staff):
    with pytest.raises(Http404):
        create_import_job(
            kind="employers",
            organization=tree.county_b,
            uploaded_by=county_staff,
            uploaded_file=upload(xlsx_bytes([row(1)])),
            enqueue=False,
        )


def test_upload_page_404s_for_another_county_and_403s_without_the_right(
    client, tree, county_staff, branch_officer
):
    client.force_login(county_staff)
    response = client.post(
        reverse("employers:employer_import_upload"),
        {"organization": "CB", "file": upload(xlsx_bytes([row(1)]))},
    )
    assert response.status_code == 404
    assert not ImportJob.objects.exists()
    client.force_login(branch_officer)
    assert client.get(reverse("employers:employer_import_upload")).status_code == 403


def test_upload_page_creates_a_job_checked_after_commit(
    client, tree, county_staff, django_capture_on_commit_callbacks, tasks_in_process
):
    client.force_login(county_staff)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("employers:employer_import_upload"),
            {"organization": "CA", "file": upload(xlsx_bytes([row(1)]))},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and len(callbacks) == 1  # validation is queued after commit
    assert response["Location"] == reverse("employers:employer_import_detail", args=[job.pk])
    assert run_validation(job_id=job.pk).status == ImportJob.Status.VALIDATED
    page = client.get(response["Location"])
    assert page.status_code == 200 and "上传单位1有限公司" in page.content.decode()
    with tasks_in_process():  # the commit runs in a worker
        assert client.post(reverse("employers:employer_import_commit", args=[job.pk])).status_code == 302
    assert Employer.objects.filter(name="上传单位1有限公司").exists()


def test_job_pages_are_404_for_another_county(client, tree, county_staff, city_staff):
    job = validate(tree.county_b, city_staff, xlsx_bytes([row(1, **{"乡镇(街道)": ""})]))
    client.force_login(county_staff)
    for name in ("employer_import_detail", "employer_import_progress", "employer_import_errors"):
        assert client.get(reverse(f"employers:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("employers:employer_import_commit", args=[job.pk])).status_code == 404


def test_template_has_the_columns_and_a_text_credit_code_column(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.get(reverse("employers:employer_import_template"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["单位台账"]
    assert [c.value for c in sheet[1]][:2] == ["单位名称", "统一社会信用代码"]
    assert sheet.column_dimensions["B"].number_format == "@"
    # the template itself uploads (headers only → refused as empty, not as unknown columns)
    handle = io.BytesIO()
    from apps.employers.upload_columns import write_employer_template

    write_employer_template(handle)
    job = validate(tree.county_a, county_staff, handle.getvalue())
    assert job.status == ImportJob.Status.REFUSED and "no data rows" in job.summary["error"]


def test_two_rows_matching_one_employer_by_code_and_by_name_are_duplicates(tree, county_staff):
    EmployerFactory(name="老单位", county=tree.county_a, social_credit_code=None)
    rows = [row(1, 单位名称="老单位", 统一社会信用代码=""), row(2, 单位名称="老单位")]
    job = validate(tree.county_a, county_staff, xlsx_bytes(rows))
    assert [(n, c) for n, c, _m in errors(job)] == [(3, "单位名称")]


def test_commit_is_all_or_nothing_when_the_ledger_changed_meanwhile(tree, county_staff):
    job = validate(tree.county_a, county_staff, xlsx_bytes([row(1), row(2), row(3)]))
    assert job.status == ImportJob.Status.VALIDATED
    EmployerFactory(name="抢先录入", county=tree.county_a, social_credit_code=credit_code(5003))
    with pytest.raises(ImportRefused):
        commit_import(job=job, actor=county_staff)
    assert list(Employer.objects.values_list("name", flat=True)) == ["抢先录入"]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


@pytest.mark.parametrize("status", Employer.Status.values)
def test_the_status_word_an_export_writes_is_one_the_upload_reads(status):
    # The ledger export writes the Chinese label; a clerk re-uploads that sheet.
    from django.utils import translation

    from apps.employers.upload_columns import read_status

    with translation.override("zh-hans"):
        label = str(Employer.Status(status).label)
    assert read_status(label) == status


def test_ledger_upload_of_only_unchanged_rows_offers_no_commit(client, tree, county_staff):
    content = xlsx_bytes([row(1), row(2)])
    commit_import(job=validate(tree.county_a, county_staff, content), actor=county_staff)
    again = validate(tree.county_a, county_staff, content)
    client.force_login(county_staff)
    html = client.get(reverse("employers:employer_import_detail", args=[again.pk])).content.decode()
    assert 'id="import-commit"' not in html
    assert "Nothing would change: every row is already in the ledger." in html
