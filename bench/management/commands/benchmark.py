"""`python manage.py benchmark [--quick]`: the portal's speed at the data it holds (issue 8).

Run it after `seed_demo --scale city`. It times the pages as city, county and branch
users, imports generated roster files end to end, does the same work the way users
would otherwise do it (Django admin search, django-import-export, plain COPY), prints a
table and writes benchmark-results/latest.json. Everything it writes is rolled back.
"""

import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from apps.employers.models import Employer
from apps.members.models import Member
from apps.organizations.models import Organization
from bench import actors as actor_lib
from bench import compare, generated_reports, imports, pages, report, rosters

FULL = {"repeats": 30, "warmup": 3, "xlsx_rows": 10_000, "csv_rows": 100_000}
QUICK = {"repeats": 3, "warmup": 1, "xlsx_rows": 200, "csv_rows": 1_000}


class Command(BaseCommand):
    help = "Time pages, roster imports and their alternatives on the current data; print and write JSON."

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true",
                            help="CI-size smoke run: few repeats, small files")
        parser.add_argument("--repeats", type=int, help="timed requests per page and user")
        parser.add_argument("--output", default=str(settings.BASE_DIR / "benchmark-results" / "latest.json"))
        parser.add_argument("--skip-imports", action="store_true", help="pages and admin search only")
        parser.add_argument("--no-subprocess", action="store_true",
                            help="run imports in this process (peak memory then includes the benchmark's)")

    def handle(self, *args, quick, repeats, output, skip_imports, no_subprocess, **options):
        plan = dict(QUICK if quick else FULL)
        if repeats:
            plan["repeats"] = repeats
        sample = actor_lib.pick_sample()
        if sample is None:
            raise CommandError("No members to measure: run `python manage.py seed_demo --scale city` first.")
        started = time.monotonic()
        results = {"started_at": timezone.now().isoformat(), "quick": quick, "plan": plan,
                   "machine": report.machine(), "data": data_sizes(),
                   "sample": {"county": sample.county.code, "union": sample.union.code,
                              "union_members": sample.union_members}}
        self.stdout.write(f"Data: {results['data']}; county {sample.county.code}, union {sample.union.code} "
                          f"({sample.union_members} active members)")
        # The test client's host and plain HTTP; production settings otherwise unchanged (DEBUG stays off).
        with override_settings(ALLOWED_HOSTS=["127.0.0.1"], SECURE_SSL_REDIRECT=False):
            results["pages"] = [self._page_dict(r) for r in compare.rolled_back(
                lambda: pages.measure_pages(actor_lib.make_actors(sample), sample, repeats=plan["repeats"],
                                            warmup=plan["warmup"], say=self.stdout.write))]
        results["admin"] = compare.rolled_back(lambda: self._admin(sample, plan))
        results["reports"] = generated_reports.measure_reports(city_code(), say=self.stdout.write)
        if skip_imports:
            results["imports"], results["import_export"], results["copy"] = [], None, []
        else:
            self._imports(results, sample, plan, subprocess_memory=not no_subprocess)
        results["comparisons"] = comparisons(results)
        results["duration_s"] = round(time.monotonic() - started, 1)
        results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        tables = (report.page_table(results["pages"]), report.import_table(results["imports"]),
                  report.reports_table(results["reports"]), report.comparison_table(results["comparisons"]))
        for table in tables:
            self.stdout.write("")
            self.stdout.write("\n".join(table))
        report.write_json(results, Path(output))
        Path(output).with_suffix(".md").write_text(report.markdown(results), encoding="utf-8")
        machine = results["machine"]
        self.stdout.write(f"\nMachine: {machine['cpus']} CPUs, load average at start "
                          f"{machine['load_average_1_5_15']}, at end {results['load_average_at_end']}")
        self.stdout.write(f"Wrote {output} (and the tables as .md) in {results['duration_s']} s")

    @staticmethod
    def _page_dict(result) -> dict:
        return {"page": result.page, "label": result.label, "actor": result.actor, "status": result.status,
                "url": result.url, "queries": result.queries, "timing": result.timing,
                "target_ms": result.target_ms, "met": result.met}

    def _admin(self, sample, plan) -> dict:
        admin_user = actor_lib.make_admin_user()
        self.stdout.write("  Django admin changelist search …")
        return {
            "name": compare.admin_search_timing(admin_user, sample.name[:2], repeats=plan["repeats"],
                                                warmup=plan["warmup"]),
            "id_number": compare.admin_search_timing(admin_user, sample.id_number, repeats=plan["repeats"],
                                                     warmup=plan["warmup"]),
        }

    def _imports(self, results, sample, plan, *, subprocess_memory):
        results["imports"], results["copy"] = [], []
        with tempfile.TemporaryDirectory(prefix="benchmark-") as directory:
            files = [
                rosters.make_roster(Path(directory), rows=plan["xlsx_rows"], fmt="xlsx", seed=10),
                rosters.make_roster(Path(directory), rows=plan["csv_rows"], fmt="csv", seed=11),
            ]
            for roster in files:
                fmt = roster.path.suffix.lstrip(".")
                label = f"ours, {roster.rows} rows .{fmt}"
                self.stdout.write(f"  {label} …")
                if imports.importer_available():
                    entry = imports.measure_import(roster.path, sample.union.code, roster.rows,
                                                   subprocess_memory=subprocess_memory)
                else:
                    entry = {"status": "not built", "rows": roster.rows}
                entry.update(label=label, format=fmt, target_s=None)
                if not results["quick"]:
                    entry["target_s"] = report.IMPORT_TARGETS_S[fmt]
                    if entry.get("status") == "ok":
                        entry["met"] = entry["seconds"] < entry["target_s"]
                results["imports"].append(entry)
                self.stdout.write(f"  plain COPY, {roster.rows} rows …")
                results["copy"].append({"format": fmt, "rows": roster.rows,
                                        "seconds": compare.copy_floor_seconds(roster.records, sample.union)})
            self.stdout.write(f"  django-import-export, {files[0].rows} rows .xlsx …")
            seconds, written = compare.import_export_seconds(files[0].path, sample.union)
            results["import_export"] = {"rows": files[0].rows, "seconds": seconds, "written": written,
                                        "rows_per_second": round(files[0].rows / seconds)}


