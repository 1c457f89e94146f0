import datetime
from functools import wraps

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """The interface is Simplified Chinese unless the user chose another language.

    Django's LocaleMiddleware follows the browser's Accept-Language, so an office PC with
    an English-locale browser would greet a clerk in English. Here only the user's own
    choice (the language switcher's cookie) changes the language.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = settings.LANGUAGE_CODE
        if chosen:
            try:
                language = translation.get_supported_language_variant(chosen)
            except LookupError:
                pass
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PassiveSessionMiddleware(SessionMiddleware):
    """Django's SessionMiddleware, except that a request marked passive (`passive_session`)
    does not save the session and so does not renew its expiry.

    The idle timeout is the session age renewed on every request (SESSION_SAVE_EVERY_REQUEST):
    a page that asks the server on its own every few minutes — the dashboard's big screen —
    would otherwise keep a session alive for ever (up to the 12-hour absolute limit) with
    nobody at the keyboard. A passive request reads the session (who is signed in) and
    leaves it exactly as it was, so the session still ends 30 minutes after the last request
    a person made; a change the request itself makes (a logout) is still saved.

    Nor does a request renew a session renewed in the last SESSION_RENEW_SECONDS (its expiry
    as read is within that of a fresh one; apps.core.sessions): a person clicking through
    pages costs one session write a minute, not one per page, and the session still ends
    between 29 and 30 minutes after their last request.
    """

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and not session.modified and (
            getattr(request, PASSIVE_SESSION, False) or recently_renewed(session)
        ):
            return response
        return super().process_response(request, response)


def recently_renewed(session) -> bool:
    loaded = getattr(session, "loaded_expiry", None)
    if loaded is None:
        return False
    fresh = timezone.now() + datetime.timedelta(seconds=session.get_session_cookie_age())
    return fresh - datetime.timedelta(seconds=settings.SESSION_RENEW_SECONDS) <= loaded <= fresh


PASSIVE_SESSION = "session_is_passive"


def passive_session(view):
    """Mark a view's requests passive: they never renew the session (PassiveSessionMiddleware)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        setattr(request, PASSIVE_SESSION, True)
        return view(request, *args, **kwargs)

    return wrapped
