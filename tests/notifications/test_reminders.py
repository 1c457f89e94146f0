"""Reminder rules run by beat are idempotent (issue 16 item 12): a reminder has a key
(rule, object, period) and is sent once however often beat fires or a task is retried."""

import datetime

import pytest
from django.core import mail
from django.db import OperationalError
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from apps.notifications import tasks
from apps.notifications.models import Notification
from apps.notifications.registry import _RULES, Reminder, ReminderRule, register_reminder_rule, reminder_rules
from apps.notifications.reminders import run_reminder_rule
from tests.accounts.factories import UserFactory
from unionportal.celery import app

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule_registry():
    saved = dict(_RULES)
    yield
    _RULES.clear()
    _RULES.update(saved)


def test_the_domain_apps_register_their_rules_from_ready():
    codes = {rule.code for rule in reminder_rules()}
    assert {"assistance.reverification_due", "assistance.waiting_too_long", "assistance.problem_overdue",
            "members.transfers_waiting"} <= codes


def test_beat_runs_the_rules_from_the_database_schedule(settings):
    """django-celery-beat's DatabaseScheduler installs CELERY_BEAT_SCHEDULE as PeriodicTask rows."""
    entry = settings.CELERY_BEAT_SCHEDULE["run-reminder-rules"]
    ModelEntry.from_entry("run-reminder-rules", app=app, **entry)  # what the scheduler does at start-up
    task = PeriodicTask.objects.get(name="run-reminder-rules")
    assert task.task == "apps.notifications.tasks.run_reminder_rules" and task.enabled


def test_running_a_rule_twice_reminds_once(rule_registry):
    clerk = UserFactory()
    register_reminder_rule(ReminderRule("test.rule", "test", lambda today: [
        Reminder(object_key="thing:1", period=today.isoformat(), recipient_ids=(clerk.pk,), title="提醒")
    ]))
    day = datetime.date(2026, 3, 1)
    assert len(run_reminder_rule("test.rule", today=day)) == 1
    assert run_reminder_rule("test.rule", today=day) == []
    assert len(run_reminder_rule("test.rule", today=day + datetime.timedelta(days=1))) == 1  # a new period
    assert Notification.objects.filter(recipient=clerk).count() == 2


def test_a_task_retried_after_failing_halfway_reminds_each_once(rule_registry, eager_celery,
                                                                django_capture_on_commit_callbacks):
    clerks = [UserFactory(email=f"c{n}@example.org") for n in range(3)]
    runs = []

    def find(today):
        runs.append(1)
        for n, clerk in enumerate(clerks):
            if n == 2 and len(runs) == 1:
                raise OperationalError("connection lost")  # the first run dies after two reminders
            yield Reminder(object_key=f"thing:{n}", period="p", recipient_ids=(clerk.pk,), title=f"提醒{n}")

    register_reminder_rule(ReminderRule("test.flaky", "test", find))
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.run_reminder_rule_task.apply(kwargs={"code": "test.flaky", "today": "2026-03-01"})
    assert result.successful(), result.traceback
    assert len(runs) == 2
    assert sorted(Notification.objects.values_list("key", flat=True)) == [
        "test.flaky:thing:0:p", "test.flaky:thing:1:p", "test.flaky:thing:2:p"
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["c0@example.org", "c1@example.org", "c2@example.org"]
