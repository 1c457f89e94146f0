"""The download centre's pages: the list, the request form, the polled row and the scoped
download (issue 20 item 3), and the generate_report command (item 5)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from apps.reports.models import Report
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
CENTRE = "/reports/"
Status = Report.Status


def make_report(organization, *, by=None, scheduled=False, status=Status.DONE, kind="monthly_statistics",
                month=10, pdf=True) -> Report:
    return Report.objects.create(
        kind=kind, organization=organization, requested_by=by, scheduled=scheduled, status=status,
        period_start=datetime.date(2026, month, 1), period_end=datetime.date(2026, month, 28 if month == 2 else 30),
        progress=100 if status == Status.DONE else 40,
        xlsx_file=ContentFile(b"PK-xlsx", name="r.xlsx") if status == Status.DONE else "",
        pdf_file=ContentFile(b"%PDF-1.4", name="r.pdf") if status == Status.DONE and pdf else "",
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )


def test_the_centre_lists_own_reports_and_the_scopes_scheduled_ones(client, tree, county_staff, county_b_staff):
    own = make_report(tree.county_a, by=county_staff)
    scheduled = make_report(tree.county_a, scheduled=True, month=9)
    sibling = make_report(tree.county_b, scheduled=True, month=8)
    colleague = make_report(tree.county_a, by=UserFactory(organization=tree.county_a, role="county_staff"), month=7)
    client.force_login(county_staff)
    page = client.get(CENTRE).content.decode()
    assert f'id="report-{own.pk}"' in page and f'id="report-{scheduled.pk}"' in page
    assert f'id="report-{sibling.pk}"' not in page  # a sibling county's
    assert f'id="report-{colleague.pk}"' not in page  # another user's request: theirs (reachable by URL in scope)


@pytest.mark.parametrize("extra", [2, 20])
def test_the_centre_makes_a_bounded_number_of_queries(client, tree, county_staff, django_assert_max_num_queries, extra):
    for n in range(extra):
        if n % 2:
            make_report(tree.county_a, scheduled=True, month=1 + n % 12, status=[Status.DONE, Status.FAILED][n % 4 // 2])
        else:
            make_report(tree.county_a, by=county_staff, month=1 + n % 12, status=Status.RUNNING if n < 2 else Status.DONE,
                        kind="annual_work" if n % 3 else "monthly_statistics")
    client.force_login(county_staff)
    with django_assert_max_num_queries(12):
        assert client.get(CENTRE).status_code == 200


def test_asking_through_the_form_makes_a_report_and_asking_again_gives_it(client, tree, county_staff):
    client.force_login(county_staff)
    data = {"kind": "monthly_statistics", "organization": tree.county_a.code, "month": "2026-10"}
    response = client.post(CENTRE, data)
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#report-{report.pk}")
    assert (report.organization, report.requested_by, report.period_start, report.period_end) == (
        tree.county_a, county_staff, datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    client.post(CENTRE, data)
    assert Report.objects.count() == 1


@pytest.mark.parametrize("user, target", [
    ("branch_officer", "union_a1b"), ("branch_officer", "county_a"), ("county_staff", "county_b"),
    ("county_staff", "city"),
])
def test_a_tampered_form_cannot_ask_for_a_siblings_or_a_higher_report(client, request, tree, user, target):
    client.force_login(request.getfixturevalue(user))
    response = client.post(CENTRE, {"kind": "monthly_statistics", "organization": getattr(tree, target).code,
                                    "month": "2026-10"})
    assert response.status_code == 200 and not Report.objects.exists()
    assert response.context["form"].errors["organization"]


def test_the_form_says_what_period_the_kind_needs(client, tree, city_staff):
    client.force_login(city_staff)
    response = client.post(CENTRE, {"kind": "annual_work", "organization": tree.city.code, "year": ""})
    assert "year" in response.context["form"].errors
    response = client.post(CENTRE, {"kind": "membership_changes", "organization": tree.city.code,
                                    "date_from": "2026年9月1日", "date_to": "2026/9/30"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.period_start, report.period_end) == (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))


def test_a_county_downloads_its_own_and_a_sibling_county_gets_404(client, tree, county_staff, county_b_staff, city_staff):
    report = make_report(tree.county_a, scheduled=True)
    for fmt in ("xlsx", "pdf"):
        url = reverse("reports:download", kwargs={"pk": report.pk, "fmt": fmt})
        client.force_login(county_staff)
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
        assert "attachment" in response["Content-Disposition"]
        client.force_login(city_staff)  # the city above it
        assert client.get(url).status_code == 200
        client.force_login(county_b_staff)
        assert client.get(url).status_code == 404
        assert client.get(reverse("reports:row", kwargs={"pk": report.pk})).status_code == 404


def test_no_download_of_a_running_expired_or_missing_file(client, tree, county_staff):
    client.force_login(county_staff)
    running = make_report(tree.county_a, status=Status.RUNNING, by=county_staff)
    expired = make_report(tree.county_a, scheduled=True, month=9)
    Report.objects.filter(pk=expired.pk).update(deleted_at=timezone.now(), xlsx_file="", pdf_file="")
    ledger = make_report(tree.county_a, by=county_staff, kind="hardship_ledger", month=8, pdf=False)
    for pk, fmt in ((running.pk, "xlsx"), (expired.pk, "xlsx"), (ledger.pk, "pdf"), (ledger.pk, "csv")):
        assert client.get(reverse("reports:download", kwargs={"pk": pk, "fmt": fmt})).status_code == 404
    assert client.get(reverse("reports:download", kwargs={"pk": ledger.pk, "fmt": "xlsx"})).status_code == 200
    page = client.get(CENTRE).content.decode()
    assert "expired" in page


def test_a_running_row_is_polled_and_a_finished_one_is_not(client, tree, county_staff):
    client.force_login(county_staff)
    report = make_report(tree.county_a, status=Status.RUNNING, by=county_staff)
    row = client.get(reverse("reports:row", kwargs={"pk": report.pk}), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in row and 'data-width-percent="40"' in row
    Report.objects.filter(pk=report.pk).update(status=Status.FAILED, failure="worker_lost", attempts=3)
    row = client.get(reverse("reports:row", kwargs={"pk": report.pk}), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in row and "interrupted 3 times" in row


def test_the_start_page_has_the_download_centre(client, tree, leader):
    client.force_login(leader)
    page = client.get("/").content.decode()
    assert 'id="home-reports"' in page and CENTRE in page


def test_the_command_writes_the_file_and_exits_by_the_rules(tree, records, tmp_path, capsys):
    output = tmp_path / "out.pdf"
    call_command("generate_report", "monthly_statistics", "--period", "2026-10", "--org", "CA", "--format", "pdf",
                 "--output", str(output))
    assert capsys.readouterr().out.strip() == str(output) and output.read_bytes().startswith(b"%PDF")
    call_command("generate_report", "annual", "--year", "2026")  # the city by default; the short name
    assert capsys.readouterr().out.strip().endswith(".xlsx")
    for args in (["nonsense"], ["monthly_statistics"], ["monthly_statistics", "--period", "2026-10", "--org", "XX"],
                 ["hardship_ledger", "--from", "2026-09-01", "--to", "2026-09-30", "--format", "pdf"],
                 ["annual_work", "--year", "2099"]):
        with pytest.raises(CommandError) as bad:
            call_command("generate_report", *args)
        assert bad.value.returncode == 2, args


def test_the_command_exits_1_with_the_reason_when_generation_fails(tree, settings, monkeypatch):
    settings.REPORTS_MAX_ATTEMPTS = 2
    monkeypatch.setattr("apps.reports.definitions.organization_counts_by_county",
                        lambda **kw: (_ for _ in ()).throw(RuntimeError("database gone")))
    with pytest.raises(CommandError) as failed:
        call_command("generate_report", "monthly_statistics", "--period", "2026-10")
    assert failed.value.returncode == 1 and "database gone" in str(failed.value) and "2 times" in str(failed.value)
