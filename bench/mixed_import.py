"""A roster import as clerks send them, committed for real (issue 15).

A roster a union sends again holds mostly people it already has: some changed (a new phone,
another worker category), most unchanged, new people, and a few who are current members of
another union (transfer conflicts). The benchmark creates a throwaway union under the
sample county, fills it by one import (setup, not timed), then times validating and
committing the mixed file — a real COMMIT, with its deferred checks, its WAL and its kept
member figures — and finally removes the union and everything the imports wrote, also when
interrupted. The conflicts are reported, not turned into transfer requests (no user: the
command line's behaviour).
"""

import csv
import random
import time
from pathlib import Path

from django.core.files import File
from django.db import connection

from apps.imports.models import ImportJob, ImportRow
from apps.imports.services import commit_import, create_import_job
from apps.imports.validation import run_validation
from apps.members import counts
from apps.members.cleaning import choice_word
from apps.members.models import Member, WorkerCategory
from apps.organizations.models import Organization
from apps.organizations.services import create_organization

from .compare import vacuum
from .rosters import HEADERS, file_cells, roster_records, write_csv

# Shares of the mixed file (the rest is new people).
MIX = {"updated": 0.15, "unchanged": 0.45, "conflict": 0.05}
THROWAWAY_CODE = "BENCH-MIXED"


def _import(path: Path, union: Organization) -> tuple[ImportJob, float, float]:
    started = time.perf_counter()
    with path.open("rb") as handle:
        job = create_import_job(kind="roster", organization=union, uploaded_by=None,
                                uploaded_file=File(handle, name=path.name), enqueue=False)
    job = run_validation(job_id=job.pk)
    validated = time.perf_counter()
    job = commit_import(job=job, actor=None)  # its own transaction, committed
    return job, validated - started, time.perf_counter() - validated


def _conflicting_rows(county: Organization, union: Organization, count: int) -> list[list[str]]:
    """File rows for current members of the county's other unions, as they are on the roll."""
    fields = ("name", "id_number", "sex", "phone", "ethnicity", "political_status", "education",
              "employer_name", "joined_on", "worker_category", "card_number", "birth_date")
    members = (Member.objects.filter(organization__county=county, status="active").exclude(organization=union)
               .order_by("id").values(*fields)[:count])
    return [file_cells(member) for member in members]


def measure_mixed_import(county: Organization, directory: Path, *, rows: int, seed: int = 21) -> dict:
    remove_throwaway_union()  # left by an interrupted run
    union = create_organization(code=THROWAWAY_CODE, name="基准测试临时工会", kind=Organization.Kind.GRASSROOTS,
                                parent=county)
    try:
        existing_count = int(rows * (MIX["updated"] + MIX["unchanged"]))
        conflict_count = int(rows * MIX["conflict"])
        new_count = rows - existing_count - conflict_count
        records = roster_records(existing_count + new_count, seed=seed)
        existing, new = records[:existing_count], records[existing_count:]
        setup = directory / "mixed-setup.csv"
        write_csv(setup, existing)
        _import(setup, union)

        rng = random.Random(seed)
        updated_count = int(rows * MIX["updated"])
        lines = []
        for index, record in enumerate(existing):
            cells = file_cells(record)
            if index < updated_count:
                cells[3] = f"139{index:08d}"  # another phone
                cells[9] = choice_word(WorkerCategory, WorkerCategory.MIGRANT if index % 2 else WorkerCategory.DISPATCHED)
            lines.append(cells)
        lines += [file_cells(record) for record in new]
        lines += _conflicting_rows(county, union, conflict_count)
        rng.shuffle(lines)
        path = directory / f"mixed-{rows}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            writer.writerows(lines)
        job, validate_s, commit_s = _import(path, union)
        outcomes = dict(job.summary.get("counts", {}))
        exact = not counts.recount(repair=False).drift
        return {"status": "ok" if job.status == ImportJob.Status.COMMITTED else job.status, "rows": len(lines),
                "outcomes": outcomes, "validate_seconds": round(validate_s, 2), "commit_seconds": round(commit_s, 2),
                "seconds": round(validate_s + commit_s, 2), "figures_exact": exact,
                "result": job.summary.get("result", {})}
    finally:
        remove_throwaway_union()


def remove_throwaway_union() -> None:
    """Delete the throwaway union and everything written into it (members, their history,
    import jobs and files, kept figures); vacuum the tables they were in."""
    union = Organization.objects.filter(code=THROWAWAY_CODE).first()
    if union is None:
        return
    for job in ImportJob.objects.filter(organization=union):
        if job.file:
            job.file.delete(save=False)
        job.delete()
    members, history = Member._meta.db_table, Member.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {history} WHERE id IN (SELECT id FROM {members} WHERE organization_id = %s)",
                       [union.pk])
        cursor.execute(f"DELETE FROM {members} WHERE organization_id = %s", [union.pk])
    Organization.history.filter(id=union.pk).delete()
    union.delete()  # and its kept figures (CASCADE)
    vacuum(members, history, ImportRow._meta.db_table, counts.TABLE)
