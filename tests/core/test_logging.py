"""One time zone and one line format in the logs of Django, gunicorn, the Celery worker and beat,
and honcho's prefix (the run command's TZ)."""

import logging
import sys
import time
from pathlib import Path

from django.conf import settings

from unionportal import gunicorn_conf, logformat

ROOT = Path(settings.BASE_DIR)


def _formatter(config: dict, handler: str) -> logging.Formatter:
    name = config["handlers"][handler]["formatter"]
    spec = config["formatters"][name]
    return logging.Formatter(spec["format"], spec.get("datefmt"))


def test_django_gunicorn_and_celery_write_one_format():
    django = _formatter(settings.LOGGING, "console")
    gunicorn = gunicorn_conf.logconfig_dict
    gunicorn_error = _formatter(gunicorn, gunicorn["loggers"]["gunicorn.error"]["handlers"][0])
    gunicorn_access = _formatter(gunicorn, gunicorn["loggers"]["gunicorn.access"]["handlers"][0])
    celery = logging.Formatter(settings.CELERY_WORKER_LOG_FORMAT, settings.CELERY_WORKER_LOG_DATEFMT)
    record = logging.LogRecord("x.y", logging.WARNING, __file__, 1, "hello", (), None)
    lines = {f.format(record) for f in (django, gunicorn_error, gunicorn_access, celery)}
    assert len(lines) == 1
    assert settings.CELERY_WORKER_TASK_LOG_DATEFMT == logformat.DATEFMT
    # gunicorn reads its logging from this config file, which the Procfile names.
    assert "--config python:unionportal.gunicorn_conf" in (ROOT / "Procfile").read_text()


def test_a_log_line_carries_the_local_time_and_its_offset(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        record = logging.LogRecord("django.request", logging.INFO, __file__, 1, "GET /", (), None)
        record.created = 1_700_000_000  # 2023-11-14 22:13:20 UTC
        line = _formatter(settings.LOGGING, "console").format(record)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert line == "2023-11-15 06:13:20 +0800 INFO django.request GET /"


def test_the_run_command_gives_every_process_the_portal_time_zone(monkeypatch):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import portal
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    seen = {}
    monkeypatch.setattr(portal, "manage", lambda env, *args: None)
    monkeypatch.setattr(portal, "compile_messages", lambda env: None)
    monkeypatch.setattr(portal, "supervise", lambda command, env, **kwargs: seen.update(env) or 0)
    services = portal.Services(env={"TZ": "UTC", "PATH": "/usr/bin"}, postgres="pg", redis="redis")
    assert portal.run(services) == 0
    assert seen["TZ"] == settings.TIME_ZONE == "Asia/Shanghai"
