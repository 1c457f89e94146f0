"""Reading a generated report back: its sheets as rows, its PDF as text."""

from django.db import connection
from openpyxl import load_workbook
from pypdf import PdfReader


def sheets(report) -> dict[str, list[list]]:
    with report.xlsx_file.open("rb") as handle:
        book = load_workbook(handle, read_only=True)
        return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def pdf_text(report) -> str:
    with report.pdf_file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(handle).pages)


def sql_value(query: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]
