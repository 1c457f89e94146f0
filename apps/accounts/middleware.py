import time

from django.conf import settings
from django.contrib.auth import logout

_LOGIN_AT = "login_at"


class SessionLifetimeMiddleware:
    """End a session SESSION_MAX_LIFETIME_SECONDS after login, however active it was.

    The idle limit is the cookie age renewed on each request (settings); this adds
    the absolute limit that Django has no setting for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.setdefault(_LOGIN_AT, time.time())
            if time.time() - started > settings.SESSION_MAX_LIFETIME_SECONDS:
                logout(request)
        return self.get_response(request)
