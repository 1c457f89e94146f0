"""COPY rows into a table: the bulk path for big writes (far faster than INSERTs).

Building the COPY text (Python) and sending it (the database's work) are separate steps
so that an import can build one chunk's text while the database stores the previous one.
"""

import io
from collections.abc import Iterable, Sequence

from django.db import connection

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value) -> str:
    """A value in COPY's text format: None is \\N; backslash, tab and line breaks escaped;
    dates and numbers as str() writes them, which PostgreSQL reads back."""
    if value is None:
        return "\\N"
    text = value if type(value) is str else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_ESCAPES)
    return text


def copy_text(rows: Iterable[Sequence]) -> tuple[str, int]:
    """COPY's text format for `rows` (sequences of str/int/None), and how many rows it holds."""
    lines = ["\t".join([copy_value(v) for v in row]) for row in rows]
    return ("\n".join(lines) + "\n" if lines else ""), len(lines)


def copy_from(table: str, columns: Sequence[str], text: str) -> None:
    """COPY `text` (from copy_text) into `table` on the current connection, inside the
    caller's transaction if there is one."""
    if not text:
        return
    column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        # One read of the whole text: psycopg2 takes the GIL back for every read, and while
        # another thread holds it (import staging runs beside row cleaning) each of the
        # default 8 KB reads would wait for a switch interval.
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(table)} ({column_list}) FROM STDIN", io.StringIO(text),
            size=max(len(text), 8192),
        )


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY `rows` (sequences of str/int/None, in `columns` order) into `table`; returns the count."""
    text, count = copy_text(rows)
    copy_from(table, columns, text)
    return count
