"""Column specs per file type and the mapping of a file's header row onto them.

Headers may be Chinese or English (GLOSSARY.md); spaces, full-width characters, case and
a required-marker "*" do not matter. Unknown columns are ignored and reported as a
note (an earlier error column of ours, for instance); a missing required column
refuses the whole file with one message naming every missing column.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from apps.core.validators import clean_text

from .reader import SpreadsheetError

# A title line or two above the header is common in Chinese rosters ("XX公司会员名册").
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the template's (Chinese) header
    english: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    # raw cell → stored value, raising ValidationError; None keeps clean_text.
    clean: Callable[[Any], Any] | None = None
    help: str = ""  # explanation for the template's second sheet
    text: bool = False  # formatted as text in templates (ID numbers, phones)

    def names(self) -> Iterator[str]:
        yield self.header
        yield self.english
        yield from self.aliases


def normalize_header(value) -> str:
    return clean_text(value).replace(" ", "").strip("*").lower()


@dataclass
class HeaderMap:
    header_row: int  # as Excel shows it
    index: dict[str, int]  # field → column position
    headers: dict[str, str]  # field → header text as written in the file
    unknown: list[str] = field(default_factory=list)

    def values(self, cells: list) -> dict[str, Any]:
        width = len(cells)
        return {f: (cells[i] if i < width else None) for f, i in self.index.items()}


def _lookup(columns: Iterable[Column]) -> dict[str, Column]:
    return {normalize_header(name): col for col in columns for name in col.names()}


def map_headers(rows: Iterator[tuple[int, list]], columns: tuple[Column, ...]) -> HeaderMap:
    """Find the header row (the first of the first rows naming a required column) and map it.

    Consumes rows from `rows` up to and including the header row.
    """
    lookup = _lookup(columns)
    required = {c.field for c in columns if c.required}
    first = None
    for number, cells in rows:
        names = [normalize_header(c) for c in cells]
        if first is None:
            first = (number, cells)
        if any(lookup.get(n) and lookup[n].field in required for n in names):
            return _build(number, cells, lookup, columns)
        if number >= first[0] + HEADER_SEARCH_ROWS - 1:
            break
    if first is None:
        raise SpreadsheetError(_("The file is empty."))
    return _build(*first, lookup, columns)


def _build(number: int, cells: list, lookup: dict[str, Column], columns: tuple[Column, ...]) -> HeaderMap:
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    for position, cell in enumerate(cells):
        text = clean_text(cell)
        column = lookup.get(normalize_header(cell))
        if column is None:
            if text:
                unknown.append(text)
            continue
        if column.field in index:
            raise SpreadsheetError(
                _("The columns %(first)s and %(second)s both hold %(header)s; keep only one of them.")
                % {"first": headers[column.field], "second": text, "header": column.header}
            )
        index[column.field] = position
        headers[column.field] = text
    missing = [c for c in columns if c.required and c.field not in index]
    if missing:
        raise SpreadsheetError(
            _("Required columns are missing from the header row (row %(row)d): %(columns)s. Use the template's "
              "headers.")
            % {"row": number, "columns": ", ".join(f"{c.header} ({c.english})" for c in missing)}
        )
    return HeaderMap(number, index, headers, unknown)
