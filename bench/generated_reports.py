"""Report generation for the city (issue 8): monthly statistics and annual work statistics,
through the public `generate_report KIND [--period YYYY-MM | --year YYYY] [--org CODE]`
command, rolled back. Reported "not built" until the reports app provides the command.

The annual work statistics are of the seed's reference year, and their figures are checked
against it (bench/reference_year.py: entry["reference_year"], and a table printed)."""

import datetime
import io
import tempfile
import time
from pathlib import Path

from django.core.management import call_command, get_commands

from demo.reference_year import YEAR as REFERENCE_YEAR

from . import reference_year
from .compare import rolled_back

REPORTS = (
    ("monthly", "monthly statistics, city", lambda today: {"period": f"{today:%Y-%m}"}),
    ("annual", f"annual work statistics {REFERENCE_YEAR}, city", lambda today: {"year": REFERENCE_YEAR}),
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
            def run(kind=kind, options=options, code=code, output=None):
                started = time.perf_counter()
                call_command("generate_report", kind, org=code, stdout=io.StringIO(), output=output,
                             **options(today))
                return time.perf_counter() - started

            try:
                with tempfile.TemporaryDirectory() as folder:
                    output = str(Path(folder) / f"{kind}.xlsx")
                    entry.update(status="ok", seconds=round(rolled_back(lambda: run(output=output)), 2))
                    if kind == "annual":
                        entry["reference_year"] = reference_year.check_file(output)
            except Exception as exc:  # noqa: BLE001 - a failing report is a result, not a crash
                entry["status"] = f"failed: {exc}"[:300]
        say(f"    {label:45} {entry['status']:10} {entry.get('seconds', '')}")
        if entry.get("reference_year"):
            wrong = sum(not e["ok"] for e in entry["reference_year"])
            say(f"    the reference year {REFERENCE_YEAR}: {len(entry['reference_year']) - wrong} figures as built, "
                f"{wrong} not")
            for line in reference_year.table(entry["reference_year"]):
                say(f"      {line}")
        results.append(entry)
    return results
