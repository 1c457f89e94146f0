"""A PostgreSQL primary and its streaming replica in a temporary directory, for tests/replica.

Why a primary of its own and not a replica of the test cluster on 5432: pg_basebackup copies
a whole cluster, and the shared one holds every seeded database on the machine (3 GB and more
while a province is seeded: a copy took 54 s here). So the session starts a small primary
(initdb, WAL for replication), loads the test database into it (pg_dump of test_<name> from
5432, with its schema, migrations and content types), then makes the replica the way a
deployment does: `pg_basebackup -X stream -R` from the primary, started as a hot standby.
Both run Debian's binaries (/usr/lib/postgresql/<major>/bin) as the postgres OS user when the
tests run as root (PostgreSQL refuses to run as root), on free loopback ports, trust auth.
About 15 s on this machine; everything is removed at the end.
"""

import dataclasses
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

START_TIMEOUT = 30
STEP_TIMEOUT = 60


class Unavailable(Exception):
    """The machine cannot run a private cluster (no binaries, no postgres user): skip, saying why."""


def bin_dir(server_version_num: int) -> Path:
    """Debian's binaries of the running server's major version (pg_dump must not be older)."""
    major = server_version_num // 10000
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin")]
    if config := shutil.which("pg_config"):
        candidates.append(Path(subprocess.run([config, "--bindir"], capture_output=True, text=True).stdout.strip()))
    for candidate in candidates:
        if all((candidate / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup", "pg_dump", "psql")):
            return candidate
    raise Unavailable(f"no PostgreSQL {major} binaries (initdb, pg_ctl, pg_basebackup) in {candidates[0]}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        raise Unavailable("running as root without runuser: cannot start PostgreSQL as the postgres user")
    return ["runuser", "-u", "postgres", "--"]


def _run(command: list[str], **options) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=STEP_TIMEOUT, **options)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


@dataclasses.dataclass
class Pair:
    root: Path
    bin: Path
    database: str
    primary_port: int
    replica_port: int

    def psql(self, port: int, sql: str, database: str | None = None) -> str:
        return _run([str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-XAtq",
                     "-v", "ON_ERROR_STOP=1", "-d", database or self.database, "-c", sql])

    def stop(self) -> None:
        for data in ("replica", "primary"):
            if (self.root / data / "postmaster.pid").exists():
                subprocess.run([*_as_postgres(), str(self.bin / "pg_ctl"), "-D", str(self.root / data),
                                "-m", "immediate", "-w", "-t", "20", "stop"], capture_output=True, timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)


def start_pair(*, source_port: int, source_database: str, server_version_num: int) -> Pair:
    """A primary holding a copy of `source_database` (from 127.0.0.1:`source_port`) and its
    streaming replica. Stops and removes what it started if a step fails."""
    binaries = bin_dir(server_version_num)
    sudo = _as_postgres()
    root = Path(tempfile.mkdtemp(prefix="up-replica-"))
    if sudo:
        shutil.chown(root, "postgres")
    pair = Pair(root, binaries, source_database, free_port(), free_port())
    try:
        primary, replica = root / "primary", root / "replica"
        _run([*sudo, str(binaries / "initdb"), "-D", str(primary), "-U", "postgres", "-A", "trust", "--no-sync",
              "-E", "UTF8", "--locale=C.UTF-8"])
        # initdb's pg_hba.conf already lets 127.0.0.1 replicate (trust); no other host reaches it.
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {pair.primary_port}\nunix_socket_directories = '{root}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nshared_buffers = 32MB\n"
                # A throwaway cluster: speed over durability.
                "fsync = off\nfull_page_writes = off\n"
            )
        _run([*sudo, str(binaries / "pg_ctl"), "-D", str(primary), "-l", str(root / "primary.log"),
              "-w", "-t", str(START_TIMEOUT), "start"])
        pair.psql(pair.primary_port, f'CREATE DATABASE "{source_database}"', database="postgres")
        dump = _run([str(binaries / "pg_dump"), "-h", "127.0.0.1", "-p", str(source_port), "-U", "postgres",
                     "--no-owner", source_database])
        # pg_dump empties search_path while restoring; a migration's SQL function calls another
        # unqualified (members' name bigrams), so the restore keeps the default search_path.
        dump = dump.replace("SELECT pg_catalog.set_config('search_path', '', false);", "")
        _run([str(binaries / "psql"), "-h", "127.0.0.1", "-p", str(pair.primary_port), "-U", "postgres", "-Xq",
              "-v", "ON_ERROR_STOP=1", "-d", source_database], input=dump)
        # The replica, as in docs/DEPLOYMENT.md: a base backup streaming its WAL, -R writes
        # standby.signal and primary_conninfo; it then follows the primary.
        _run([*sudo, str(binaries / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(pair.primary_port),
              "-U", "postgres", "-D", str(replica), "-X", "stream", "-R", "-c", "fast"])
        _run([*sudo, str(binaries / "pg_ctl"), "-D", str(replica), "-l", str(root / "replica.log"),
              "-o", f"-p {pair.replica_port}", "-w", "-t", str(START_TIMEOUT), "start"])
        deadline = time.monotonic() + START_TIMEOUT
        while pair.psql(pair.replica_port, "SELECT count(*) FROM pg_stat_wal_receiver").strip() != "1":
            if time.monotonic() > deadline:
                raise RuntimeError("the replica does not stream from the primary")
            time.sleep(0.2)
    except BaseException:
        logs = "".join(f"\n--- {log.name}\n{log.read_text(errors='replace')[-2000:]}"
                       for log in root.glob("*.log"))
        pair.stop()
        if logs:
            print(logs)
        raise
    return pair