def city_code() -> str:

    roots = Organization.objects.filter(parent__isnull=True).order_by("id")
    return roots.values_list("code", flat=True).first()


def data_sizes() -> dict:

    return {"organizations": Organization.objects.count(), "employers": Employer.objects.count(),
            "members": Member.objects.count()}


def _ours(results, page: str, actor: str = "city"):
    for r in results["pages"]:
        if r["page"] == page and r["actor"] == actor and r["status"] == "ok":
            return r["timing"]["p50_ms"]
    return None


def _ratio(theirs, ours):
    return round(theirs / ours, 1) if theirs and ours else None


def comparisons(results) -> list[dict]:
    rows = []
    for key, page, label in (("name", "member_search_name", "Django admin search, name fragment (p50 ms)"),
                             ("id_number", "member_search_id", "Django admin search, exact ID (p50 ms)")):
        theirs, ours = results["admin"][key]["p50_ms"], _ours(results, page)
        rows.append({"label": label, "theirs": theirs, "ours": ours, "ratio": _ratio(theirs, ours)})
    ours_by_format = {i["format"]: i.get("seconds") for i in results["imports"]}
    if results.get("import_export"):
        theirs = results["import_export"]["seconds"]
        rows.append({"label": f"django-import-export, {results['import_export']['rows']} rows .xlsx (s)",
                     "theirs": theirs, "ours": ours_by_format.get("xlsx"),
                     "ratio": _ratio(theirs, ours_by_format.get("xlsx"))})
    for copy in results["copy"]:
        ours = ours_by_format.get(copy["format"])
        rows.append({"label": f"plain COPY (the floor), {copy['rows']} rows .{copy['format']} (s)",
                     "theirs": copy["seconds"], "ours": ours, "ratio": _ratio(copy["seconds"], ours)})
    return rows
