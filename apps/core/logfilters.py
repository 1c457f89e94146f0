"""Filters for settings.LOGGING."""

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A 403 is one warning line, not a traceback.

    django.request logs a PermissionDenied with the exception attached, so every refused
    request (a clerk opening a page their role lacks) printed a stack trace as if the code
    had failed. The line itself ("Forbidden (Permission denied): /path") stays.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
