"""Reading an uploaded spreadsheet into rows of raw cells, refusing what is not one.

The type is decided by content, never by the file name: a zip that holds an Excel
workbook is .xlsx, text is .csv. An .xlsx is a zip, so its table of contents is
checked against the limits BEFORE anything is unpacked (a zip bomb is refused cheaply).
Cells keep their type (an .xlsx number stays a float) so validators can tell that Excel
stored an ID number as a number and lost digits.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024


class SpreadsheetError(Exception):
    """The whole file is refused; the message says why in words a clerk understands."""


def limit(name: str) -> int:
    defaults = {
        "IMPORT_MAX_FILE_BYTES": 20 * MB,
        "IMPORT_MAX_ROWS": 200_000,
        "IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES": 400 * MB,
        "IMPORT_XLSX_MAX_ENTRIES": 1000,
        "IMPORT_XLSX_MAX_RATIO": 200,
    }
    return getattr(settings, name, defaults[name])


@dataclass
class Sheet:
    """Rows of one sheet. `rows` yields (row number as Excel shows it, cells), blank rows skipped."""

    file_type: str  # "xlsx" or "csv"
    row_count: int  # rows in the sheet, header included, blank rows included
    rows: Iterator[tuple[int, list]]


ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted .xlsx


def read_spreadsheet(source) -> Sheet:
    """A Sheet from a path or a binary file object; SpreadsheetError when refused."""
    data = _read_bytes(source)
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        sheet = _read_xlsx(data)
    elif data.startswith(OLE2_MAGIC):
        raise SpreadsheetError(
            _("This is an old-style .xls workbook or a password-protected one. Remove the password and "
              "save it as .xlsx (Excel Workbook), then upload again.")
        )
    else:
        sheet = _read_csv(data)
    if sheet.row_count - 1 > limit("IMPORT_MAX_ROWS"):
        raise SpreadsheetError(
            _("The file has %(rows)s rows; at most %(max)s rows can be uploaded at once. Split it into "
              "several files.") % {"rows": sheet.row_count - 1, "max": limit("IMPORT_MAX_ROWS")}
        )
    return sheet


def _read_bytes(source) -> bytes:
    max_bytes = limit("IMPORT_MAX_FILE_BYTES")
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
    else:
        with open(source, "rb") as handle:
            data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SpreadsheetError(size_limit_message())
    return data


def size_limit_message() -> str:
    return _("The file is larger than %(max)d MB. Split it into several files.") % {
        "max": limit("IMPORT_MAX_FILE_BYTES") // MB
    }


def _is_blank(cells) -> bool:
    # A loop rather than all(<generator>): a normal row answers at its first cell.
    for c in cells:
        if c is not None and not (isinstance(c, str) and not c.strip()):
            return False
    return True


def _numbered(rows) -> Iterator[tuple[int, list]]:
    for index, cells in enumerate(rows, start=1):
        if not _is_blank(cells):
            yield index, list(cells)


# --- xlsx ------------------------------------------------------------------------------


def check_zip_limits(archive: zipfile.ZipFile) -> None:
    """Refuse absurd archives from their table of contents alone (nothing is unpacked)."""
    entries = archive.infolist()
    if len(entries) > limit("IMPORT_XLSX_MAX_ENTRIES"):
        raise SpreadsheetError(
            _("The workbook holds %(count)d parts, which no roster needs; it is refused as unsafe.")
            % {"count": len(entries)}
        )
    total = sum(e.file_size for e in entries)
    if total > limit("IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES"):
        raise SpreadsheetError(
            _("The workbook would unpack to %(size)d MB, more than the %(max)d MB allowed; it is refused as "
              "unsafe.") % {"size": total // MB, "max": limit("IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES") // MB}
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > MB and ratio > limit("IMPORT_XLSX_MAX_RATIO"):
            raise SpreadsheetError(
                _("The workbook is compressed %(ratio)d times, far beyond any real spreadsheet; it is refused "
                  "as unsafe.") % {"ratio": ratio}
            )


def _read_xlsx(data: bytes) -> Sheet:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip_limits(archive)
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise SpreadsheetError(_("The file is damaged: it looks like an .xlsx workbook but cannot be opened."))
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError(
            _("The file is a zip archive, not an Excel workbook. Upload an .xlsx or .csv file.")
        )
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except (CalamineError, ValueError, OSError) as exc:
        raise SpreadsheetError(
            _("The workbook cannot be read (%(reason)s). Open it in Excel, save it again as .xlsx and "
              "upload that file.") % {"reason": exc}
        ) from None
    # iter_rows starts at the sheet's first row (not its first used row), so the
    # index is the row number Excel shows.
    row_count = sheet.end[0] + 1 if sheet.end else 0
    return Sheet("xlsx", row_count, _numbered(sheet.iter_rows()))


# --- csv ---------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK,
    what Chinese Excel writes); refuse anything else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data[:8192]:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise SpreadsheetError(
        _("The file is not a spreadsheet: it is neither an .xlsx workbook nor readable text (.csv in "
          "UTF-8 or GBK).")
    )


def _read_csv(data: bytes) -> Sheet:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        row_count = sum(1 for _row in csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise SpreadsheetError(_("The .csv file is malformed: %(reason)s.") % {"reason": exc}) from None
    return Sheet("csv", row_count, _numbered(csv.reader(io.StringIO(text), delimiter=delimiter)))
