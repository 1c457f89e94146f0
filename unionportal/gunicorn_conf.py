"""gunicorn's settings (Procfile: --config python:unionportal.gunicorn_conf): its error and
access logs in the portal's one log format (unionportal/logformat.py)."""

from unionportal.logformat import ACCESS_FORMAT, dict_config

_logging = dict_config()
_logging["loggers"] = {
    "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
    # Access lines go to stdout like gunicorn's `--access-logfile -`.
    "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
}
_logging["handlers"]["stdout"] = {
    "class": "logging.StreamHandler",
    "formatter": "plain",
    "stream": "ext://sys.stdout",
}

logconfig_dict = _logging
access_log_format = ACCESS_FORMAT
