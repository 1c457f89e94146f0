"""Session plumbing and the login log; no business rules live here.

Axes records every attempt in the database (AccessAttempt/AccessFailureLog on failure,
AccessLog on success); these receivers add one log line per attempt for the log
files, and stamp the login time that SessionLifetimeMiddleware measures from.
Credentials are never logged: only the username that was typed and the client address.
"""

import logging
import time

from axes.helpers import get_client_ip_address
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("apps.accounts")

# Session key holding the login time (seconds since the epoch, a float JSON can store).
LOGIN_AT_SESSION_KEY = "accounts_login_at"


def _client(request) -> str:
    return (get_client_ip_address(request) if request is not None else None) or "-"


@receiver(user_logged_in, dispatch_uid="accounts_stamp_login")
def stamp_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = time.time()
    logger.info("login succeeded: user=%s id=%s client=%s", user.get_username(), user.pk, _client(request))


@receiver(user_login_failed, dispatch_uid="accounts_log_login_failure")
def log_login_failure(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; we take the username only.
    username = str(credentials.get("username", ""))[:150]
    logger.warning("login failed: username=%r client=%s", username, _client(request))


@receiver(user_logged_out, dispatch_uid="accounts_log_logout")
def log_logout(sender, request, user, **kwargs):
    if user is not None:
        logger.info("logout: user=%s id=%s client=%s", user.get_username(), user.pk, _client(request))
