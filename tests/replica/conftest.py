"""Fixtures of tests/replica: one primary + streaming replica for the session (cluster.py), and
per test the portal pointed at them with the router installed, as DATABASE_REPLICA_URL would."""

import copy
import dataclasses
import time

import pytest
from django.db import connections
from django.db.utils import load_backend

from tests.ci import require_tool
from tests.replica.cluster import Pair, Unavailable, start_pair
from unionportal import db_router

CATCH_UP_TIMEOUT = 15
ALIAS = "replica1"


@pytest.fixture(scope="session")
def replica_pair(django_db_setup, django_db_blocker):
    """Started after pytest-django created test_<name>, so its copy holds the migrated schema."""
    with django_db_blocker.unblock():
        default = connections["default"]
        default.ensure_connection()
        version = default.pg_version
        source = default.settings_dict
    local = not source.get("OPTIONS", {}).get("host") and (source["HOST"] or "127.0.0.1") in ("127.0.0.1", "localhost")
    require_tool(local, "tests/replica copy the test database from a PostgreSQL on 127.0.0.1 (embedded fallback in use)")
    started = time.monotonic()
    try:
        pair = start_pair(source_port=int(source["PORT"] or 5432), source_database=source["NAME"],
                          server_version_num=version)
    except Unavailable as reason:
        require_tool(False, str(reason))  # skipped on a developer's machine, a failure on CI
    print(f"\nprimary :{pair.primary_port} and replica :{pair.replica_port} up in {time.monotonic() - started:.1f} s")
    try:
        yield pair
    finally:
        pair.stop()


@dataclasses.dataclass
class Routed:
    pair: Pair
    alias: str = ALIAS

    def primary_lsn(self) -> str:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_insert_lsn()")
            return cursor.fetchone()[0]

    def wait_for_replay(self) -> None:
        """Until the replica has replayed everything the primary wrote so far."""
        lsn = self.primary_lsn()
        deadline = time.monotonic() + CATCH_UP_TIMEOUT
        while self.pair.psql(self.pair.replica_port, f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'").strip() != "t":
            if time.monotonic() > deadline:
                pytest.fail(f"the replica did not replay up to {lsn} within {CATCH_UP_TIMEOUT} s")
            time.sleep(0.05)

    def pause_replay(self) -> None:
        self.pair.psql(self.pair.replica_port, "SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.pair.psql(self.pair.replica_port, "SELECT pg_wal_replay_resume()")


@pytest.fixture
def _default_is_the_pairs_primary(replica_pair):
    """Before pytest-django's database fixture, so that its teardown (flush) empties the pair's
    primary, which runs without fsync (5432's flush takes seconds on a busy machine)."""
    default = connections["default"]
    default.close()
    saved = {key: default.settings_dict[key] for key in ("HOST", "PORT")}
    default.settings_dict.update(HOST="127.0.0.1", PORT=str(replica_pair.primary_port))
    try:
        yield
    finally:
        default.close()
        default.settings_dict.update(saved)


@pytest.fixture
def routed(replica_pair, _default_is_the_pairs_primary, transactional_db, settings):
    """`default` is the pair's primary and `replica1` its replica for this test (rows are
    committed: the replica only sees committed rows), with the router and middleware installed."""
    default = connections["default"]
    # Made here, not in connections.settings: Django's test case lets a test use a connection
    # it creates itself, while an alias of the settings would need pytest-django to set it up
    # (and flush it: a standby refuses writes).
    replica = load_backend(default.settings_dict["ENGINE"]).DatabaseWrapper(
        copy.deepcopy({**default.settings_dict, "PORT": str(replica_pair.replica_port)}), ALIAS)
    connections[ALIAS] = replica
    settings.REPLICA_DATABASES = [ALIAS]
    settings.DATABASE_ROUTERS = ["unionportal.db_router.ReplicaRouter"]
    settings.MIDDLEWARE = [settings.MIDDLEWARE[0], "unionportal.db_router.ReplicaReadsMiddleware",
                           *settings.MIDDLEWARE[1:]]
    settings.REPLICA_MAX_LAG_SECONDS = 60.0
    settings.REPLICA_LAG_CHECK_SECONDS = 0.0  # every unit of work checks the lag afresh
    db_router.forget_health()
    routed = Routed(replica_pair)
    try:
        yield routed
    finally:
        routed.resume_replay()
        db_router.forget_health()
        replica.close()
        del connections[ALIAS]
