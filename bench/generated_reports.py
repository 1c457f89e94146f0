"""Report generation for the city (issue 8): monthly statistics and annual work statistics,
through the public `generate_report KIND [--period YYYY-MM | --year YYYY] [--org CODE]`
command, rolled back. Reported "not built" until the reports app provides the command."""

import datetime
import io
import time

from django.core.management import call_command, get_commands

from .compare import rolled_back

REPORTS = (
    ("monthly", "monthly statistics, city", lambda today: {"period": f"{today:%Y-%m}"}),
    ("annual", "annual work statistics, city", lambda today: {"year": today.year - 1}),
)


def measure_reports(city_code: str, *, say=print) -> list[dict]:
    results = []
    today = datetime.date.today()
    available = "generate_report" in get_commands()
    for kind, label, options in REPORTS:
        entry = {"kind": kind, "label": label, "status": "not built"}
        if available:
            def run(kind=kind, options=options):
                started = time.perf_counter()
                call_command("generate_report", kind, org=city_code, stdout=io.StringIO(), **options(today))
                return time.perf_counter() - started

            try:
                entry.update(status="ok", seconds=round(rolled_back(run), 2))
            except Exception as exc:  # noqa: BLE001 - a failing report is a result, not a crash
                entry["status"] = f"failed: {exc}"[:300]
        say(f"    {label:45} {entry['status']:10} {entry.get('seconds', '')}")
        results.append(entry)
    return results
