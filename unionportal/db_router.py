"""Reads from PostgreSQL streaming replicas, for the pages and tasks that opt in (issue 21).

Installed only when DATABASE_REPLICA_URL names one or more replicas (settings.py): without it
there is no router, no middleware and no extra query, and every read goes to `default`.

A read goes to a replica only when all of these hold, otherwise to the primary:

- the unit of work opted in: a safe (GET/HEAD) request to a view named in REPLICA_READ_VIEWS
  (ReplicaReadsMiddleware), a task named in REPLICA_READ_TASKS (unionportal/celery.py), or code
  inside `replica_reads()`. Explicit opt-in: a page that reads what it just wrote, or a form
  that checks a row before changing it, never meets a replica by accident;
- the unit has not written yet (a request: nothing at all since it began; a task: not the
  model being read — a report generation stamps its own row's heartbeat and still reads the
  members from the replica);
- the user did not write recently: every non-safe request sets a cookie for
  REPLICA_STICKY_SECONDS and reads that carry it go to the primary (read-your-writes);
- the primary's connection is not inside an atomic block (transactions, select_for_update);
- the model's app is not one whose rows must be current (sessions, axes, Celery's tables);
- a replica's lag (pg_last_xact_replay_timestamp) is at most REPLICA_MAX_LAG_SECONDS, checked
  at most every REPLICA_LAG_CHECK_SECONDS per process; an unreachable replica counts as lagging.

A unit keeps the replica it chose, so its reads see one consistent state.
"""

import contextvars
import dataclasses
import fnmatch
import logging
import random
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

STICKY_COOKIE = "up_primary_until"
# Rows a request or task must see as just written, whatever the lag.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_celery_results", "django_celery_beat"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PRIMARY = object()  # a unit that found no replica fit to read from


@dataclasses.dataclass
class Unit:
    """One request or task: may it read a replica, and what has it written."""

    may_read_replica: bool = False
    pinned: bool = False  # wrote recently (cookie), or a request that has written
    per_model: bool = False  # tasks: only the models written are read from the primary
    written: set = dataclasses.field(default_factory=set)
    replica: object = None  # the alias chosen on the first routed read, or _PRIMARY


_unit: contextvars.ContextVar[Unit | None] = contextvars.ContextVar("replica_unit", default=None)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "REPLICA_DATABASES", []))


@contextmanager
def replica_reads(*, per_model: bool = False):
    """Reads inside may go to a replica (the rules above). `per_model`: writes pin only the
    models written (tasks), not every later read (requests)."""
    token = _unit.set(Unit(may_read_replica=True, per_model=per_model))
    try:
        yield
    finally:
        _unit.reset(token)


def current_replica() -> str | None:
    """The replica the current unit reads from, if it has chosen one (tests, logging)."""
    unit = _unit.get()
    return unit.replica if unit and isinstance(unit.replica, str) else None


# --- replica health ----------------------------------------------------------------------

_health: dict[str, tuple[float, bool]] = {}  # alias -> (checked at, fit to read), per process

LAG_SQL = (
    # Nothing received that is not replayed yet: no lag, however long ago the last commit was.
    "SELECT CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 1e9) END"
)


def replica_lag_seconds(alias: str) -> float:
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def is_fit(alias: str) -> bool:
    """Lag within REPLICA_MAX_LAG_SECONDS, from a check at most REPLICA_LAG_CHECK_SECONDS old."""
    now = time.monotonic()
    checked = _health.get(alias)
    if checked and now - checked[0] < settings.REPLICA_LAG_CHECK_SECONDS:
        return checked[1]
    try:
        lag = replica_lag_seconds(alias)
        fit = lag <= settings.REPLICA_MAX_LAG_SECONDS
        if not fit:
            logger.warning("replica %s lags %.1f s (limit %s s): reads go to the primary",
                           alias, lag, settings.REPLICA_MAX_LAG_SECONDS)
    except DatabaseError as error:
        logger.warning("replica %s unreachable (%s): reads go to the primary", alias, error)
        connections[alias].close()
        fit = False
    _health[alias] = (now, fit)
    return fit


def forget_health() -> None:
    """The next read checks every replica again (tests)."""
    _health.clear()


def _choose_replica() -> object:
    candidates = replica_aliases()
    random.shuffle(candidates)  # spread the units over the replicas
    for alias in candidates:
        if is_fit(alias):
            return alias
    return _PRIMARY


# --- the router ------------------------------------------------------------------------------

class ReplicaRouter:
    def db_for_read(self, model, **hints):
        unit = _unit.get()
        if unit is None or not unit.may_read_replica or unit.pinned:
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if unit.per_model and model._meta.label in unit.written:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        if unit.replica is None:
            unit.replica = _choose_replica()
        return None if unit.replica is _PRIMARY else unit.replica

    def db_for_write(self, model, **hints):
        unit = _unit.get()
        if unit is not None:
            if unit.per_model:
                unit.written.add(model._meta.label)
            else:
                unit.pinned = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        same = {DEFAULT_DB_ALIAS, *replica_aliases()}
        return obj1._state.db in same and obj2._state.db in same

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # replicas copy the primary's schema by streaming


# --- requests ------------------------------------------------------------------------------

def _names_match(view_name: str, patterns) -> bool:
    return any(fnmatch.fnmatchcase(view_name, pattern) for pattern in patterns)


class ReplicaReadsMiddleware:
    """A unit of work per request; opted in by REPLICA_READ_VIEWS; read-your-writes cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _unit.set(Unit(pinned=_recently_wrote(request)))
        try:
            response = self.get_response(request)
        finally:
            _unit.reset(token)
        if request.method not in SAFE_METHODS:
            # Not signed: a forged value only changes where the sender's own reads go.
            seconds = settings.REPLICA_STICKY_SECONDS
            response.set_cookie(STICKY_COOKIE, str(int(time.time()) + seconds), max_age=seconds,
                                httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        unit = _unit.get()
        match = request.resolver_match
        if (unit is not None and request.method in SAFE_METHODS and match is not None
                and _names_match(match.view_name, settings.REPLICA_READ_VIEWS)):
            unit.may_read_replica = True


def _recently_wrote(request) -> bool:
    try:
        return int(request.COOKIES.get(STICKY_COOKIE, "0")) > time.time()
    except ValueError:
        return False


# --- Celery tasks ----------------------------------------------------------------------------

_task_tokens: dict[str, contextvars.Token] = {}


def task_started(task_id=None, task=None, **_):
    if _names_match(task.name, settings.REPLICA_READ_TASKS):
        _task_tokens[task_id] = _unit.set(Unit(may_read_replica=True, per_model=True))


def task_finished(task_id=None, **_):
    if (token := _task_tokens.pop(task_id, None)) is not None:
        try:
            _unit.reset(token)
        except ValueError:  # ended in another context than it began: never let it reach the next task
            _unit.set(None)
