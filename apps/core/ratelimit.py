"""Limits on actions that could be used to probe data (a lookup by full ID number, a public
check-in form).

A counter in the Django cache (Redis in every deployment; several gunicorn processes and
hosts share it), one key per subject and action that lives for the window from its first
hit: no table of our own, and nothing to clean up. The subject is a user, or for a page
without login any string the caller chooses (an address, an event and a name).
"""

from django.core.cache import cache


def _key(action: str, user) -> str:
    return f"ratelimit:{action}:{user.pk}"


def take_one(*, action: str, user, limit: int, window_seconds: int) -> bool:
    """Count one `action` by `user`; False (and not counted further) once `limit` uses were
    made within the window that started with the first of them."""
    return take_one_for(key=_key(action, user), limit=limit, window_seconds=window_seconds)


def take_one_for(*, key: str, limit: int, window_seconds: int) -> bool:
    """take_one for a subject that is not a user: `key` names it ("ratelimit:checkin:ip:…")."""
    if cache.get(key, 0) >= limit:
        return False
    cache.add(key, 0, timeout=window_seconds)  # starts the window; a no-op while it runs
    try:
        used = cache.incr(key)  # Redis INCR keeps the key's expiry
    except ValueError:  # the window ended between add and incr: start a new one
        cache.set(key, 1, timeout=window_seconds)
        used = 1
    return used <= limit
