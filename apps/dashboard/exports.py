"""A dashboard panel's figures and tables as an .xlsx workbook (issue 19 item 7).

The workbook is built from the very PanelData the page shows (panels.build_panels for that
one panel, the same DashboardView: scope, county, period), so the page and the file cannot
disagree. Written by apps.core.spreadsheets.writer (formula starts neutralized, text kept
text), always in Chinese — the headers, the labels and the sheet names — like the other
exports of the union's figures, whatever language the screen is in.
"""

import re
import tempfile

from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.spreadsheets.writer import SafeWorkbook

from .panels import BuiltPanel, DashboardView, build_panels

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel refuses these in a sheet name, and names longer than 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title, used: set[str]) -> str:
    name = _SHEET_FORBIDDEN.sub("-", str(title))[:31] or "-"
    base, n = name, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def figure_rows(built: BuiltPanel) -> list[list]:
    """One row per figure: label, value, unit, the same period last year, change, change %."""
    rows = []
    for f in built.data.figures:
        rows.append([str(f.label), f.value, str(f.unit), f.previous, f.change, f.change_percent, str(f.detail)])
    return rows


def table_rows(table) -> list[list]:
    """A chart's or a table's rows as the page's table shows them: the label, then the cells."""
    return [[str(label), *[value for value, _url in cells]] for label, cells in table.rows]


def chart_header(chart) -> list[str]:
    unit = f" ({chart.unit})" if chart.unit else ""
    return [_("item"), *[f"{s.name}{unit}" for s in chart.series]]


def table_header(table) -> list[str]:
    return [_("item"), *[str(c) for c in table.columns]]


def build_panel(view: DashboardView, key: str) -> BuiltPanel | None:
    """The panel `key` as the page builds it (None: no such panel, or none at this scope),
    in Chinese: labels such as "active files: 深度困难" are formatted as they are built."""
    with translation.override("zh-hans"):
        built = build_panels(view, keys=(key,))
    return built[0] if built else None


def panel_response(view: DashboardView, built: BuiltPanel) -> FileResponse:
    handle = tempfile.TemporaryFile()
    with translation.override("zh-hans"), SafeWorkbook(handle) as book:
        used: set[str] = set()
        scope = view.scope.name if view.scope is not None else _("all organizations")
        period = _("From %(first)s to %(last)s, compared with %(before_first)s to %(before_last)s") % {
            "first": view.period.start, "last": view.period.end,
            "before_first": view.period.previous.start, "before_last": view.period.previous.end,
        }
        sheet = book.add_sheet(sheet_name(built.panel.title, used))
        sheet.set_widths([34, 14, 8, 14, 12, 12, 30])
        sheet.write_row([f"{built.panel.title} · {scope}"], book.header_format)
        sheet.write_row([period])
        sheet.write_row([str(built.panel.definition)])
        sheet.write_row([])
        if built.data.figures:
            sheet.write_row([_("figure"), _("value"), _("unit"), _("same period last year"), _("change on last year"),
                             _("change on last year (%)"), _("note")], book.header_format)
            for row in figure_rows(built):
                sheet.write_row(row)
        # A sheet per table, in the page's order: the charts' tables, then the tables.
        tables = [(c, chart_header(c)) for c in built.data.charts] + [(t, table_header(t)) for t in built.data.tables]
        for table, header in tables:
            sheet = book.add_sheet(sheet_name(table.title, used))
            sheet.set_widths([24] + [16] * (len(header) - 1))
            sheet.write_row(header, book.header_format)
            for row in table_rows(table):
                sheet.write_row(row)
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"dashboard-{built.panel.key}-{stamp}.xlsx",
                        content_type=XLSX)
