"""A report's files: the .xlsx always (apps.core.spreadsheets' formula-safe writer, headers
in Chinese as the kinds give them), and the PDF of a printed form (WeasyPrint, with the CJK
fonts of Debian's fonts-noto-cjk, so Chinese prints as Chinese, not as boxes).

The .xlsx is written row by row in constant memory (the ledger streams every payment of
a year); a printed form's tables are small (a row per county or per figure).
"""

import re
from pathlib import Path

from django.template.loader import render_to_string

from apps.core.spreadsheets.writer import SafeWorkbook

from .kinds import Table

PDF_STYLESHEET = Path(__file__).with_name("pdf.css")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = _SHEET_NAME_BAD.sub(" ", title)[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base}{n}", n + 1
    used.add(name)
    return name


def write_xlsx(path: str, *, title: str, subtitle: str, tables: list[Table]) -> None:
    used: set[str] = set()
    with SafeWorkbook(path) as book:
        bold = book.book.add_format({"bold": True})
        heading = book.book.add_format({"bold": True, "font_size": 14})
        for table in tables:
            sheet = book.add_sheet(sheet_name(table.title, used))
            if table.widths:
                sheet.set_widths(table.widths)
            sheet.write_row([title], heading)
            sheet.write_row([f"{subtitle} · {table.title}"])
            sheet.write_row(table.headers, book.header_format)
            for row in table.rows:
                sheet.write_row(row)
            if table.total is not None:
                sheet.write_row(table.total, bold)
            for note in table.notes:
                sheet.write_row([note])


def write_pdf(path: str, *, template: str, context: dict) -> None:
    from weasyprint import CSS, HTML  # imported here: only the worker writing a PDF needs it (pango)

    html = render_to_string(template, context)
    HTML(string=html).write_pdf(path, stylesheets=[CSS(filename=str(PDF_STYLESHEET))])
