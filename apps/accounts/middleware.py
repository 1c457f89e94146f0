import logging
import time

from django.conf import settings
from django.contrib.auth import logout

from .signals import LOGIN_AT_SESSION_KEY

logger = logging.getLogger("apps.accounts")

# Set on the fresh anonymous session so the login page can say why the user is there.
SESSION_ENDED_FLAG = "accounts_session_ended"


class SessionLifetimeMiddleware:
    """End a session SESSION_MAX_LIFETIME_SECONDS after login, however active it was.

    The idle limit is the session age renewed on each request (settings); this adds
    the absolute limit that Django has no setting for. The clock starts at login
    (apps.accounts.signals stamps it); a logged-in session without a stamp did not
    come through login() and is ended too, rather than given a fresh 12 hours.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_AT_SESSION_KEY)
            if started is None or time.time() - started > settings.SESSION_MAX_LIFETIME_SECONDS:
                logger.info(
                    "session ended at the absolute limit: user=%s id=%s", user.get_username(), user.pk
                )
                logout(request)
                request.session[SESSION_ENDED_FLAG] = True
        return self.get_response(request)
