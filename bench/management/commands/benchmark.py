"""`python manage.py benchmark [--quick]`: the portal's speed at the data it holds (issues 8, 15).

Run it after `seed_demo --scale city`. It times what a user waits for: the pages as city,
county and branch users with the htmx partials they load on open, in process and over HTTP
(gunicorn, 2 workers, 127.0.0.1); the county export from the request to the file ready;
roster imports end to end, generated all-new files (rolled back) and a realistic mix
committed for real into a throwaway union; and the same work the way users would otherwise
do it (the Django admin with its defaults and well configured, django-import-export with
its defaults and its bulk options, plain COPY). It prints the tables, records the load
average before and after, and writes benchmark-results/latest.json (and .md). Everything it
writes is rolled back or removed.

`--growth A.json B.json …` prints how each page's p95 grows between earlier runs (small
data, the city, 4× the city) instead of running.
"""

import json
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from apps.dashboard import snapshots
from apps.employers.models import Employer
from apps.members.models import Member
from apps.organizations.models import Organization
from bench import actors as actor_lib
from bench import (
    compare,
    export_timing,
    generated_reports,
    http,
    imports,
    mixed_import,
    pages,
    report,
    rosters,
)

FULL = {"repeats": 30, "warmup": 3, "xlsx_rows": 10_000, "csv_rows": 100_000, "mixed_rows": 100_000,
        "export_runs": 3, "http_repeats": 20}
QUICK = {"repeats": 3, "warmup": 1, "xlsx_rows": 200, "csv_rows": 1_000, "mixed_rows": 300,
         "export_runs": 1, "http_repeats": 2}


