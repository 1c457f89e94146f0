"""Roster import end to end (validate + commit) through the portal's own command.

The benchmark runs the services that the web upload and `import_roster FILE --org CODE`
share (DESIGN.md), with the commit rolled back. Each run happens in a child process (`python -m bench.child`)
so its peak memory (ru_maxrss) is the import's own and not the benchmark's.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import connection

from apps.imports.models import ImportJob, ImportRow
from apps.imports.services import ImportRefused, commit_import, create_import_job
from apps.imports.validation import run_validation
from apps.members.models import Member
from apps.organizations.models import Organization

from .compare import check_deferred_constraints, rolled_back, vacuum
from .stats import memory_mib


def importer_available() -> bool:
    from django.core.management import get_commands

    return "import_roster" in get_commands()


def import_roster_once(path: Path, org_code: str) -> dict:
    """Upload `path` into `org_code` as a clerk does, end to end, leaving the roll as it was.

    The services the web upload and `import_roster` share, in the same transactions:
    the job and its validation in autocommit (the Celery task's), the commit in one
    transaction — rolled back here, after its deferred foreign-key checks have run, so the
    time is what a real commit costs. The job is deleted and the tables vacuumed afterwards.
    """
    organization = Organization.objects.get(code=org_code)
    started = time.perf_counter()
    with path.open("rb") as handle:
        job = create_import_job(kind="roster", organization=organization, uploaded_by=None,
                                uploaded_file=File(handle, name=path.name), enqueue=False)
    job = run_validation(job_id=job.pk)
    validated = time.perf_counter()
    result = {"status": job.status, "validate_seconds": round(validated - started, 2)}

    def commit():
        before = Member.objects.count()
        committed = time.perf_counter()
        commit_import(job=job, actor=None)
        check_deferred_constraints()
        result["commit_seconds"] = round(time.perf_counter() - committed, 2)
        result["written"] = Member.objects.count() - before

    try:
        if job.status == ImportJob.Status.VALIDATED:
            rolled_back(commit)
            result["status"] = "ok"
        result["seconds"] = round(result["validate_seconds"] + result.get("commit_seconds", 0), 2)
    except ImportRefused as exc:
        result["status"] = f"refused ({exc})"
    finally:
        job.file.delete(save=False)
        job.delete()
        vacuum(Member._meta.db_table, Member.history.model._meta.db_table, ImportRow._meta.db_table)
    return result


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
            [sys.executable, "-m", "bench.child", str(path), org_code],
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
