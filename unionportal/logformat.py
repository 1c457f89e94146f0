"""The one log line format of every process (Django, gunicorn, Celery worker and beat).

    2026-03-01 09:30:12 +0800 INFO gunicorn.error Booting worker with pid: 4242

Local time with its offset: the run command sets TZ=Asia/Shanghai for all of them (and for
honcho's own prefix); Django alone would set it only once its settings load, so gunicorn's
master and honcho wrote UTC. Kept free of Django imports: gunicorn's config reads it first.
"""

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
TASK_FORMAT = "%(asctime)s %(levelname)s %(task_name)s[%(task_id)s] %(message)s"
DATEFMT = "%Y-%m-%d %H:%M:%S %z"
# gunicorn's access line, the message part: client, request line, status, bytes, duration.
ACCESS_FORMAT = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms'


def dict_config(level: str = "INFO") -> dict:
    """logging.config.dictConfig for one process: every logger to stderr in FORMAT."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": FORMAT, "datefmt": DATEFMT}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "root": {"handlers": ["console"], "level": level},
    }
