"""The assistance reminder rules (issue 16 item 12), each run twice: one reminder per key."""

import datetime

import pytest
from django.utils import timezone

from apps.assistance import services, services_aid
from apps.assistance.choices import FileStatus
from apps.assistance.models import AssistanceSettings, HardshipFile
from apps.members.models import Transfer
from apps.notifications.models import Notification
from apps.notifications.reminders import run_reminder_rule
from tests.members.factories import MemberFactory, TransferFactory

pytestmark = pytest.mark.django_db


def _twice(code, today=None):
    today = today or timezone.localdate()
    return len(run_reminder_rule(code, today=today)), len(run_reminder_rule(code, today=today))


def test_re_verification_due_within_30_days_reminds_the_branch_once(file_at, branch_officer):
    due = file_at(FileStatus.ACTIVE)
    later = file_at(FileStatus.ACTIVE)
    today = timezone.localdate()
    HardshipFile.objects.filter(pk=due.pk).update(valid_until=today + datetime.timedelta(days=30))
    HardshipFile.objects.filter(pk=later.pk).update(valid_until=today + datetime.timedelta(days=31))
    assert _twice("assistance.reverification_due") == (1, 0)
    (notification,) = Notification.objects.filter(kind="assistance.reverification_due")
    assert notification.recipient == branch_officer and str(due.pk) in notification.url


def test_a_file_waiting_longer_than_the_city_limit_reminds_its_level_and_again_after_resubmission(
    file_at, branch_officer, county_staff, county_clerk_2
):
    AssistanceSettings.objects.create(step_limit_days=5)
    file = file_at(FileStatus.SUBMITTED)
    HardshipFile.objects.filter(pk=file.pk).update(status_changed_at=timezone.now() - datetime.timedelta(days=5, hours=1))
    assert _twice("assistance.waiting_too_long") == (2, 0)  # both county clerks
    file.refresh_from_db()
    file = services.reject_file(actor=county_staff, file=file, expected_version=file.version, reason="补材料")
    file = services.submit_file(actor=branch_officer, file=file, expected_version=file.version)
    assert _twice("assistance.waiting_too_long") == (0, 0)  # a new wait, not yet too long
    HardshipFile.objects.filter(pk=file.pk).update(status_changed_at=timezone.now() - datetime.timedelta(days=6))
    assert _twice("assistance.waiting_too_long") == (2, 0)


def test_a_visit_problem_past_its_date_reminds_once_per_due_date(file_at, county_staff, branch_officer):
    file = file_at(FileStatus.ACTIVE)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    services_aid.record_visit(actor=county_staff, file=file,
                              data={"visited_on": yesterday, "visitors": "李娜", "findings": "漏雨"},
                              problems=[{"description": "修屋顶", "due_on": yesterday}])
    assert _twice("assistance.problem_overdue") == (1, 0)
    assert Notification.objects.get(kind="assistance.problem_overdue").recipient == branch_officer


def test_a_transfer_waiting_a_week_reminds_the_receiving_union_once(tree, branch_officer, sibling_officer, county_staff):
    member = MemberFactory(organization=tree.union_b1)
    transfer = TransferFactory(member=member, to_organization=tree.union_a1a, requested_by=sibling_officer)
    Transfer.objects.filter(pk=transfer.pk).update(requested_at=timezone.now() - datetime.timedelta(days=8))
    assert _twice("members.transfers_waiting") == (2, 0)  # union A1a's officer and county A's clerk
    assert set(Notification.objects.values_list("recipient", flat=True)) == {branch_officer.pk, county_staff.pk}
