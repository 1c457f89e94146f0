"""The member list as .xlsx, in the roster template's columns (GLOSSARY.md headers, same
order), so that an unmasked export of one union re-imports with nothing changed.

Memory stays flat whatever the size: rows are read as tuples in chunks from a
server-side cursor and written by apps.core.spreadsheets.writer (XlsxWriter
constant_memory, formula starts neutralized) to a temporary file that is streamed back.
"""

import datetime
import os
import tempfile

from django.conf import settings
from django.core.files import File
from django.http import FileResponse, QueryDict
from django.utils import timezone

from apps.core.privacy import mask_id_number, mask_phone
from apps.core.spreadsheets.writer import SafeWorkbook

from .cleaning import INPUT_FIELDS, choice_word
from .filters import MemberFilter
from .models import Education, MemberExport, MemberStatus, PoliticalStatus, Sex, WorkerCategory
from .roster.columns import ROSTER_COLUMNS

CHUNK_SIZE = 2000

# (header, value source) in the roster template's order; two trailing columns that the
# upload ignores (it is always for one union) tell a clerk where each member belongs.
ROSTER_HEADERS = tuple(column.header for column in ROSTER_COLUMNS)
EXTRA_HEADERS = ("所属工会", "会籍状态")
# member_rows below unpacks the clerk's fields in this order; it must stay the roster's.
assert tuple(column.field for column in ROSTER_COLUMNS) == INPUT_FIELDS, (
    "roster columns changed: update the export"
)
_FIELDS = (*INPUT_FIELDS, "organization__name", "status")
_TEXT_COLUMNS = (1, 3)  # ID number and phone stay text, so Excel keeps every digit
_WIDTHS = (12, 22, 6, 14, 8, 14, 14, 30, 12, 18, 16, 30, 10)


def member_rows(queryset, *, unmasked: bool):
    """Export rows (lists of cell values) for a member queryset, read in chunks."""
    values = queryset.values_list(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for (
        name,
        id_number,
        sex,
        phone,
        ethnicity,
        political,
        education,
        employer,
        joined_on,
        category,
        card,
        org_name,
        status,
    ) in values:
        yield [
            name,
            id_number if unmasked else mask_id_number(id_number),
            choice_word(Sex, sex),
            phone if unmasked else mask_phone(phone),
            ethnicity,
            choice_word(PoliticalStatus, political),
            choice_word(Education, education),
            employer,
            joined_on,
            choice_word(WorkerCategory, category),
            card,
            org_name,
            choice_word(MemberStatus, status),
        ]


def write_members_xlsx(queryset, path: str, *, unmasked: bool) -> int:
    """Write the export to the file at `path`; returns the number of rows. A path, not a
    buffer: XlsxWriter drops constant_memory when it writes in memory."""
    count = 0
    with SafeWorkbook(path) as book:
        sheet = book.add_sheet("会员名册", text_columns=_TEXT_COLUMNS)
        for column, width in enumerate(_WIDTHS):
            if column not in _TEXT_COLUMNS:
                sheet.sheet.set_column(column, column, width)
        sheet.write_row(ROSTER_HEADERS + EXTRA_HEADERS, book.header_format)
        for row in member_rows(queryset, unmasked=unmasked):
            sheet.write_row(row)
            count += 1
    return count


def export_response(queryset, *, unmasked: bool) -> FileResponse:
    """Stream the export from a temporary file, unlinked once open (gone when closed)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "members.xlsx")
        write_members_xlsx(queryset, path, unmasked=unmasked)
        handle = open(path, "rb")  # noqa: SIM115 - closed by FileResponse
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"members-{stamp}.xlsx")


# --- exports too large for the request: written by a Celery task ----------------------

# Above this many rows the export is written in the background: XlsxWriter manages a few
# thousand rows a second on our 2 cores, and a request must not outlive gunicorn's timeout.
SYNC_EXPORT_LIMIT = 20_000


def fits_in_request(queryset) -> bool:
    """Whether the export is small enough to write now; counts at most SYNC_EXPORT_LIMIT + 1 rows."""
    return queryset.order_by()[: SYNC_EXPORT_LIMIT + 1].count() <= SYNC_EXPORT_LIMIT


def build_member_export(*, export_id: int) -> MemberExport:
    """Write the export's file (idempotent: a re-run rewrites it). The scope and the right to
    an unmasked file are checked again for the requester as they are now."""
    export = MemberExport.objects.select_related("requested_by").get(pk=export_id)
    if export.status in (MemberExport.Status.DONE, MemberExport.Status.EXPIRED):
        return export
    MemberExport.objects.filter(pk=export.pk).update(status=MemberExport.Status.RUNNING)
    user = export.requested_by
    unmasked = export.unmasked and user.has_capability("members.reveal")
    queryset = MemberFilter(QueryDict(export.query), actor=user).qs
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "members.xlsx")
            rows = write_members_xlsx(queryset, path, unmasked=unmasked)
            with open(path, "rb") as handle:
                export.file.save(f"members-{export.pk}.xlsx", File(handle), save=False)
    except Exception as exc:
        export.status, export.error = MemberExport.Status.FAILED, str(exc)[:500]
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        raise
    export.status, export.rows, export.finished_at = MemberExport.Status.DONE, rows, timezone.now()
    export.save(update_fields=["status", "rows", "file", "finished_at"])
    return export


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
