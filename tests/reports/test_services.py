"""Asking for reports, their tries and their retention (issue 20 items 2–4)."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.reports import attempts, services
from apps.reports.generation import generate
from apps.reports.models import Report
from apps.reports.tasks import sweep_reports
from tests.reports.conftest import MONTH

pytestmark = pytest.mark.django_db
Status = Report.Status


def ask(user, organization, kind="monthly_statistics", period=MONTH):
    return services.request_report(actor=user, kind=kind, organization=organization,
                                   period_start=period[0], period_end=period[1])


def test_asking_twice_while_it_runs_gives_the_running_report(tree, county_staff, leader):
    first, created = ask(county_staff, tree.county_a)
    again, created_again = ask(leader, tree.county_a)  # another user of the scope, same report
    assert created and not created_again and again.pk == first.pk
    assert Report.objects.count() == 1


def test_the_database_refuses_a_second_report_in_progress(tree, county_staff):
    """The rule is the constraint's, not only the service's look-up."""
    first, _ = ask(county_staff, tree.county_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(kind=first.kind, organization=first.organization, period_start=first.period_start,
                              period_end=first.period_end, status=Status.RUNNING)


def test_a_finished_report_may_be_asked_for_again(tree, county_staff):
    first, _ = ask(county_staff, tree.county_a)
    Report.objects.filter(pk=first.pk).update(status=Status.DONE)
    second, created = ask(county_staff, tree.county_a)
    assert created and second.pk != first.pk


def test_a_county_cannot_ask_for_a_sibling_county(tree, county_staff):
    with pytest.raises(ValidationError) as refused:
        ask(county_staff, tree.county_b)
    assert "organization" in refused.value.error_dict
    assert not Report.objects.exists()


def test_a_branch_officer_asks_for_their_own_union_only(tree, branch_officer):
    ask(branch_officer, tree.union_a1a)
    for other in (tree.union_a1b, tree.township_a1, tree.county_a):
        with pytest.raises(ValidationError):
            ask(branch_officer, other)


def test_the_ledger_needs_the_right_to_export_assistance(tree, county_staff):
    """The ledger lists households by name: its requester needs assistance.export too (every
    role holding reports.request holds it today, so a user without it is made up here)."""
    ledger = (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
    with mock.patch.object(type(county_staff), "has_capability", lambda self, cap: cap != "assistance.export"):
        with pytest.raises(PermissionDenied):
            ask(county_staff, tree.county_a, "hardship_ledger", ledger)
    assert not Report.objects.exists()


@pytest.mark.parametrize("kind, period, message", [
    ("monthly_statistics", (datetime.date(2026, 10, 2), datetime.date(2026, 10, 31)), "whole calendar month"),
    ("annual_work", (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)), "whole calendar year"),
    ("membership_changes", (datetime.date(2024, 1, 1), datetime.date(2025, 6, 30)), "at most"),
    ("membership_changes", (datetime.date(2099, 1, 1), datetime.date(2099, 1, 31)), "future"),
])
def test_a_period_the_kind_does_not_cover_is_refused(tree, city_staff, kind, period, message):
    with pytest.raises(ValidationError, match=message):
        ask(city_staff, tree.city, kind, period)


def test_a_try_that_raises_is_sent_again_with_backoff_then_failed_with_its_reason(tree, county_staff, settings):
    settings.REPORTS_MAX_ATTEMPTS = 2
    settings.REPORTS_RETRY_BACKOFF_SECONDS = 30
    report, _ = ask(county_staff, tree.county_a)
    with mock.patch("apps.reports.definitions.organization_counts_by_county", side_effect=RuntimeError("disk full")):
        first = generate(report_id=report.pk, attempt=1)
        assert first.status == Status.QUEUED and first.resend.attempt == 2 and first.resend.countdown == 30
        report.refresh_from_db()
        assert (report.status, report.attempts) == (Status.QUEUED, 2)
        assert report.heartbeat_at > timezone.now() + datetime.timedelta(seconds=25)  # due after the backoff
        second = generate(report_id=report.pk, attempt=2)
    assert second.status == Status.FAILED and second.resend is None
    report.refresh_from_db()
    assert report.status == Status.FAILED and report.failure == Report.Failure.ERROR
    assert "RuntimeError: disk full" in report.failure_detail
    assert "failed 2 times" in report.failure_reason


def test_the_failure_reason_is_read_in_the_readers_language(tree, county_staff, chinese_default):
    report, _ = ask(county_staff, tree.county_a)
    Report.objects.filter(pk=report.pk).update(status=Status.FAILED, failure=Report.Failure.WORKER_LOST, attempts=3)
    report.refresh_from_db()
    assert "后台进程中断" in report.failure_reason


def test_the_sweeper_sends_a_quiet_report_again_then_fails_it(tree, county_staff, settings):
    settings.REPORTS_HEARTBEAT_TIMEOUT_SECONDS = 60
    settings.REPORTS_MAX_ATTEMPTS = 2
    report, _ = ask(county_staff, tree.county_a)
    token = attempts.claim(report_id=report.pk, attempt=1)
    quiet = timezone.now() - datetime.timedelta(minutes=5)
    Report.objects.filter(pk=report.pk).update(heartbeat_at=quiet)
    with mock.patch("apps.reports.tasks.generate_report_task.apply_async") as send:
        assert sweep_reports() == {"resent": 1, "failed": 0}
    send.assert_called_once_with(kwargs={"report_id": report.pk, "attempt": 2}, countdown=settings.REPORTS_RETRY_BACKOFF_SECONDS)
    with pytest.raises(attempts.Superseded):  # the first run, if alive after all, stops at its next step
        attempts.beat(report_id=report.pk, token=token, progress=50)
    assert generate(report_id=report.pk, attempt=1).status == "skipped"  # a late message of the old try
    attempts.claim(report_id=report.pk, attempt=2)
    Report.objects.filter(pk=report.pk).update(heartbeat_at=quiet)
    with mock.patch("apps.reports.tasks.generate_report_task.apply_async") as send:
        assert sweep_reports() == {"resent": 0, "failed": 1}
    send.assert_not_called()
    report.refresh_from_db()
    assert report.status == Status.FAILED and report.failure == Report.Failure.WORKER_LOST


def test_a_redelivered_message_counts_as_a_new_try(tree, county_staff, settings):
    settings.REPORTS_MAX_ATTEMPTS = 2
    report, _ = ask(county_staff, tree.county_a)
    assert attempts.claim(report_id=report.pk, attempt=1) == 1
    assert attempts.claim(report_id=report.pk, attempt=1) == 2  # the worker died; the same message came back
    Report.objects.filter(pk=report.pk).update(status=Status.QUEUED)
    assert attempts.claim(report_id=report.pk, attempt=2) is None  # and again: that was the last try
    report.refresh_from_db()
    assert report.status == Status.FAILED


def test_expired_files_are_deleted_and_the_record_stays(tree, county_staff, tasks_in_process, records):
    with tasks_in_process():
        report, _ = ask(county_staff, tree.county_a)
    report.refresh_from_db()
    storage = report.xlsx_file.storage
    names = [report.xlsx_file.name, report.pdf_file.name]
    assert report.status == Status.DONE and all(storage.exists(n) for n in names)
    assert services.purge_expired_reports() == 0  # still kept
    later = report.expires_at + datetime.timedelta(minutes=1)
    with tasks_in_process():
        assert services.purge_expired_reports(now=later) == 1
    report.refresh_from_db()
    assert report.is_expired and report.status == Status.DONE and report.status_label == "expired"
    assert not report.xlsx_file and not any(storage.exists(n) for n in names)


def test_files_are_kept_for_the_configured_days(tree, county_staff, tasks_in_process, settings):
    settings.REPORTS_KEEP_DAYS = 10
    with tasks_in_process():
        report, _ = ask(county_staff, tree.county_a)
    report.refresh_from_db()
    assert report.expires_at - report.finished_at == datetime.timedelta(days=10)
