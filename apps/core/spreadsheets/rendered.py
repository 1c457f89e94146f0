"""Worksheet rows rendered by PostgreSQL, for exports of a hundred thousand rows and more.

XlsxWriter spends ~10 µs of Python per cell (checks, a Cell tuple, XML escaping, a write),
so a county's 125,000 members × 13 columns took 20 s and more. Here the database renders
each row's XML (`<row><c …><is><t>…</t></is></c>…</row>`) with the rules of
apps.core.spreadsheets.writer — formula starts neutralized, every string an inline string
in the text format, Excel's `_xHHHH_` escapes for control characters, XML escaping,
xml:space="preserve" where a text starts or ends with whitespace — and
SafeSheetWriter.write_rendered_rows appends the rows to XlsxWriter's own constant_memory
row file, so XlsxWriter still writes the workbook (styles, widths, the header row, the zip)
and every reader sees what the cell-by-cell writer would have written.

Nearly no value needs any of that, and testing each cell cost more than rendering it: one
regular expression over the row's texts decides, and only a row that might need it takes
the careful path (a false alarm costs only time).

The row number is not known in SQL (it is the row's place in the file): every reference
carries ROW_MARK, which no rendered value can contain (control characters are escaped), and
Python puts the number in.
"""

from dataclasses import dataclass

from .writer import FORMULA_STARTS, ROW_MARK, neutralize

_XLSX_EPOCH = "1899-12-30"  # Excel's day 0 for dates after 1900-02-28 (its 1900 leap-year bug)
# What XlsxWriter writes as _xHHHH_ (all but tab and newline below 32; two non-characters).
_CONTROL_CHARACTERS = [c for c in range(1, 32) if c not in (9, 10)] + [0xFFFE, 0xFFFF]
# What Python's `\s` (XlsxWriter's test for xml:space="preserve") takes for whitespace.
_SPACES = [c for c in range(0x3001) if chr(c).isspace()]
_STARTS = ", ".join(f"chr({ord(c)})" for c in FORMULA_STARTS)


def _class(codes) -> str:
    """A regular-expression bracket expression of these characters ("-" last, as itself)."""
    return "[" + "".join(f"\\u{c:04x}" for c in codes if c != ord("-")) + ("-" if ord("-") in codes else "") + "]"


_START, _SPACE = _class([ord(c) for c in FORMULA_STARTS]), _class(_SPACES)
# A row takes the careful path when one of its texts (joined by newlines) starts like a
# formula, starts or ends with whitespace, holds &, <, >, a control character or something
# like an _xHHHH_ escape.
_DIRTY = "|".join([
    f"^{_START}", f"\\n{_START}", f"^{_SPACE}", f"{_SPACE}$", f"{_SPACE}\\n", f"\\n{_SPACE}",
    _class([ord("&"), ord("<"), ord(">"), *_CONTROL_CHARACTERS]), "_x[0-9a-fA-F]{4}_",
])


@dataclass(frozen=True)
class Cell:
    """One column of a rendered row: `expr` is SQL over the row's columns. kind "text": stored
    text (escaped where needed); "word": the caller's constants, each needs_no_escaping;
    "date": a date, written as Excel's serial day in the date format."""

    kind: str
    expr: str


def needs_no_escaping(text: str) -> bool:
    """Whether `text` is written as it is by the careful path too (for "word" cells)."""
    return text == neutralize(text) and not any(c in text for c in "&<>_") and text.isprintable() and (
        text == text.strip())


def _escaped_sql(expr: str) -> str:
    """SQL: the text of `expr` as XlsxWriter writes it into <t>: neutralized (writer.neutralize),
    literal `_xHHHH_` escaped, control characters as `_xHHHH_`, then XML-escaped."""
    text = f"(CASE WHEN left({expr}, 1) IN ({_STARTS}) THEN '''' || {expr} ELSE {expr} END)"
    text = f"regexp_replace({text}, '(_x[0-9a-fA-F]{{4}}_)', '_x005F\\1', 'g')"
    for code in _CONTROL_CHARACTERS:
        text = f"replace({text}, chr({code}), '_x{code:04X}_')"
    return f"replace(replace(replace({text}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"


def _letters(column: int) -> str:
    letters, n = "", column + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text_cell_sql(column: int, expr: str, *, xf_index: int, careful: bool) -> str:
    """One string cell (nothing for NULL or ''), as SafeSheetWriter.write_cell writes it."""
    preserve = ""
    if careful:
        preserve = (f" || CASE WHEN {expr} ~ '^{_SPACE}|{_SPACE}$' THEN ' xml:space=\"preserve\"' ELSE '' END")
        expr_xml = _escaped_sql(expr)
    else:
        expr_xml = expr
    return (f"CASE WHEN {expr} <> '' THEN '<c r=\"{_letters(column)}' || chr(1) || "
            f"'\" s=\"{xf_index}\" t=\"inlineStr\"><is><t'{preserve} || '>' || {expr_xml} || '</t></is></c>' "
            f"ELSE '' END")


def _date_cell_sql(column: int, expr: str, *, xf_index: int) -> str:
    return (f"CASE WHEN {expr} IS NOT NULL THEN '<c r=\"{_letters(column)}' || chr(1) || "
            f"'\" s=\"{xf_index}\"><v>' || ({expr} - DATE '{_XLSX_EPOCH}') || '</v></c>' ELSE '' END")


def row_sql(cells: list[Cell], *, text_xf: int, date_xf: int) -> str:
    """SQL rendering a whole <row> of `cells`; the formats are XlsxWriter's xf indices."""
    assert ROW_MARK == chr(1)

    def row(careful: bool) -> str:
        parts = [
            _date_cell_sql(i, c.expr, xf_index=date_xf) if c.kind == "date"
            else _text_cell_sql(i, c.expr, xf_index=text_xf, careful=careful and c.kind == "text")
            for i, c in enumerate(cells)
        ]
        return "'<row r=\"' || chr(1) || '\">' || " + " || ".join(f"({p})" for p in parts) + " || '</row>'"

    texts = ", ".join(c.expr for c in cells if c.kind == "text")
    if not texts:
        return row(careful=False)
    return f"CASE WHEN concat_ws(chr(10), {texts}) ~ '{_DIRTY}' THEN {row(True)} ELSE {row(False)} END"
