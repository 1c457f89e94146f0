"""Celery queues (issue 21 item 3): every task is routed to one of the four queues, and the
one-machine worker (Procfile, started by `make run`) consumes every queue a task can go to,
so nothing waits forever on a single-machine install."""

import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings

from tests.worker_process import sending_to
from unionportal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def our_tasks() -> list[str]:
    celery_app.loader.import_default_modules()
    return sorted(name for name in celery_app.tasks if name.startswith("apps."))


def queue_of(name: str) -> str:
    return celery_app.amqp.router.route({}, name)["queue"].name


def procfile_worker_queues() -> set[str]:
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("worker:"))
    words = shlex.split(line.removeprefix("worker:"))
    flag = next(i for i, word in enumerate(words) if word in ("-Q", "--queues"))
    return set(words[flag + 1].split(","))


def test_every_task_of_every_app_has_a_queue_of_the_four():
    tasks = our_tasks()
    # Every @shared_task in apps/*/tasks.py is registered (none forgotten by autodiscovery).
    declared = {f"{path.parent.name}.{m}" for path in ROOT.glob("apps/*/tasks.py")
                for m in re.findall(r"@shared_task(?:\([^@]*?\))?\s*\ndef (\w+)", path.read_text(), re.S)}
    assert {name.removeprefix("apps.").replace(".tasks.", ".") for name in tasks} >= declared
    assert {queue_of(name) for name in tasks} <= set(settings.CELERY_QUEUE_NAMES)


@pytest.mark.parametrize("task, queue", [
    ("apps.imports.tasks.validate_import", "imports"),
    ("apps.imports.tasks.commit_import_task", "imports"),
    ("apps.reports.tasks.generate_report_task", "reports"),
    ("apps.members.tasks.build_member_export_task", "reports"),
    # Seconds of reads for every federation every 10 minutes: beside the reports, not the sweepers.
    ("apps.dashboard.tasks.refresh_dashboard_snapshots", "reports"),
    ("apps.notifications.tasks.send_notification_email_task", "notifications"),
    ("apps.notifications.tasks.run_reminder_rule_task", "notifications"),
    # The sweepers run every minute: never behind a 30-minute import or report.
    ("apps.imports.tasks.sweep_import_jobs", "default"),
    ("apps.reports.tasks.sweep_reports", "default"),
    ("apps.core.tasks.ping", "default"),
])
def test_long_work_has_its_own_queue_and_the_sweepers_stay_on_default(task, queue):
    assert queue_of(task) == queue


def test_the_one_machine_worker_consumes_every_queue_a_task_goes_to():
    consumed = procfile_worker_queues()

    assert {queue_of(name) for name in our_tasks()} <= consumed
    assert consumed == set(settings.CELERY_QUEUE_NAMES)


def test_the_run_command_starts_the_procfiles_worker_and_one_beat():
    procfile = (ROOT / "Procfile").read_text()
    assert "honcho" in (ROOT / "scripts" / "portal.py").read_text() and '"Procfile"' in (ROOT / "scripts" / "portal.py").read_text()
    beats = [line for line in procfile.splitlines() if re.match(r"^\w+:.*\bcelery\b.*\bbeat\b", line)]
    assert len(beats) == 1 and "DatabaseScheduler" in beats[0]


def test_a_test_worker_queue_takes_routed_tasks_too():
    """tests/worker_process.sending_to: a test's worker gets the routed tasks it sends."""
    with sending_to("uptest-queue"):
        assert queue_of("apps.reports.tasks.generate_report_task") == "uptest-queue"
    assert queue_of("apps.reports.tasks.generate_report_task") == "reports"


def test_redis_sentinels_switch_the_broker_and_the_cache_to_the_sentinel_clients():
    """The settings of docs/DEPLOYMENT.md "Redis Sentinel" (tried once against a real sentinel there)."""
    import json
    import os
    import subprocess
    import sys

    show = ("import json, django; django.setup(); from django.conf import settings as s; "
            "print(json.dumps({'broker': s.CELERY_BROKER_URL, 'master': s.CELERY_BROKER_TRANSPORT_OPTIONS.get('master_name'), "
            "'cache': s.CACHES['default']['BACKEND'], 'location': s.CACHES['default']['LOCATION'], "
            "'sentinels': s.CACHES['default'].get('OPTIONS', {}).get('SENTINELS')}))")
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "CACHE_URL")}
    env |= {"DJANGO_SETTINGS_MODULE": "unionportal.settings", "LOG_LEVEL": "WARNING",
            "REDIS_SENTINELS": "10.0.0.5:26379, 10.0.0.6:26379", "REDIS_SENTINEL_MASTER": "portal",
            "REDIS_URL": "redis://unused:6379/3"}
    done = subprocess.run([sys.executable, "-c", show], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    shown = json.loads(done.stdout.strip().splitlines()[-1])

    assert shown == {
        "broker": "sentinel://10.0.0.5:26379/3;sentinel://10.0.0.6:26379/3", "master": "portal",
        "cache": "django_redis.cache.RedisCache", "location": "redis://portal/3",
        "sentinels": [["10.0.0.5", 26379], ["10.0.0.6", 26379]],
    }
