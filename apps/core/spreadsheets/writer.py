"""The one safe .xlsx writer for every export and error report.

Text that starts with = + - @ (or a tab or carriage return) is what Excel and other
spreadsheet programs may run as a formula (OWASP "CSV injection"); such cells are
written with a leading apostrophe. Every string is written as a string — never parsed
into a formula, a URL or a number — and XlsxWriter's constant_memory mode keeps
memory flat however many rows are written (rows must then be written in order).
"""

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Stands for the row number in rows rendered by SQL (apps.core.spreadsheets.rendered).
ROW_MARK = "\x01"


def neutralize(value: str) -> str:
    """The text with a leading apostrophe when a spreadsheet could read it as a formula."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeSheetWriter:
    """One worksheet written row by row; strings neutralized, dates formatted."""

    def __init__(self, workbook: "SafeWorkbook", name: str | None, text_columns: Iterable[int] = ()):
        self.book = workbook
        self.sheet = workbook.book.add_worksheet(name)
        self.row = 0
        for column in text_columns:
            # Typed-in values in these columns stay text (ID numbers keep their digits).
            self.sheet.set_column(column, column, 22, workbook.text_format)

    def write_row(self, values: Sequence, cell_format=None) -> None:
        for column, value in enumerate(values):
            self.write_cell(self.row, column, value, cell_format)
        self.row += 1

    def write_cell(self, row: int, column: int, value, cell_format=None) -> None:
        sheet = self.sheet
        if value is None or value == "":
            sheet.write_blank(row, column, None, cell_format)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, cell_format)
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(row, column, value, cell_format)
        elif isinstance(value, datetime.datetime):
            sheet.write_datetime(row, column, value.replace(tzinfo=None), self.book.datetime_format)
        elif isinstance(value, datetime.date):
            sheet.write_datetime(row, column, value, self.book.date_format)
        else:
            sheet.write_string(row, column, neutralize(str(value)), cell_format or self.book.text_format)

    def write_rendered_rows(self, rendered: Iterable[str], *, columns: int, progress=None) -> int:
        """Append rows whose XML the database rendered (apps.core.spreadsheets.rendered), after
        the rows written cell by cell; returns how many. constant_memory only: the rows go
        straight into XlsxWriter's row file (its own flush and bookkeeping, used as its
        constant_memory writer uses them), so the workbook is assembled as usual.
        `progress(rows)` is called every 10,000 rows."""
        sheet = self.sheet
        if not sheet.constant_memory:
            raise ValueError("rendered rows need constant_memory")
        sheet._write_single_row(self.row)  # the rows written so far, as XlsxWriter flushes them
        write, first, count = sheet.row_data_fh.write, self.row, 0
        for count, xml in enumerate(rendered, start=1):
            write(xml.replace(ROW_MARK, str(first + count)))  # Excel counts rows from 1
            if progress is not None and count % 10_000 == 0:
                progress(count)
        if count:
            self.row += count
            sheet._check_dimensions(self.row - 1, columns - 1)
            sheet.previous_row = self.row - 1
        return count

    def set_widths(self, widths: Sequence[int]) -> None:
        for column, width in enumerate(widths):
            self.sheet.set_column(column, column, width)


class SafeWorkbook:
    """`with SafeWorkbook(path_or_buffer) as book: sheet = book.add_sheet(...)`."""

    def __init__(self, target, *, constant_memory: bool = True):
        self.book = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": constant_memory,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                # in_memory would switch constant_memory off; worksheets spool to temp files.
                "in_memory": False,
            },
        )
        self.text_format = self.book.add_format({"num_format": "@"})
        self.date_format = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime_format = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.header_format = self.book.add_format({"bold": True, "bg_color": "#E9ECEF", "num_format": "@"})

    def add_sheet(self, name: str | None = None, text_columns: Iterable[int] = ()) -> SafeSheetWriter:
        return SafeSheetWriter(self, name, text_columns)

    def close(self) -> None:
        self.book.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def write_upload_template(
    target, *, sheet_name: str, columns, widths: dict | None = None, notes: Sequence[str] = (),
    choice_words: dict | None = None, template_rows: int = 5000,
) -> None:
    """The template a clerk downloads for an upload (one writer for every upload kind).

    - The first sheet: the columns' (Chinese) headers, text format on the number-like columns
      so Excel keeps every digit.
    - The explanation sheet: each column, whether it is required and how to fill it in
      (`%(values)s` in a column's help becomes its written words), then `notes`.
    - `choice_words` {field: [(written word, code or "", [other accepted words])]}: listed on
      the explanation sheet, and the written words offered as a drop-down list on the first
      sheet (a warning, not a stop: the other accepted words may be typed as well). The list
      points at the explanation sheet's cells, so it is not held to Excel's 255 characters.
    """
    widths = widths or {}
    choice_words = choice_words or {}
    with SafeWorkbook(target, constant_memory=False) as book:
        data = book.add_sheet(sheet_name)
        explanation = book.add_sheet(EXPLANATION_SHEET)
        ranges = _write_explanation(book, explanation, columns, notes, choice_words)
        sheet = data.sheet
        for position, column in enumerate(columns):
            default_width = 22 if column.text else 14
            sheet.set_column(position, position, widths.get(column.field, default_width),
                             book.text_format if column.text else None)
            if column.field in ranges:
                sheet.data_validation(1, position, template_rows, position, {
                    "validate": "list", "source": ranges[column.field], "error_type": "warning",
                })
        data.write_row([c.header for c in columns], book.header_format)
        sheet.freeze_panes(1, 0)


EXPLANATION_SHEET = "填写说明"


def _write_explanation(book, sheet, columns, notes, choice_words) -> dict[str, str]:
    """Returns, per choice column, the cell range of its written words."""
    sheet.set_widths([16, 18, 18, 90])
    sheet.write_row([_("Column"), "English", _("Required"), _("How to fill it in")], book.header_format)
    for column in columns:
        help_text = str(column.help)
        if "%(values)s" in help_text:
            written = [word for word, _code, _others in choice_words.get(column.field, ())]
            help_text = help_text % {"values": "、".join(written)}
        sheet.write_row([column.header, column.english, _("yes") if column.required else _("no"), help_text])
    if notes:
        sheet.write_row([])
        for note in notes:
            sheet.write_row([str(note)])
    ranges = {}
    if choice_words:
        sheet.write_row([])
        sheet.write_row([_("Words accepted in the choice columns. Spaces, full-width letters and upper or lower "
                           "case do not matter.")])
        sheet.write_row([_("Column"), _("Write"), _("Code"), _("Also accepted")], book.header_format)
        for column in columns:
            if column.field not in choice_words:
                continue
            first = sheet.row + 1  # as Excel counts rows
            for word, code, others in choice_words[column.field]:
                sheet.write_row([column.header, word, code, "、".join(others)])
            ranges[column.field] = f"='{EXPLANATION_SHEET}'!$B${first}:$B${sheet.row}"
    return ranges
