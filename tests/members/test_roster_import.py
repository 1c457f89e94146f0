"""The roster upload pipeline end to end through its services (validate → preview → commit)."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils import timezone

from apps.core.validators import resident_id_check_char
from apps.imports.models import ImportJob, ImportRow
from apps.imports.services import ImportRefused, commit_import, create_import_job
from apps.imports.tasks import validate_import
from apps.imports.validation import run_validation
from apps.members.models import Member, Transfer
from tests.members.factories import MemberFactory
from tests.members.roster_files import (
    HEADERS,
    csv_bytes,
    person_id,
    person_name,
    roster_row,
    roster_rows,
    upload,
    xlsx_bytes,
)

Outcome = ImportRow.Outcome


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def validate(org, user, content: bytes, name="roster.xlsx") -> ImportJob:
    job = create_import_job(
        kind="roster", organization=org, uploaded_by=user, uploaded_file=upload(content, name),
        enqueue=False,
    )
    return run_validation(job_id=job.pk)


def errors(job) -> list[tuple[int, str, str]]:
    rows = job.rows.filter(outcome=Outcome.ERROR).order_by("row_number")
    return [(r.row_number, column, message) for r in rows for column, message in r.messages]


def outcomes(job) -> dict[int, str]:
    return dict(job.rows.values_list("row_number", "outcome"))


# --- a clean file --------------------------------------------------------------------------------


def test_valid_xlsx_previews_then_commits_with_history(tree, branch_officer):
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(roster_rows(3)))
    assert job.status == ImportJob.Status.VALIDATED
    assert job.summary["counts"][Outcome.NEW] == 3
    assert job.rows_checked == job.rows_total == 3
    assert Member.objects.count() == 0  # validation writes nothing to the roll

    job = commit_import(job=job, actor=branch_officer)
    assert job.status == ImportJob.Status.COMMITTED and job.committed_by == branch_officer
    member = Member.objects.get(id_number=person_id(1))
    assert member.organization == tree.union_a1a and member.status == Member.Status.ACTIVE
    assert member.political_status == "masses" and member.education == "bachelor"
    assert member.joined_on == datetime.date(2020, 3, 1) and member.worker_category == "regular"
    assert member.birth_date.year == 1960
    history = member.history.get()
    assert history.history_type == "+" and history.history_user == branch_officer
    assert "roster upload" in history.history_change_reason


def test_same_file_again_changes_nothing(tree, branch_officer):
    content = xlsx_bytes(roster_rows(4))
    commit_import(job=validate(tree.union_a1a, branch_officer, content), actor=branch_officer)
    before = list(Member.objects.order_by("id").values())
    history_count = Member.history.count()

    again = validate(tree.union_a1a, branch_officer, content)
    assert again.summary["counts"] == {"new": 0, "updated": 0, "unchanged": 4, "conflict": 0, "error": 0}
    with pytest.raises(ImportRefused, match="Nothing would change: every row is already on the roll."):
        commit_import(job=again, actor=branch_officer)
    assert list(Member.objects.order_by("id").values()) == before
    assert Member.history.count() == history_count


def test_changed_rows_are_updated_only_in_the_columns_the_file_has(tree, branch_officer):
    commit_import(job=validate(tree.union_a1a, branch_officer, xlsx_bytes(roster_rows(2))), actor=branch_officer)
    rows = [roster_row(0, 手机号码="13900000000"), roster_row(1)]
    for row in rows:
        del row["学历"]  # no education column: education stays as it is
    job = validate(tree.union_a1a, branch_officer, csv_bytes(rows))
    assert outcomes(job) == {2: Outcome.UPDATED, 3: Outcome.UNCHANGED}
    assert job.rows.get(row_number=2).messages == [["phone", ""]]
    commit_import(job=job, actor=branch_officer)
    member = Member.objects.get(id_number=person_id(0))
    assert member.phone == "13900000000" and member.education == "bachelor"
    assert member.history.first().history_type == "~"


def test_recommitting_a_committed_job_does_nothing(tree, branch_officer):
    job = commit_import(job=validate(tree.union_a1a, branch_officer, xlsx_bytes(roster_rows(2))), actor=branch_officer)
    again = commit_import(job=job, actor=branch_officer)
    assert again.status == ImportJob.Status.COMMITTED and Member.objects.count() == 2


def test_a_refused_job_cannot_be_committed(tree, branch_officer):
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes([roster_row(0, 公民身份号码="123")]))
    assert job.status == ImportJob.Status.REFUSED
    with pytest.raises(ImportRefused):
        commit_import(job=job, actor=branch_officer)
    assert Member.objects.count() == 0


def test_upload_is_kept_with_who_when_hash_and_outcome(tree, branch_officer):
    content = xlsx_bytes(roster_rows(1))
    job = validate(tree.union_a1a, branch_officer, content)
    assert job.sha256 == hashlib.sha256(content).hexdigest() and job.size == len(content)
    assert job.uploaded_by == branch_officer and job.created_at and job.validated_at
    with job.file.open("rb") as kept:
        assert job.original_name == "roster.xlsx" and kept.read() == content


def test_validation_is_enqueued_after_commit_and_the_task_is_idempotent(tree, branch_officer,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = create_import_job(kind="roster", organization=tree.union_a1a, uploaded_by=branch_officer,
                                uploaded_file=upload(xlsx_bytes(roster_rows(2))))
    assert len(callbacks) == 1  # sent only once the job row is committed
    assert validate_import.apply(kwargs={"job_id": job.pk}).get() == ImportJob.Status.VALIDATED
    assert validate_import.apply(kwargs={"job_id": job.pk}).get() == ImportJob.Status.VALIDATED
    assert job.rows.count() == 2  # the second run did not stage the rows twice


def test_an_interrupted_validation_starts_over(tree, branch_officer):
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(roster_rows(3)))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING)  # worker died halfway
    job = run_validation(job_id=job.pk)
    assert job.status == ImportJob.Status.VALIDATED and job.rows.count() == 3


# --- bad input: each is an error with row and column, and nothing is written -----------------------


def bad(tree, user, **overrides):
    rows = [roster_row(0), roster_row(1, **overrides)]
    job = validate(tree.union_a1a, user, xlsx_bytes(rows))
    assert job.status == ImportJob.Status.REFUSED
    assert Member.objects.count() == 0
    return errors(job)


def test_wrong_check_character(tree, branch_officer):
    number = person_id(1)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    [(row, column, message)] = bad(tree, branch_officer, 公民身份号码=wrong)
    assert (row, column) == (3, "公民身份号码") and "check character" in message


def test_impossible_birth_date_in_id(tree, branch_officer):
    first17 = "37130219900230" + "001"
    [(row, column, message)] = bad(tree, branch_officer, 公民身份号码=first17 + resident_id_check_char(first17))
    assert column == "公民身份号码" and "not a real date" in message


def test_scientific_notation_text(tree, branch_officer):
    [(row, column, message)] = bad(tree, branch_officer, 公民身份号码="3.71302E+17")
    assert column == "公民身份号码" and "lost" in message


def test_numeric_id_cell_is_refused_never_guessed(tree, branch_officer):
    rows = [roster_row(n) for n in range(20) if person_id(n).isdigit()][:2]
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(rows, numeric_ids=True))
    assert job.status == ImportJob.Status.REFUSED
    assert [(r, c) for r, c, _m in errors(job)] == [(2, "公民身份号码"), (3, "公民身份号码")]
    assert "stored as a number" in errors(job)[0][2]


def test_duplicates_in_the_file_name_the_first_row(tree, branch_officer):
    rows = [roster_row(0), roster_row(1), roster_row(0, 姓名="王重复")]
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(rows))
    assert errors(job) == [(4, "公民身份号码", "This resident ID number is already on row 2 of this file.")]
    assert Member.objects.count() == 0


def test_duplicate_spelled_differently_is_still_a_duplicate(tree, branch_officer):
    number = person_id(5)
    rows = [roster_row(5), roster_row(6, 公民身份号码=" " + number.lower().translate(str.maketrans("0123456789", "０１２３４５６７８９")))]
    assert errors(validate(tree.union_a1a, branch_officer, csv_bytes(rows), "r.csv"))[0][0] == 3


def test_sex_contradicting_the_id(tree, branch_officer):
    sex = "女" if int(person_id(1)[16]) % 2 else "男"
    [(row, column, message)] = bad(tree, branch_officer, 性别=sex)
    assert (row, column) == (3, "性别") and "contradicts" in message


def test_future_joining_date(tree, branch_officer):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    [(row, column, message)] = bad(tree, branch_officer, 入会日期=tomorrow.isoformat())
    assert column == "入会日期" and "future" in message


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)",
                                  "+张三", "张三123"])
def test_names_that_are_not_names(tree, branch_officer, name):
    [(row, column, _message)] = bad(tree, branch_officer, 姓名=name)
    assert (row, column) == (3, "姓名")


def test_several_errors_in_one_row_are_all_listed_in_column_order(tree, branch_officer):
    found = bad(tree, branch_officer, 姓名="<b>", 手机号码="12345", 学历="幼儿园")
    assert [c for _r, c, _m in found] == ["姓名", "手机号码", "学历"]


def test_missing_required_columns_refuse_the_file(tree, branch_officer):
    rows = [{k: v for k, v in roster_row(0).items() if k != "公民身份号码"}]
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(rows))
    assert job.status == ImportJob.Status.REFUSED and "公民身份号码" in job.summary["error"]


def test_header_only_file_is_refused(tree, branch_officer):
    job = validate(tree.union_a1a, branch_officer, ",".join(HEADERS).encode() + b"\r\n", "r.csv")
    assert job.status == ImportJob.Status.REFUSED and "no data rows" in job.summary["error"]


def test_empty_file_is_refused(tree, branch_officer):
    job = validate(tree.union_a1a, branch_officer, b"", "r.csv")
    assert job.status == ImportJob.Status.REFUSED and "empty" in job.summary["error"]


def test_not_a_spreadsheet_is_refused(tree, branch_officer):
    job = validate(tree.union_a1a, branch_officer, b"%PDF-1.4\n\x00\x01\x02binary", "roster.xlsx")
    assert job.status == ImportJob.Status.REFUSED and "not a spreadsheet" in job.summary["error"]


def test_oversize_file_is_refused_before_it_is_stored(tree, branch_officer, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1024
    with pytest.raises(ImportRefused):
        create_import_job(kind="roster", organization=tree.union_a1a, uploaded_by=branch_officer,
                          uploaded_file=upload(b"x" * 2048, "r.csv"), enqueue=False)
    assert not ImportJob.objects.exists()


def test_too_many_rows_is_refused(tree, branch_officer, settings):
    settings.IMPORT_MAX_ROWS = 3
    job = validate(tree.union_a1a, branch_officer, csv_bytes(roster_rows(4)), "r.csv")
    assert job.status == ImportJob.Status.REFUSED and "at most 3 rows" in job.summary["error"]


# --- accepted and normalized -----------------------------------------------------------------------


def test_normalizations_are_accepted(tree, branch_officer):
    full_width = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    old_style = person_id(3)[:6] + person_id(3)[8:17]
    rows = [
        roster_row(0, 公民身份号码=person_id(0).translate(full_width), 入会日期="2023/1/15"),
        roster_row(1, 公民身份号码="\u200b " + person_id(1).lower() + "\u3000", 入会日期="2023年1月15日"),
        roster_row(2, 入会日期="2023.1.15", 手机号码="+86 138-0000-0002"),
        roster_row(3, 公民身份号码=old_style, 入会日期="44941"),
    ]
    job = validate(tree.union_a1a, branch_officer, csv_bytes(rows), "r.csv")
    assert job.status == ImportJob.Status.VALIDATED, errors(job)
    commit_import(job=job, actor=branch_officer)
    stored = dict(Member.objects.values_list("id_number", "joined_on"))
    assert set(stored) == {person_id(n) for n in range(4)}
    assert set(stored.values()) == {datetime.date(2023, 1, 15)}
    assert Member.objects.get(id_number=person_id(2)).phone == "13800000002"


def test_id_ending_in_lower_case_x_is_stored_upper_case(tree, branch_officer):
    number = next(person_id(n) for n in range(100, 2000) if person_id(n).endswith("X"))
    job = validate(tree.union_a1a, branch_officer, csv_bytes([roster_row(0, 公民身份号码=number.lower())]), "r.csv")
    commit_import(job=job, actor=branch_officer)
    assert Member.objects.get().id_number == number


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_the_encodings_chinese_excel_saves(tree, branch_officer, encoding):
    job = validate(tree.union_a1a, branch_officer, csv_bytes(roster_rows(2), encoding=encoding), "r.csv")
    assert job.status == ImportJob.Status.VALIDATED and job.summary["file_type"] == "csv"


def test_english_headers(tree, branch_officer):
    english = ["name", "id_number", "sex", "phone", "ethnicity", "political_status", "education", "employer",
               "joined_on", "worker_category", "card_number"]
    rows = [dict(zip(english, roster_row(n).values(), strict=True)) for n in range(2)]
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(rows))
    assert job.status == ImportJob.Status.VALIDATED
    commit_import(job=job, actor=branch_officer)
    assert Member.objects.get(id_number=person_id(0)).employer_name == "甲公司"


def test_title_row_above_header_keeps_excel_row_numbers(tree, branch_officer):
    rows = [roster_row(0), roster_row(1, 公民身份号码="bad")]
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(rows, title="甲公司会员名册"))
    assert job.summary["header_row"] == 2 and errors(job)[0][0] == 4


def test_only_required_columns_is_enough(tree, branch_officer):
    rows = [{"姓名": "张三", "身份证号": person_id(0)}]
    job = commit_import(job=validate(tree.union_a1a, branch_officer, csv_bytes(rows), "r.csv"), actor=branch_officer)
    member = Member.objects.get()
    assert job.summary["result"]["created"] == 1 and member.worker_category == "regular" and member.phone == ""


# --- transfer conflicts ---------------------------------------------------------------------------


def test_member_of_another_union_is_a_conflict_that_becomes_a_transfer_request(tree, branch_officer):
    elsewhere = MemberFactory(organization=tree.union_b1, id_number=person_id(1), name=person_name(1))
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(roster_rows(2)))
    assert outcomes(job) == {2: Outcome.NEW, 3: Outcome.CONFLICT}
    assert "another union" in job.rows.get(row_number=3).messages[0][1]

    job = commit_import(job=job, actor=branch_officer)
    elsewhere.refresh_from_db()
    assert elsewhere.organization == tree.union_b1 and elsewhere.status == Member.Status.ACTIVE  # never moved
    transfer = Transfer.objects.get(member=elsewhere)
    assert transfer.to_organization == tree.union_a1a and transfer.status == Transfer.Status.PENDING
    assert transfer.initiated_by_side == Transfer.Side.RECEIVING
    assert job.summary["result"]["transfers_requested"] == 1
    assert Member.objects.filter(id_number=person_id(1)).count() == 1


def test_re_uploading_a_conflict_does_not_ask_twice(tree, branch_officer):
    MemberFactory(organization=tree.union_b1, id_number=person_id(1), name=person_name(1))
    content = xlsx_bytes(roster_rows(2))
    commit_import(job=validate(tree.union_a1a, branch_officer, content), actor=branch_officer)
    job = validate(tree.union_a1a, branch_officer, content)
    assert "already waiting" in job.rows.get(row_number=3).messages[0][1]
    job = commit_import(job=job, actor=branch_officer)
    assert Transfer.objects.count() == 1 and job.summary["result"]["transfers_requested"] == 0


def test_a_former_member_of_another_union_is_simply_new(tree, branch_officer):
    MemberFactory(organization=tree.union_b1, id_number=person_id(1), status=Member.Status.WITHDRAWN)
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(roster_rows(2)))
    assert outcomes(job) == {2: Outcome.NEW, 3: Outcome.NEW}


# --- all or nothing ------------------------------------------------------------------------------------


def test_a_database_failure_on_the_last_row_leaves_nothing_written(tree, branch_officer):
    rows = roster_rows(50)
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(rows))
    last = person_id(49)
    with connection.cursor() as cursor:  # a real failure inside PostgreSQL, on the last row only
        cursor.execute(f"""
            CREATE FUNCTION pg_temp.fail_last() RETURNS trigger AS $$
            BEGIN IF NEW.id_number = '{last}' THEN RAISE EXCEPTION 'forced failure'; END IF; RETURN NEW; END
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER fail_last BEFORE INSERT ON members_member
            FOR EACH ROW EXECUTE FUNCTION pg_temp.fail_last();
        """)
    with pytest.raises(ImportRefused):
        commit_import(job=job, actor=branch_officer)
    assert Member.objects.count() == 0 and Member.history.count() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "Nothing was written" in job.summary["error"]


def test_someone_joining_elsewhere_between_preview_and_commit_fails_the_whole_commit(tree, branch_officer):
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(roster_rows(3)))
    MemberFactory(organization=tree.union_b1, id_number=person_id(2))  # the race
    with pytest.raises(ImportRefused):
        commit_import(job=job, actor=branch_officer)
    assert Member.objects.filter(organization=tree.union_a1a).count() == 0


def test_a_member_leaving_between_preview_and_commit_fails_the_update(tree, branch_officer):
    commit_import(job=validate(tree.union_a1a, branch_officer, xlsx_bytes(roster_rows(2))), actor=branch_officer)
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes([roster_row(0, 民族="回族"), roster_row(5)]))
    Member.objects.filter(id_number=person_id(0)).update(status=Member.Status.WITHDRAWN)
    with pytest.raises(ImportRefused):
        commit_import(job=job, actor=branch_officer)
    assert not Member.objects.filter(id_number=person_id(5)).exists()


# --- scope -----------------------------------------------------------------------------------------


def test_branch_officer_cannot_create_a_job_for_a_sibling_union(tree, branch_officer):
    # Out of scope answers 404, from the service as from the views (apps.organizations.scope).
    with pytest.raises(Http404):
        create_import_job(kind="roster", organization=tree.union_a1b, uploaded_by=branch_officer,
                          uploaded_file=upload(xlsx_bytes(roster_rows(1))), enqueue=False)


def test_commit_rechecks_the_committers_scope(tree, branch_officer, sibling_officer):
    job = validate(tree.union_a1a, branch_officer, xlsx_bytes(roster_rows(1)))
    with pytest.raises(Http404):
        commit_import(job=job, actor=sibling_officer)
    assert Member.objects.count() == 0


def test_leader_cannot_upload(tree, leader):
    with pytest.raises(PermissionDenied):
        create_import_job(kind="roster", organization=tree.union_a1a, uploaded_by=leader,
                          uploaded_file=upload(xlsx_bytes(roster_rows(1))), enqueue=False)


def test_county_staff_upload_into_a_union_of_their_county(tree, county_staff):
    job = commit_import(job=validate(tree.union_a1b, county_staff, xlsx_bytes(roster_rows(2))), actor=county_staff)
    assert job.summary["result"]["created"] == 2
    assert set(Member.objects.values_list("organization", flat=True)) == {tree.union_a1b.pk}


def test_an_unexpected_failure_marks_the_job_failed_so_the_progress_bar_stops(tree, branch_officer, monkeypatch):
    from apps.members.roster.importer import RosterImporter

    def broken(self, rows, found):
        raise RuntimeError("bug")

    monkeypatch.setattr(RosterImporter, "classify", broken)
    job = create_import_job(kind="roster", organization=tree.union_a1a, uploaded_by=branch_officer,
                            uploaded_file=upload(xlsx_bytes(roster_rows(2))), enqueue=False)
    with pytest.raises(RuntimeError):
        run_validation(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.is_finished_validating and "internal error" in job.summary["error"]
