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


def measure_reports(city_code: str, *, say=print, province_code: str | None = None) -> list[dict]:
    """The city's reports, and under a province (issue 21) the province's monthly statistics too."""
    results = []
    today = datetime.date.today()
    available = "generate_report" in get_commands()
    runs = [(kind, label, options, city_code) for kind, label, options in REPORTS]
    if province_code:
        runs.append(("monthly", "monthly statistics, province", REPORTS[0][2], province_code))
    for kind, label, options, code in runs:
        entry = {"kind": kind, "label": label, "status": "not built"}
        if available:
            def run(kind=kind, options=options, code=code):
                started = time.perf_counter()
                call_command("generate_report", kind, org=code, stdout=io.StringIO(), **options(today))
                return time.perf_counter() - started

            try:
                entry.update(status="ok", seconds=round(rolled_back(run), 2))
            except Exception as exc:  # noqa: BLE001 - a failing report is a result, not a crash
                entry["status"] = f"failed: {exc}"[:300]
        say(f"    {label:45} {entry['status']:10} {entry.get('seconds', '')}")
        results.append(entry)
    return results
