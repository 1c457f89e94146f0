"""The member list as .xlsx, in the roster template's columns (GLOSSARY.md headers, same
order), so that an unmasked export of one union re-imports with nothing changed.

Memory stays flat whatever the size, and a county's 125,000 members take seconds: the
database renders each row's worksheet XML — masks, choice words, formula neutralization and
escaping as SQL (apps.core.privacy, apps.core.spreadsheets.rendered) — read in chunks from a
server-side cursor and appended to XlsxWriter's constant_memory row file; XlsxWriter writes
the header, the styles and the workbook straight to the export's file. Done in Python cell
by cell, the same file took ~10 µs a cell: 20 s and more for a county (docs/PERFORMANCE.md).
"""

import datetime
import os
import tempfile

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.files import File
from django.db import connections
from django.http import FileResponse, QueryDict
from django.utils import timezone

from apps.core.privacy import mask_id_number_sql, mask_phone_sql
from apps.core.spreadsheets.rendered import Cell, needs_no_escaping, row_sql
from apps.core.spreadsheets.writer import SafeWorkbook
from apps.organizations.scope import scope_queryset

from .choice_words import CHOICE_WORDS
from .cleaning import INPUT_FIELDS
from .filters import MemberFilter
from .models import Education, MemberExport, MemberStatus, PoliticalStatus, Sex, WorkerCategory
from .roster.columns import ROSTER_COLUMNS

CHUNK_SIZE = 2000

# (header, value source) in the roster template's order; two trailing columns that the
# upload ignores (it is always for one union) tell a clerk where each member belongs.
ROSTER_HEADERS = tuple(column.header for column in ROSTER_COLUMNS)
EXTRA_HEADERS = ("所属工会", "会籍状态")
# _columns_sql below takes the clerk's fields in this order; it must stay the roster's.
assert tuple(column.field for column in ROSTER_COLUMNS) == INPUT_FIELDS, (
    "roster columns changed: update the export"
)
_FIELDS = (*INPUT_FIELDS, "organization__name", "status")
_TEXT_COLUMNS = (1, 3)  # ID number and phone stay text, so Excel keeps every digit
_WIDTHS = (12, 22, 6, 14, 8, 14, 14, 30, 12, 18, 16, 30, 10)


