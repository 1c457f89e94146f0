"""Roster import end to end (validate + commit) through the portal's own command.

`import_roster FILE --org CODE` is the public surface the web upload shares (DESIGN.md),
so the benchmark runs exactly what a clerk's upload runs, inside a transaction that is
rolled back. Each run happens in a child process (`python -m apps.core.benchmarking.child`)
so its peak memory (ru_maxrss) is the import's own and not the benchmark's.
"""

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.members.models import Member

from .child import memory_mib
from .compare import rolled_back


def importer_available() -> bool:
    from django.core.management import get_commands

    return "import_roster" in get_commands()


def import_roster_once(path: Path, org_code: str) -> dict:
    """Run import_roster on `path` into `org_code`, rolled back; seconds and rows written."""
    def run():
        before = Member.objects.count()
        out = io.StringIO()
        started = time.perf_counter()
        try:
            call_command("import_roster", str(path), org=org_code, stdout=out, stderr=out)
            status = "ok"
        except (SystemExit, CommandError) as exc:
            status = f"refused ({exc})"
        seconds = time.perf_counter() - started
        written = Member.objects.count() - before
        tail = out.getvalue()[-500:]
        return {"status": status, "seconds": seconds, "written": written, "output_tail": tail}

    return rolled_back(run)


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def measure_import(path: Path, org_code: str, rows: int, *, subprocess_memory: bool = True) -> dict:
    """Seconds, rows/s and peak memory (MiB) of one roster import."""
    if subprocess_memory:
        env = {**os.environ, "DATABASE_URL": _database_url(),
               "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        completed = subprocess.run(
            [sys.executable, "-m", "apps.core.benchmarking.child", str(path), org_code],
            capture_output=True, text=True, env=env, cwd=settings.BASE_DIR, timeout=900,
        )
        if completed.returncode != 0:
            return {"status": f"child failed: {completed.stderr[-500:]}", "rows": rows}
        result = json.loads(completed.stdout.strip().splitlines()[-1])
    else:
        baseline, _peak = memory_mib()
        result = import_roster_once(path, org_code)
        result["baseline_mib"], result["peak_mib"] = baseline, memory_mib()[1]
    result["rows"] = rows
    result["rows_per_second"] = round(rows / result["seconds"]) if result.get("seconds") else None
    return result
