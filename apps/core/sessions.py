"""The session store: Django's database sessions, remembering the expiry they were read with.

The idle timeout renews a session on every request (SESSION_SAVE_EVERY_REQUEST), which costs
every page a write. PassiveSessionMiddleware skips that write when the session was renewed in
the last SESSION_RENEW_SECONDS (its stored expiry is that close to a fresh one), so a session
still ends at most that long before SESSION_COOKIE_AGE after a person's last request.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    loaded_expiry = None  # the row's expire_date as read, None before a read or for a new session

    def _get_session_from_db(self):
        found = super()._get_session_from_db()
        self.loaded_expiry = found.expire_date if found is not None else None
        return found
