"""The error report: the uploaded sheet as it was, with an added "错误/Errors" column.

The clerk corrects the rows in place and uploads the same file again (the added
column is ignored as an unknown column). Rows keep their Excel row numbers.
"""

from apps.core.spreadsheets.reader import read_spreadsheet
from apps.core.spreadsheets.writer import SafeWorkbook
from apps.imports.models import ImportJob

from .selectors import error_messages_by_row

ERROR_HEADER = "错误/Errors"


def write_error_report(*, job: ImportJob, target) -> None:
    """Write the report to `target` (a path or a binary buffer)."""
    errors = error_messages_by_row(job=job)
    header_row = job.summary.get("header_row", 1)
    with job.file.open("rb") as handle:
        # Two passes (the widest row first) so the error column never covers a cell.
        error_column = max((len(cells) for _n, cells in read_spreadsheet(handle).rows), default=0)
        sheet = read_spreadsheet(handle)
    with SafeWorkbook(target) as book:
        out = book.add_sheet(None)
        out.sheet.set_column(error_column, error_column, 60)
        for number, cells in sheet.rows:
            for column, value in enumerate(cells):
                out.write_cell(number - 1, column, value)
            if number == header_row:
                out.write_cell(number - 1, error_column, ERROR_HEADER, book.header_format)
            elif number in errors:
                out.write_cell(number - 1, error_column, errors[number])