class Command(BaseCommand):
    help = "Time pages, exports, roster imports and their alternatives on the current data; print and write JSON."

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true",
                            help="CI-size smoke run: few repeats, small files")
        parser.add_argument("--repeats", type=int, help="timed requests per page and user")
        parser.add_argument("--output", default=None,
                            help="the JSON (and .md) of the run (default benchmark-results/latest.json); with "
                                 "--pages only when given: the pages' figures, which --growth reads")
        parser.add_argument("--skip-imports", action="store_true", help="no roster imports or import comparisons")
        parser.add_argument("--no-http", action="store_true", help="pages in process only (no gunicorn)")
        parser.add_argument("--no-subprocess", action="store_true",
                            help="run imports in this process (peak memory then includes the benchmark's)")
        parser.add_argument("--county", default="", help="the county to work in (code; default: the biggest)")
        parser.add_argument("--growth", nargs="+", metavar="JSON", help="print the cost-growth table of earlier runs")
        parser.add_argument("--pages", nargs="+", metavar="KEY",
                            help="only these pages (bench/pages.py keys, a prefix such as event_ takes all its pages), "
                                 "in process, and print their table: a quick rerun after changing one app")

    def handle(self, *args, quick, repeats, output, skip_imports, no_http, no_subprocess, growth, county,
               **options):
        if growth:
            runs = [json.loads(Path(p).read_text(encoding="utf-8")) for p in growth]
            self.stdout.write("\n".join(report.growth_table(runs)))
            return
        plan = dict(QUICK if quick else FULL)
        if repeats:
            plan["repeats"] = repeats
        sample = actor_lib.pick_sample(county)
        if sample is None:
            raise CommandError("No members to measure: run `python manage.py seed_demo --scale city` first.")
        if options.get("pages"):
            self._refresh_dashboards()
            self._some_pages(sample, plan, options["pages"], output)
            return
        output = output or str(settings.BASE_DIR / "benchmark-results" / "latest.json")
        started = time.monotonic()
        results = {"started_at": timezone.now().isoformat(), "quick": quick, "plan": plan,
                   "machine": report.machine(), "data": data_sizes(),
                   "sample": {"province": sample.province.code if sample.province else None,
                              "city": sample.city.code, "county": sample.county.code, "county_members": sample.county_members,
                              "union": sample.union.code, "union_members": sample.union_members,
                              "fragments": [sample.fragment2, sample.fragment3]}}
        self.stdout.write(f"Data: {results['data']}; county {sample.county.code} ({sample.county_members} current "
                          f"members), union {sample.union.code} ({sample.union_members} active members)")
        results["dashboard_snapshots"] = self._refresh_dashboards()
        # The test client's host and plain HTTP; production settings otherwise unchanged (DEBUG stays off).
        with override_settings(ALLOWED_HOSTS=["127.0.0.1"], SECURE_SSL_REDIRECT=False):
            results["pages"] = [r.as_dict() for r in compare.rolled_back(
                lambda: pages.measure_pages(actor_lib.make_actors(sample, with_province=True), sample,
                                            repeats=plan["repeats"],
                                            warmup=plan["warmup"], say=self.stdout.write))]
            self.stdout.write("  county export, request to file ready …")
            results["export"] = compare.rolled_back(
                lambda: export_timing.measure_county_export(actor_lib.make_actors(sample)[1].user,
                                                            runs=plan["export_runs"]))
        results["admin"] = compare.rolled_back(lambda: self._admin(sample, plan))
        results["http"] = None if no_http else http.measure_pages_over_http(
            sample, repeats=plan["http_repeats"], warmup=plan["warmup"], say=self.stdout.write)
        results["reports"] = generated_reports.measure_reports(
            sample.city.code, say=self.stdout.write, province_code=sample.province.code if sample.province else None)
        if skip_imports:
            results["imports"], results["import_export"], results["copy"], results["mixed_import"] = [], None, [], None
        else:
            self._imports(results, sample, plan, subprocess_memory=not no_subprocess)
        results["comparisons"] = comparisons(results)
        results["duration_s"] = round(time.monotonic() - started, 1)
        results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        results["quiet"] = report.quiet(results)
        results["targets"] = report.targets(results)
        tables = (report.page_table(results["pages"], results["http"]), report.export_table(results["export"]),
                  report.import_table(results["imports"], results.get("mixed_import")),
                  report.reports_table(results["reports"]), report.comparison_table(results["comparisons"]),
                  report.target_table(results))
        for table in tables:
            self.stdout.write("")
            self.stdout.write("\n".join(table))
        report.write_json(results, Path(output))
        Path(output).with_suffix(".md").write_text(report.markdown(results), encoding="utf-8")
        machine = results["machine"]
        self.stdout.write(f"\nMachine: {machine['cpus']} CPUs, load average at start "
                          f"{machine['load_average_1_5_15']}, at end {results['load_average_at_end']}"
                          + ("" if results["quiet"] else ": not measured on a quiet machine"))
        self.stdout.write(f"Wrote {output} (and the tables as .md) in {results['duration_s']} s")

    def _refresh_dashboards(self) -> dict:
        """The federations' kept dashboards, as the beat task computes them every 10 minutes
        (committed: the pages over HTTP read them too); the dashboard pages are timed as users
        meet them, and `dashboard_live` times the same dates computed live."""
        self.stdout.write("  dashboard snapshots, every federation (the beat task) …")
        started = time.monotonic()
        written = snapshots.refresh_all()
        seconds = round(time.monotonic() - started, 2)
        self.stdout.write(f"    {written} written in {seconds} s")
        return {"written": written, "seconds": seconds}

    def _some_pages(self, sample, plan, keys, output) -> None:
        chosen = [page for page in pages.PAGES if any(page.key == key or page.key.startswith(key) for key in keys)]
        if not chosen:
            raise CommandError(f"No page of bench/pages.py matches {keys}.")
        load_before = [round(x, 2) for x in os.getloadavg()]
        # The province user only when a province page (the dashboards) is asked for, as in a full run.
        with_province = any(page.key in pages.PROVINCE_PAGES for page in chosen)
        with override_settings(ALLOWED_HOSTS=["127.0.0.1"], SECURE_SSL_REDIRECT=False):
            measured = [r.as_dict() for r in compare.rolled_back(
                lambda: pages.measure_pages(actor_lib.make_actors(sample, with_province=with_province), sample,
                                            repeats=plan["repeats"],
                                            warmup=plan["warmup"], say=self.stdout.write, only=chosen))]
        self.stdout.write("\n".join(report.page_table(measured)))
        load_after = [round(x, 2) for x in os.getloadavg()]
        self.stdout.write(f"Load average at start {load_before}, at end {load_after} ({os.cpu_count()} CPUs)")
        if output:
            # The keys --growth reads (data, pages), so a rerun of some pages compares with a full run.
            report.write_json({"started_at": timezone.now().isoformat(), "plan": plan, "machine": report.machine(),
                               "data": data_sizes(), "sample": {"city": sample.city.code, "county": sample.county.code},
                               "pages_only": keys, "pages": measured, "load_average_at_start": load_before,
                               "load_average_at_end": load_after}, Path(output))
            self.stdout.write(f"Wrote {output}")

    def _admin(self, sample, plan) -> dict:
        admin_user = actor_lib.make_admin_user()
        self.stdout.write("  Django admin changelist, defaults and well configured …")
        timing = {"repeats": plan["repeats"], "warmup": plan["warmup"]}
        return {
            "name": compare.admin_search_timing(admin_user, sample.name[:2], **timing),
            "id_number": compare.admin_search_timing(admin_user, sample.id_number, **timing),
            "tuned_first_page": compare.admin_search_timing(admin_user, None, tuned=True, **timing),
            "tuned_name": compare.admin_search_timing(admin_user, sample.name[:2], tuned=True, **timing),
            "tuned_id_number": compare.admin_search_timing(admin_user, sample.id_number, tuned=True, **timing),
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
                label = f"ours, {roster.rows} rows .{fmt}, all new, rolled back"
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
            self.stdout.write(f"  ours, {plan['mixed_rows']} rows .csv, realistic mix, committed …")
            results["mixed_import"] = mixed_import.measure_mixed_import(sample.county, Path(directory),
                                                                        rows=plan["mixed_rows"])
            results["import_export"] = {}
            for key, bulk in (("defaults", False), ("bulk", True)):
                self.stdout.write(f"  django-import-export ({key}), {files[0].rows} rows .xlsx …")
                seconds, written = compare.import_export_seconds(files[0].path, sample.union, bulk=bulk)
                results["import_export"][key] = {"rows": files[0].rows, "seconds": seconds, "written": written,
                                                 "rows_per_second": round(files[0].rows / seconds)}


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


ADMIN_COMPARISONS = (
    ("name", "member_search_name", "Django admin (defaults) search, name fragment (p50 ms)"),
    ("id_number", "member_search_id", "Django admin (defaults) search, exact ID (p50 ms)"),
    ("tuned_first_page", "member_list", "Django admin (well configured), first page (p50 ms)"),
    ("tuned_name", "member_search_name", "Django admin (well configured) search, name fragment (p50 ms)"),
    ("tuned_id_number", "member_search_id", "Django admin (well configured) search, exact ID (p50 ms)"),
)


def comparisons(results) -> list[dict]:
    rows = []
    for key, page, label in ADMIN_COMPARISONS:
        theirs, ours = results["admin"][key]["p50_ms"], _ours(results, page)
        rows.append({"label": label, "theirs": theirs, "ours": ours, "ratio": _ratio(theirs, ours),
                     "kind": "admin"})
    ours_by_format = {i["format"]: i.get("seconds") for i in results["imports"]}
    for key, name in (("defaults", "defaults"), ("bulk", "use_bulk + skip_diff + batch_size")):
        entry = (results.get("import_export") or {}).get(key)
        if entry:
            rows.append({"label": f"django-import-export ({name}), {entry['rows']} rows .xlsx (s)",
                         "theirs": entry["seconds"], "ours": ours_by_format.get("xlsx"),
                         "ratio": _ratio(entry["seconds"], ours_by_format.get("xlsx")), "kind": f"import_{key}"})
    for copy in results["copy"]:
        ours = ours_by_format.get(copy["format"])
        rows.append({"label": f"plain COPY (the floor), {copy['rows']} rows .{copy['format']} (s)",
                     "theirs": copy["seconds"], "ours": ours, "ratio": _ratio(copy["seconds"], ours), "kind": "copy"})
    mixed = results.get("mixed_import")
    floor = next((c["seconds"] for c in results["copy"] if c["format"] == "csv"), None)
    if mixed and mixed.get("status") == "ok" and floor:
        rows.append({"label": f"plain COPY (the floor) vs ours, {mixed['rows']} rows, realistic mix, committed (s)",
                     "theirs": floor, "ours": mixed["seconds"], "ratio": _ratio(floor, mixed["seconds"]),
                     "kind": "copy_mixed"})
    return rows
