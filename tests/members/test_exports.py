"""The member export: scope, masking, the access log, formula neutralization, round trip."""

import io

import openpyxl
import pytest
from django.urls import reverse

from apps.accounts.models import SensitiveAccess
from apps.members.cleaning import clean_member_input
from apps.members.exports import ROSTER_HEADERS
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

_FIELD_OF_HEADER = dict(
    zip(
        ROSTER_HEADERS,
        (
            "name",
            "id_number",
            "sex",
            "phone",
            "ethnicity",
            "political_status",
            "education",
            "employer_name",
            "joined_on",
            "worker_category",
            "card_number",
        ),
        strict=True,
    )
)


def _sheet(response):
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_export_is_scoped_and_masked_by_default(tree, branch_officer, login):
    own = MemberFactory(organization=tree.union_a1a, name="本会员", phone="13812345678")
    MemberFactory(organization=tree.union_a1b, name="兄弟会员")
    header, rows = _sheet(login(branch_officer).get(reverse("members:export")))
    assert header[: len(ROSTER_HEADERS)] == ROSTER_HEADERS
    assert [r[0] for r in rows] == ["本会员"]
    assert rows[0][1] == "**************" + own.id_number[-4:]
    assert rows[0][3] == "138****5678"
    assert not SensitiveAccess.objects.exists()


def test_export_follows_the_list_filters(tree, county_staff, login):
    MemberFactory(organization=tree.union_a1a, name="甲")
    MemberFactory(organization=tree.union_a1b, name="乙")
    _, rows = _sheet(login(county_staff).get(reverse("members:export"), {"org": "CA1b"}))
    assert [r[0] for r in rows] == ["乙"]


def test_unmasked_export_is_written_to_the_access_log(tree, branch_officer, login):
    own = MemberFactory(organization=tree.union_a1a)
    _, rows = _sheet(
        login(branch_officer).get(reverse("members:export"), {"unmasked": "1", "q": own.id_number[-6:]})
    )
    assert rows[0][1] == own.id_number
    access = SensitiveAccess.objects.get()
    assert (access.actor, access.action, access.organization) == (
        branch_officer,
        "export_unmasked",
        tree.union_a1a,
    )
    assert own.id_number not in access.detail


def test_leader_may_export_masked_only(tree, leader, login):
    MemberFactory(organization=tree.union_a1a)
    client = login(leader)
    assert client.get(reverse("members:export")).status_code == 200
    assert client.get(reverse("members:export"), {"unmasked": "1"}).status_code == 403


def test_cells_that_start_a_formula_are_neutralized(tree, branch_officer, login):
    # Written past the services (older data, or an import elsewhere): the export must still be safe.
    MemberFactory(
        organization=tree.union_a1a,
        employer_name='=HYPERLINK("http://x")',
        card_number="+1-2",
        ethnicity="@SUM(A1)",
    )
    _, rows = _sheet(login(branch_officer).get(reverse("members:export")))
    row = dict(zip(ROSTER_HEADERS, rows[0], strict=False))
    assert row["工作单位"] == '\'=HYPERLINK("http://x")'
    assert row["会员证号"] == "'+1-2"
    assert row["民族"] == "'@SUM(A1)"


def test_unmasked_export_reads_back_to_the_same_member(tree, branch_officer, login):
    import datetime

    member = MemberFactory(
        organization=tree.union_a1a,
        name="欧阳·娜娜",
        phone="13912345678",
        ethnicity="汉族",
        political_status="cpc_member",
        education="bachelor",
        employer_name="某某物流有限公司",
        joined_on=datetime.date(2019, 7, 1),
        worker_category="new_employment",
        card_number="HY0001",
    )
    _, rows = _sheet(login(branch_officer).get(reverse("members:export"), {"unmasked": "1"}))
    raw = {_FIELD_OF_HEADER[h]: v for h, v in zip(ROSTER_HEADERS, rows[0], strict=False)}
    cleaned = clean_member_input(raw)
    assert set(_FIELD_OF_HEADER.values()) <= set(cleaned)  # every exported column was compared
    for field, value in cleaned.items():
        assert getattr(member, field) == value, field


def test_unmasked_export_reimports_through_the_roster_upload_with_nothing_changed(
    tree, branch_officer, login, settings, tmp_path
):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.imports.models import ImportRow
    from apps.imports.services import create_import_job
    from apps.imports.validation import run_validation

    settings.MEDIA_ROOT = tmp_path
    MemberFactory(
        organization=tree.union_a1a,
        name="欧阳·娜娜",
        phone="13912345678",
        ethnicity="汉族",
        political_status="cpc_probationary",
        education="junior_college",
        employer_name="某某物流有限公司",
        joined_on=datetime.date(2019, 7, 1),
        worker_category="dispatched",
        card_number="HY0001",
    )
    MemberFactory(organization=tree.union_a1a, name="王芳", phone="", joined_on=None)
    response = login(branch_officer).get(reverse("members:export"), {"unmasked": "1"})
    content = b"".join(response.streaming_content)
    job = create_import_job(
        kind="roster",
        organization=tree.union_a1a,
        uploaded_by=branch_officer,
        uploaded_file=SimpleUploadedFile("export.xlsx", content),
        enqueue=False,
    )
    job = run_validation(job_id=job.pk)
    outcomes = list(job.rows.values_list("outcome", flat=True))
    assert outcomes == [ImportRow.Outcome.UNCHANGED] * 2, list(job.rows.values_list("messages", flat=True))