def _words_sql(choices: type, column: str) -> str:
    """SQL: the Chinese word written for a stored choice (cleaning.choice_word), '' for blank."""
    def quoted(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    words = {value: words[0] for value, words in CHOICE_WORDS[choices].items()}
    assert all(map(needs_no_escaping, words.values())), words  # written as they are (escaped=False)
    whens = " ".join(f"WHEN {quoted(value)} THEN {quoted(word)}" for value, word in words.items())
    return f"(CASE {column} {whens} ELSE '' END)"


# Each export column from the selected fields c0…c12 (_FIELDS' order): (kind, SQL), where
# kind "text" is stored text (escaped), "word" a choice word (our constants) and "date".
def _columns_sql(*, unmasked: bool) -> list[tuple[str, str]]:
    return [
        ("text", "c0"),
        ("text", "c1" if unmasked else mask_id_number_sql("c1")),
        ("word", _words_sql(Sex, "c2")),
        ("text", "c3" if unmasked else mask_phone_sql("c3")),
        ("text", "c4"),
        ("word", _words_sql(PoliticalStatus, "c5")),
        ("word", _words_sql(Education, "c6")),
        ("text", "c7"),
        ("date", "c8"),
        ("word", _words_sql(WorkerCategory, "c9")),
        ("text", "c10"),
        ("text", "c11"),
        ("word", _words_sql(MemberStatus, "c12")),
    ]


def rendered_rows_sql(queryset, *, unmasked: bool, text_xf: int, date_xf: int) -> tuple[str, list]:
    """One SELECT giving each exported member's <row> XML, in the queryset's order."""
    inner, params = queryset.values_list(*_FIELDS).query.sql_with_params()
    columns = _columns_sql(unmasked=unmasked)
    names = ", ".join(f"c{i}" for i in range(len(_FIELDS)))
    values = ", ".join(f"{sql} AS v{i}" for i, (_kind, sql) in enumerate(columns))
    row = row_sql([Cell(kind, f"v.v{i}") for i, (kind, _sql) in enumerate(columns)], text_xf=text_xf, date_xf=date_xf)
    # OFFSET 0 keeps the values a subquery of their own, worked out once per row (not once
    # per use in the row's XML), in the order the list has them.
    sql = f"SELECT {row} FROM (SELECT {values} FROM ({inner}) AS m({names}) OFFSET 0) AS v"
    return sql, list(params)


def write_members_xlsx(queryset, path: str, *, unmasked: bool, progress=None) -> int:
    """Write the export to the file at `path`; returns the number of rows. A path, not a
    buffer: XlsxWriter drops constant_memory when it writes in memory. `progress(rows)`
    is called every 10,000 rows."""
    with SafeWorkbook(path) as book:
        sheet = book.add_sheet("会员名册", text_columns=_TEXT_COLUMNS)
        for column, width in enumerate(_WIDTHS):
            if column not in _TEXT_COLUMNS:
                sheet.sheet.set_column(column, column, width)
        sheet.write_row(ROSTER_HEADERS + EXTRA_HEADERS, book.header_format)
        try:
            sql, params = rendered_rows_sql(queryset, unmasked=unmasked, text_xf=book.text_format._get_xf_index(),
                                            date_xf=book.date_format._get_xf_index())
        except EmptyResultSet:  # a filter that matches nobody (.none()): the header alone
            return 0
        with _rows_cursor(connections[queryset.db]) as cursor:
            cursor.execute(sql, params)
            return sheet.write_rendered_rows(_fetched(cursor), columns=len(_WIDTHS), progress=progress)


def _rows_cursor(database):
    """Server-side: CHUNK_SIZE rows in memory at a time. Not behind PgBouncer in transaction mode
    (DISABLE_SERVER_SIDE_CURSORS, docs/DEPLOYMENT.md: its FETCH can reach another server, which
    has no such cursor); there the whole result is read at once. `database`: the one the
    queryset reads from, a replica when the export opted in (unionportal/db_router.py)."""
    if database.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        return database.cursor()
    return database.chunked_cursor()


def _fetched(cursor):
    while chunk := cursor.fetchmany(CHUNK_SIZE):
        for (xml,) in chunk:
            yield xml


def export_response(queryset, *, unmasked: bool) -> FileResponse:
    """Stream the export from a temporary file, unlinked once open (gone when closed)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "members.xlsx")
        write_members_xlsx(queryset, path, unmasked=unmasked)
        handle = open(path, "rb")  # noqa: SIM115 - closed by FileResponse
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"members-{stamp}.xlsx")


# --- exports too large for the request: written by a Celery task ----------------------

# Above this many rows the export is written in the background with its progress shown: about
# a second's work on our 2 cores (~20,000 rows a second), and a request must stay short.
SYNC_EXPORT_LIMIT = 20_000


def fits_in_request(queryset) -> bool:
    """Whether the export is small enough to write now; counts at most SYNC_EXPORT_LIMIT + 1 rows."""
    return queryset.order_by()[: SYNC_EXPORT_LIMIT + 1].count() <= SYNC_EXPORT_LIMIT


def build_member_export(*, export_id: int) -> MemberExport:
    """Write the export's file (idempotent: a re-run rewrites it). The scope and the right to
    an unmasked file are checked again for the requester as they are now. The file is written
    where the storage keeps it (no copy), and the rows written so far are recorded every
    10,000 rows for the status page."""
    export = MemberExport.objects.select_related("requested_by").get(pk=export_id)
    if export.status in (MemberExport.Status.DONE, MemberExport.Status.EXPIRED):
        return export
    user = export.requested_by
    unmasked = export.unmasked and user.has_capability("members.reveal")
    member_filter = MemberFilter(QueryDict(export.query), actor=user)
    export.rows_total = member_filter.count()  # the kept figures where they answer the filters
    MemberExport.objects.filter(pk=export.pk).update(
        status=MemberExport.Status.RUNNING, rows=0, rows_total=export.rows_total)

    def progress(rows: int) -> None:
        MemberExport.objects.filter(pk=export.pk).update(rows=rows)

    # The scope again, as its ids read first (the same rows): joined only, the planner read a
    # county's 115,000 members out of a province's 6.2 million by a whole-table scan (2.1 s of
    # SQL); with the ids it reads each union's members from their index (0.7 s; issue 21).
    queryset = scope_queryset(member_filter.qs, user, ids_first=True)
    try:
        rows = _write_export_file(export, queryset, unmasked=unmasked, progress=progress)
    except Exception as exc:
        export.status, export.error = MemberExport.Status.FAILED, str(exc)[:500]
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        raise
    export.status, export.rows, export.finished_at = MemberExport.Status.DONE, rows, timezone.now()
    export.save(update_fields=["status", "rows", "rows_total", "file", "finished_at"])
    return export


def _write_export_file(export: MemberExport, queryset, *, unmasked: bool, progress) -> int:
    name = export.file.field.generate_filename(export, f"members-{export.pk}.xlsx")
    storage = export.file.storage
    try:
        path = storage.path(name)
    except NotImplementedError:  # a storage without local files: write, then upload
        path = None
    if path is not None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        rows = write_members_xlsx(queryset, path, unmasked=unmasked, progress=progress)
        export.file.name = name
        return rows
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "members.xlsx")
        rows = write_members_xlsx(queryset, path, unmasked=unmasked, progress=progress)
        with open(path, "rb") as handle:
            export.file.save(f"members-{export.pk}.xlsx", File(handle), save=False)
    return rows


def purge_member_exports(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of background exports older than EXPORT_FILE_KEEP_DAYS (they hold
    personal data) and mark the exports expired; the record of who exported what stays.
    Returns how many files were deleted."""
    now = now or timezone.now()
    old = MemberExport.objects.filter(
        created_at__lt=now - datetime.timedelta(days=settings.EXPORT_FILE_KEEP_DAYS)
    ).exclude(
        status__in=[MemberExport.Status.PENDING, MemberExport.Status.RUNNING, MemberExport.Status.EXPIRED]
    )
    purged = 0
    for export in old.iterator(chunk_size=500):
        if export.file:
            export.file.storage.delete(export.file.name)
            purged += 1
        export.file = ""
        export.status = MemberExport.Status.EXPIRED
        export.save(update_fields=["file", "status"])
    return purged
