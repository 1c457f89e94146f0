"""Monthly statistics on the 1st of each month for the city and each county, through
django-celery-beat's database schedule (issue 20 item 2; "the scheduled report appears after
a beat tick (run beat's due entries in the test)")."""

import datetime
import json
import zoneinfo

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from apps.organizations.models import Organization
from apps.reports.models import Report
from apps.reports.periods import previous_month
from unionportal.celery import app

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NAME = "schedule-monthly-statistics"


def installed_entry() -> PeriodicTask:
    """What DatabaseScheduler does at start-up with CELERY_BEAT_SCHEDULE."""
    ModelEntry.from_entry(NAME, app=app, **settings.CELERY_BEAT_SCHEDULE[NAME])
    return PeriodicTask.objects.get(name=NAME)


def due_at(task: PeriodicTask, now: datetime.datetime) -> bool:
    schedule = task.crontab.schedule
    schedule.nowfun = lambda: now
    return schedule.is_due(now - datetime.timedelta(hours=2)).is_due


def test_the_schedule_is_due_on_the_first_of_the_month_only():
    task = installed_entry()
    assert task.enabled and task.task == "apps.reports.tasks.schedule_monthly_statistics"
    assert due_at(task, datetime.datetime(2026, 12, 1, 1, 0, 30, tzinfo=SHANGHAI))
    assert not due_at(task, datetime.datetime(2026, 12, 2, 1, 0, 30, tzinfo=SHANGHAI))
    assert not due_at(task, datetime.datetime(2026, 11, 30, 1, 0, 30, tzinfo=SHANGHAI))


def test_a_beat_tick_makes_last_months_statistics_for_the_city_and_each_county(tree, tasks_in_process, settings,
                                                                                 tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path
    task = installed_entry()
    with tasks_in_process():
        # The tick: beat sends the due entry's task with its stored arguments.
        app.tasks[task.task].apply_async(args=json.loads(task.args), kwargs=json.loads(task.kwargs))
    start, end = previous_month(timezone.localdate())
    reports = Report.objects.filter(kind="monthly_statistics", scheduled=True, period_start=start, period_end=end)
    expected = Organization.objects.filter(kind__in=["city_federation", "county_federation"])
    assert sorted(r.organization.code for r in reports) == sorted(o.code for o in expected) == ["C", "CA", "CB"]
    assert {r.status for r in reports} == {Report.Status.DONE}
    assert all(r.requested_by is None and r.pdf_file for r in reports)
