"""The hazard register upload on the shared pipeline (issue 18 item 4): preview, commit in one
transaction, the same file twice changes nothing, row errors named, GBK CSV, scope."""

import datetime

import pytest
from django.utils import translation

from apps.events.models import Hazard
from apps.imports.models import ImportJob, ImportRow
from apps.imports.services import ImportRefused, commit_import, create_import_job
from apps.imports.validation import run_validation
from tests.employers.factories import EmployerFactory, credit_code
from tests.members.roster_files import csv_bytes, upload, xlsx_bytes

Outcome = ImportRow.Outcome


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def employers(tree):
    return [EmployerFactory(name=f"隐患单位{n}", social_credit_code=credit_code(7000 + n), county=tree.county_a,
                            township=tree.township_a1, covering_union=tree.union_a1a) for n in range(3)]


def row(n: int, **over) -> dict:
    values = {"统一社会信用代码": credit_code(7000 + n), "单位名称": "", "检查日期": "2026/3/1",
              "隐患部位": f"{n}号车间", "隐患描述": "灭火器过期", "隐患等级": "一般", "整改期限": "2026年3月15日",
              "整改完成日期": "", "整改措施": ""}
    values.update(over)
    return values


def validate(org, user, content: bytes, name="hazards.xlsx") -> ImportJob:
    job = create_import_job(kind="hazards", organization=org, uploaded_by=user,
                            uploaded_file=upload(content, name), enqueue=False)
    return run_validation(job_id=job.pk)


def errors(job) -> list[tuple[int, str, str]]:
    rows = job.rows.filter(outcome=Outcome.ERROR).order_by("row_number")
    return [(r.row_number, column, message) for r in rows for column, message in r.messages]


def test_hazards_preview_then_commit_then_the_same_file_changes_nothing(tree, branch_officer, employers):
    content = xlsx_bytes([row(0), row(1, 统一社会信用代码="", 单位名称="隐患单位1", 隐患等级="重大")])
    job = validate(tree.union_a1a, branch_officer, content)
    assert job.status == ImportJob.Status.VALIDATED, errors(job)
    assert job.summary["counts"][Outcome.NEW] == 2 and not Hazard.objects.exists()
    commit_import(job=job, actor=branch_officer)
    hazard = Hazard.objects.get(employer=employers[1])
    assert (hazard.severity, hazard.found_on, hazard.deadline) == ("major", datetime.date(2026, 3, 1),
                                                                    datetime.date(2026, 3, 15))
    assert hazard.organization == tree.union_a1a and hazard.history.get().history_user == branch_officer
    again = validate(tree.union_a1a, branch_officer, content)
    assert again.summary["counts"][Outcome.UNCHANGED] == 2, errors(again)
    with pytest.raises(ImportRefused):
        commit_import(job=again, actor=branch_officer)


def test_a_later_file_adds_the_rectification(tree, branch_officer, employers):
    commit_import(job=validate(tree.union_a1a, branch_officer, xlsx_bytes([row(0)])), actor=branch_officer)
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes([row(0, 整改完成日期="2026-03-10", 整改措施="已更换")]))
    assert job.summary["counts"][Outcome.UPDATED] == 1, errors(job)
    commit_import(job=job, actor=branch_officer)
    assert Hazard.objects.get().rectified_on == datetime.date(2026, 3, 10)


def test_bad_rows_are_named_and_nothing_is_written(tree, branch_officer, employers):
    far = EmployerFactory(county=tree.county_b, social_credit_code=credit_code(7999))
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes([
        row(0, 整改期限="2026-02-01"),
        row(1, 整改完成日期="2026-02-01", 整改措施="x"),
        row(2, 隐患等级="严重"),
        row(3, 统一社会信用代码=far.social_credit_code),
        row(1, 隐患部位="仓库"),
        row(1, 隐患部位="仓库"),
    ]))
    found = errors(job)
    messages = {n: m for n, _c, m in found}
    assert "deadline cannot be before" in messages[2]
    assert "rectified before it was found" in messages[3]
    assert "not a severity" in messages[4]
    assert "No employer unit" in messages[5]
    assert "already on row 6" in messages[7]
    with pytest.raises(ImportRefused):
        commit_import(job=job, actor=branch_officer)
    assert not Hazard.objects.exists()


def test_row_errors_read_in_chinese(tree, branch_officer, employers, chinese_default):
    with translation.override("zh-hans"):
        job = validate(tree.union_a1a, branch_officer, xlsx_bytes([row(0, 整改期限="2026-02-01")]))
        assert "整改期限" in errors(job)[0][2] or "期限" in errors(job)[0][2], errors(job)


def test_gbk_csv_is_read(tree, branch_officer, employers):
    job = validate(tree.union_a1a, branch_officer, csv_bytes([row(0), row(1)], encoding="gbk"), name="隐患.csv")
    assert job.status == ImportJob.Status.VALIDATED, errors(job)
    assert job.summary["counts"][Outcome.NEW] == 2


def test_sibling_union_cannot_name_the_employers(tree, sibling_officer, employers):
    job = validate(tree.union_a1b, sibling_officer, xlsx_bytes([row(0)]))
    assert "No employer unit" in errors(job)[0][2]
