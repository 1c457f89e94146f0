"""`manage.py import_roster FILE --org CODE [--dry-run]`: exit 0 imported, 1 refused, 2 bad usage."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.imports.models import ImportJob
from apps.members.models import Member
from tests.members.roster_files import csv_bytes, person_id, person_name, roster_row, roster_rows, xlsx_bytes


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(*args, **options) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import_roster", *args, stdout=out, stderr=out, **options)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def write(tmp_path, content: bytes, name="roster.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_imports_and_exits_0(tree, tmp_path):
    code, out = run(write(tmp_path, xlsx_bytes(roster_rows(3))), org=tree.union_a1a.code)
    assert code == 0 and "3 created" in out
    assert Member.objects.filter(organization=tree.union_a1a).count() == 3
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.COMMITTED and job.uploaded_by is None


def test_refused_file_exits_1_prints_every_row_error_and_writes_nothing(tree, tmp_path):
    rows = [roster_row(0), roster_row(1, 公民身份号码="3.71302E+17"), roster_row(2, 姓名="<b>x</b>")]
    code, out = run(write(tmp_path, csv_bytes(rows), "r.csv"), org=tree.union_a1a.code)
    assert code == 1
    assert "row 3, column 公民身份号码:" in out and "row 4, column 姓名:" in out
    assert not Member.objects.exists()


def test_file_level_refusal_exits_1(tree, tmp_path):
    code, out = run(write(tmp_path, b"\x00\x01binary", "r.xlsx"), org=tree.union_a1a.code)
    assert code == 1 and "not a spreadsheet" in out


def test_dry_run_validates_and_writes_nothing(tree, tmp_path):
    code, out = run(write(tmp_path, xlsx_bytes(roster_rows(2))), org=tree.union_a1a.code, dry_run=True)
    assert code == 0 and "Dry run" in out
    assert not Member.objects.exists() and not ImportJob.objects.exists()


def test_unknown_organization_exits_2(tree, tmp_path):
    code, out = run(write(tmp_path, xlsx_bytes(roster_rows(1))), org="NOPE")
    assert code == 2 and "NOPE" in out


def test_missing_file_exits_2(tree, tmp_path):
    code, _out = run(str(tmp_path / "absent.xlsx"), org=tree.union_a1a.code)
    assert code == 2


def test_conflicts_become_transfer_requests_only_with_a_user(tree, tmp_path, branch_officer):
    from tests.members.factories import MemberFactory

    MemberFactory(organization=tree.union_b1, id_number=person_id(0), name=person_name(0))
    path = write(tmp_path, xlsx_bytes(roster_rows(2)))
    code, out = run(path, org=tree.union_a1a.code)
    assert code == 0 and "0 transfer requests, 1 conflicts not requested" in out
    code, out = run(path, org=tree.union_a1a.code, user=branch_officer.username)
    assert code == 0 and "1 transfer requests" in out


def test_real_process_exit_status_for_bad_usage(tmp_path):
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    result = subprocess.run([sys.executable, str(manage), "import_roster", str(tmp_path / "absent.csv"), "--org", "X"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "No such file" in result.stderr


def test_the_same_file_again_exits_0_saying_nothing_would_change(tree, tmp_path):
    path = write(tmp_path, xlsx_bytes(roster_rows(2)))
    assert run(path, org=tree.union_a1a.code)[0] == 0
    code, out = run(path, org=tree.union_a1a.code)
    assert code == 0 and "Nothing would change: every row is already on the roll." in out
    assert Member.objects.count() == 2
