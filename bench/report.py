"""The benchmark's printed table and its JSON file (benchmark-results/latest.json)."""

import json
import os
import platform
from pathlib import Path

import django
from django.db import connection

IMPORT_TARGETS_S = {"xlsx": 3.0, "csv": 10.0}  # issue 4: 10,000 rows .xlsx < 3 s, 100,000 rows .csv < 10 s


def machine() -> dict:
    memory_kib = 0
    try:
        with open("/proc/meminfo") as handle:
            memory_kib = int(handle.readline().split()[1])
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(), "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "python": platform.python_version(), "django": django.get_version(), "postgresql": postgres,
        "platform": platform.platform(),
        # The machine may be shared: the load when the run started says how quiet it was.
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def _verdict(met) -> str:
    return {True: "met", False: "NOT MET", None: ""}[met]


def page_table(pages) -> list[str]:
    lines = [f"{'page':46} {'user':7} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7}  target"]
    for r in pages:
        if r["status"] != "ok":
            lines.append(f"{r['label']:46} {r['actor']:7} {r['status']:>17}")
            continue
        target = f"p95 < {r['target_ms']:.0f} ms {_verdict(r['met'])}" if r["target_ms"] else ""
        timing = r["timing"]
        lines.append(f"{r['label']:46} {r['actor']:7} {timing['p50_ms']:8.1f} {timing['p95_ms']:8.1f}"
                     f" {r['queries']:7}  {target}")
    return lines


def import_table(imports) -> list[str]:
    lines = [f"{'roster import':28} {'rows':>7} {'seconds':>8} {'rows/s':>8} {'peak MiB':>9}  target"]
    for r in imports:
        if "seconds" not in r:
            lines.append(f"{r['label']:28} {r['rows']:7} {r['status']}")
            continue
        target = f"< {r['target_s']:.0f} s {_verdict(r.get('met'))}" if r.get("target_s") else ""
        peak = f"{r['peak_mib']:9.0f}" if r.get("peak_mib") is not None else f"{'':9}"
        lines.append(f"{r['label']:28} {r['rows']:7} {r['seconds']:8.2f} {r['rows_per_second'] or 0:8} {peak}"
                     f"  {target} {'' if r['status'] == 'ok' else r['status']}")
    return lines


def reports_table(reports) -> list[str]:
    lines = [f"{'report generation':46} {'seconds':>8}"]
    for r in reports:
        figure = f"{r['seconds']:8.2f}" if r["status"] == "ok" else r["status"]
        lines.append(f"{r['label']:46} {figure}")
    return lines


def comparison_table(comparisons) -> list[str]:
    lines = [f"{'the other way':52} {'theirs':>10} {'ours':>10} {'theirs/ours':>11}"]
    for c in comparisons:
        ratio = f"{c['ratio']:11.1f}" if c.get("ratio") else f"{'—':>11}"
        theirs = f"{c['theirs']:10.2f}" if c.get("theirs") is not None else f"{c.get('status', '—'):>10}"
        ours = f"{c['ours']:10.2f}" if c.get("ours") is not None else f"{'—':>10}"
        lines.append(f"{c['label']:52} {theirs} {ours} {ratio}")
    return lines


def write_json(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8")


def _md_verdict(met) -> str:
    return {True: "met", False: "**not met**", None: "—"}[met]


def markdown(results: dict) -> str:
    """The figures as Markdown tables, for docs/PERFORMANCE.md (written beside the JSON)."""
    machine = results["machine"]
    out = [f"Run of {results['started_at'][:16]} UTC, {results['duration_s']} s; {machine['cpus']} CPUs, "
           f"load average {machine['load_average_1_5_15']} at start, "
           f"{results.get('load_average_at_end')} at end; data {results['data']}.", "",
           "| page | user | p50 ms | p95 ms | queries | target |", "| --- | --- | ---: | ---: | ---: | --- |"]
    for r in results["pages"]:
        if r["status"] != "ok":
            out.append(f"| {r['label']} | {r['actor']} | {r['status']} | | | |")
            continue
        target = f"p95 < {r['target_ms']:.0f} ms: {_md_verdict(r['met'])}" if r["target_ms"] else "—"
        timing = r["timing"]
        out.append(f"| {r['label']} | {r['actor']} | {timing['p50_ms']:.0f} | {timing['p95_ms']:.0f} "
                   f"| {r['queries']} | {target} |")
    out += ["", "| roster import | rows | seconds | rows/s | peak MiB | target |",
            "| --- | ---: | ---: | ---: | ---: | --- |"]
    for r in results["imports"]:
        if "seconds" not in r:
            out.append(f"| {r['label']} | {r['rows']} | {r['status']} | | | |")
            continue
        target = f"< {r['target_s']:.0f} s: {_md_verdict(r.get('met'))}" if r.get("target_s") else "—"
        out.append(f"| {r['label']} | {r['rows']:,} | {r['seconds']:.2f} | {r['rows_per_second'] or 0:,} "
                   f"| {r.get('peak_mib') or 0:.0f} | {target} |")
    out += ["", "| the other way | theirs | ours | theirs ÷ ours |", "| --- | ---: | ---: | ---: |"]
    for c in results["comparisons"]:
        theirs = f"{c['theirs']:,.2f}" if c.get("theirs") is not None else "—"
        ours = f"{c['ours']:,.2f}" if c.get("ours") is not None else "—"
        out.append(f"| {c['label']} | {theirs} | {ours} | {c['ratio'] if c.get('ratio') else '—'} |")
    out += ["", "| report generation | seconds |", "| --- | ---: |"]
    for r in results["reports"]:
        out.append(f"| {r['label']} | {r['seconds'] if r['status'] == 'ok' else r['status']} |")
    return "\n".join(out) + "\n"
