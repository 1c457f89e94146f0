"""Limits on actions that could be used to probe data (a lookup by full ID number, a public
check-in form).

A counter in the Django cache (Redis in every deployment; several gunicorn processes and
hosts share it), one key per subject and action that lives for the window from its first
hit: no table of our own, and nothing to clean up. The subject is a user, or for a page
without login any string the caller chooses (an address, an event and a name).
"""

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

# Each key: one more use, and the window starts with the first (EXPIRE only on the first INCR,
# so later uses never stretch it). Atomic, and one round trip for all the keys.
_COUNT_EACH = """
local used = {}
for i, key in ipairs(KEYS) do
  used[i] = redis.call('INCR', key)
  if used[i] == 1 then redis.call('EXPIRE', key, ARGV[i]) end
end
return used
"""


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


def take_one_for_each(limits: dict[str, tuple[int, int]]) -> bool:
    """take_one_for over several subjects at once — {key: (limit, window_seconds)} — in one
    round trip to Redis (a public page's hot path: the check-in form); True when every limit
    still holds. Counts each use even past the limit (the window does not move, so it ends
    as take_one_for's would). A cache that is not Redis (a test setting) takes them one by one."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return all([take_one_for(key=key, limit=limit, window_seconds=window)
                    for key, (limit, window) in limits.items()])
    client = backend._cache.get_client(write=True)
    keys = [backend.make_and_validate_key(key) for key in limits]
    used = client.register_script(_COUNT_EACH)(keys=keys, args=[window for _limit, window in limits.values()])
    return all(int(n) <= limit for n, (limit, _window) in zip(used, limits.values(), strict=True))