def test_large_export_is_written_in_the_background_for_its_requester_only(
    tree,
    branch_officer,
    county_staff,
    login,
    settings,
    tmp_path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from apps.members import exports
    from apps.members.models import MemberExport

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(exports, "SYNC_EXPORT_LIMIT", 2)
    MemberFactory.create_batch(3, organization=tree.union_a1a)
    MemberFactory(organization=tree.union_a1b, name="兄弟会员")
    client = login(branch_officer)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.get(reverse("members:export"), {"status": "current"})
    export = MemberExport.objects.get()
    assert response.status_code == 302 and response.url == reverse("members:export_status", args=[export.pk])
    assert len(callbacks) == 1  # the task is sent once the request's transaction commits
    assert export.status == "pending" and client.get(response.url).status_code == 200
    assert client.get(reverse("members:export_download", args=[export.pk])).status_code == 404

    exports.build_member_export(export_id=export.pk)  # what the worker runs

    page = client.get(reverse("members:export_status", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert 'id="export-download"' in page.content.decode()
    _, rows = _sheet(client.get(reverse("members:export_download", args=[export.pk])))
    assert len(rows) == 3 and "兄弟会员" not in [r[0] for r in rows]
    assert all(r[1].startswith("*" * 14) for r in rows)
    other = login(county_staff)
    assert other.get(reverse("members:export_status", args=[export.pk])).status_code == 404
    assert other.get(reverse("members:export_download", args=[export.pk])).status_code == 404


def test_background_export_shows_its_progress_and_writes_its_file_in_place(
    tree, branch_officer, login, settings, tmp_path, monkeypatch
):
    """The status page shows how many of how many rows are written while it runs; the file is
    written where the storage keeps it, not copied there."""
    from apps.members import exports
    from apps.members.models import MemberExport

    settings.MEDIA_ROOT = tmp_path
    MemberFactory.create_batch(3, organization=tree.union_a1a)
    export = MemberExport.objects.create(requested_by=branch_officer, query="")
    seen = []
    monkeypatch.setattr(exports, "write_members_xlsx", _recording(exports.write_members_xlsx, seen))
    exports.build_member_export(export_id=export.pk)
    export.refresh_from_db()
    assert seen == [(MemberExport.Status.RUNNING, 0, 3)]  # recorded before the first row
    assert (export.status, export.rows, export.rows_total) == ("done", 3, 3)
    assert export.file.path.startswith(str(tmp_path)) and openpyxl.load_workbook(export.file.path).active.max_row == 4

    MemberExport.objects.filter(pk=export.pk).update(status="running", rows=20_000, rows_total=124_626)
    page = login(branch_officer).get(reverse("members:export_status", args=[export.pk]), HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert 'value="20000" max="124626"' in body and 'id="export-progress-text"' in body


def test_background_export_of_a_county_is_its_unions_newest_first(tree, county_staff, login, settings, tmp_path):
    """The worker's file holds the county's members under every union of it, in the list's
    order (newest first), and none of a sibling county's, also when it reads the scope's ids
    first (issue 21)."""
    from apps.members import exports
    from apps.members.models import MemberExport

    settings.MEDIA_ROOT = tmp_path
    names = ["甲一", "乙一", "甲二", "乙二"]
    for name, union in zip(names, [tree.union_a1a, tree.union_a1b] * 2, strict=True):
        MemberFactory(organization=union, name=name)
    MemberFactory(organization=tree.union_b1, name="兄弟县会员")
    export = MemberExport.objects.create(requested_by=county_staff, query="status=current")
    exports.build_member_export(export_id=export.pk)
    _, rows = _sheet(login(county_staff).get(reverse("members:export_download", args=[export.pk])))
    assert [r[0] for r in rows] == list(reversed(names))


def _recording(write, seen):
    from apps.members.models import MemberExport

    def recorded(queryset, path, *, unmasked, progress=None):
        export = MemberExport.objects.get()
        seen.append((export.status, export.rows, export.rows_total))
        return write(queryset, path, unmasked=unmasked, progress=progress)

    return recorded


def test_export_of_a_filter_matching_nobody_is_the_header_alone(tree, branch_officer, login):
    """An organization code outside the scope filters to nothing (no query at all)."""
    MemberFactory(organization=tree.union_a1a)
    header, rows = _sheet(login(branch_officer).get(reverse("members:export"), {"org": "CB1"}))
    assert header[: len(ROSTER_HEADERS)] == ROSTER_HEADERS and rows == []
