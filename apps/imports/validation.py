"""Validation of an upload into staged rows (run by the validate_import task).

Validation reads the file once, cleans each row through the kind's columns (core
validators), marks duplicates inside the file, classifies clean rows against the
database one chunk (one query) at a time, and stages every row with COPY (the queries
and COPYs on a second connection while the next chunk is cleaned, staging.py); progress
is saved after each chunk for the progress bar. A job with any error row is refused:
nothing from it can be written.
"""

import logging

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.spreadsheets.bulk import copy_from, copy_text
from apps.core.spreadsheets.columns import map_headers
from apps.core.spreadsheets.reader import SpreadsheetError, read_spreadsheet

from . import attempts
from .importer import StagedRow, get_importer
from .models import ImportJob, ImportRow
from .staging import DatabaseWorker

logger = logging.getLogger(__name__)
Outcome = ImportRow.Outcome
Status = ImportJob.Status


def run_validation(*, job_id: int, attempt: int | None = None) -> ImportJob:
    """Validate a job's file into staged rows; idempotent: a finished job is left alone, an
    interrupted one starts over, a message of a try given up on does nothing (attempts.py).
    `attempt` is the try the message was sent for; None runs whatever try is current
    (the command line, tests)."""
    token = attempts.claim(
        job_id=job_id, claimable=(Status.UPLOADED, Status.VALIDATING), running=Status.VALIDATING, attempt=attempt
    )
    job = ImportJob.objects.select_related("organization").get(pk=job_id)
    if token is None:
        return job
    try:
        return _validate(job, token)
    except attempts.Superseded:
        logger.info("validation of import job %s: try %s was superseded", job_id, token)
        job.refresh_from_db()
        return job
    except OperationalError:
        raise  # the task retries with backoff; the job stays "validating" and restarts
    except Exception:
        logger.exception("validation of import job %s failed", job_id)
        attempts.fail(job_id=job_id, token=token, reason=_(
            "The file could not be checked because of an internal error; it has been logged. Try again later."))
        raise


def _validate(job: ImportJob, token: int) -> ImportJob:
    ImportRow.objects.filter(job=job).delete()  # what an interrupted try staged
    importer = get_importer(job)
    try:
        with job.file.open("rb") as handle:
            sheet = read_spreadsheet(handle)
        headers = map_headers(sheet.rows, importer.columns)
    except SpreadsheetError as exc:
        return _finish(job, token, Status.REFUSED, {"error": str(exc)})
    job.rows_total = max(sheet.row_count - headers.header_row, 0)
    attempts.beat(job_id=job.pk, token=token, running=Status.VALIDATING, rows_total=job.rows_total, rows_checked=0)
    counts = dict.fromkeys(Outcome.values, 0)
    seen: dict = {}
    chunk: list[StagedRow] = []
    with DatabaseWorker() as database:
        # Each chunk's lookup query starts as soon as it is cleaned; the chunk is classified
        # and handed over for COPY after the NEXT chunk is cleaned, by which time the
        # lookup has long returned (staging.py).
        staging = _ChunkStaging(job, token, importer, database, counts)
        for row_number, cells in sheet.rows:
            row = StagedRow(row_number)
            importer.clean_row(row, headers.values(cells), headers)
            _mark_duplicate(importer, row, seen, headers)
            chunk.append(row)
            if len(chunk) >= importer.chunk_size:
                staging.add(chunk, checked=row_number - headers.header_row)
                chunk = []
        if chunk:
            staging.add(chunk, checked=job.rows_total)
        staging.finish()
    summary = {"counts": counts, "header_row": headers.header_row, "file_type": sheet.file_type,
               "unknown_columns": headers.unknown, "columns": headers.headers}
    if not sum(counts.values()):
        summary["error"] = _("The file has a header row but no data rows.")
        return _finish(job, token, Status.REFUSED, summary)
    return _finish(job, token, Status.REFUSED if counts[Outcome.ERROR] else Status.VALIDATED, summary)


def _mark_duplicate(importer, row: StagedRow, seen: dict, headers) -> None:
    if row.is_error:
        return
    key = importer.row_key(row)
    if key is None:
        return
    first = seen.setdefault(key, row.row_number)
    if first != row.row_number:
        header = headers.headers.get(importer.key_fields[0], importer.key_fields[0])
        row.error(header, importer.duplicate_message(first))


class _ChunkStaging:
    """Chunks of checked rows on their way into imports_importrow, in file order: looked up
    (database), classified (Python), stored with COPY and counted for the progress bar
    (database). At most two chunks wait at any time."""

    COLUMNS = ("job_id", "row_number", "outcome", "data", "messages", "target_id")

    def __init__(self, job, token: int, importer, database, counts: dict):
        self.job, self.token, self.importer, self.database, self.counts = job, token, importer, database, counts
        self._waiting = None  # (chunk, clean rows, lookup future, rows checked)
        self._stored = None  # the COPY of the chunk before

    def add(self, chunk: list[StagedRow], *, checked: int) -> None:
        clean = [r for r in chunk if not r.is_error]
        lookup = self.database.run(self.importer.lookup, clean) if clean else None
        self._store_waiting()
        self._waiting = (chunk, clean, lookup, checked)

    def finish(self) -> None:
        self._store_waiting()
        self._wait_stored()

    def _store_waiting(self) -> None:
        if self._waiting is None:
            return
        chunk, clean, lookup, checked = self._waiting
        self._waiting = None
        if clean:
            self.importer.classify(clean, lookup.result())
        text, _count = copy_text(
            (self.job.pk, r.row_number, r.outcome, _json(r.data), _json(r.messages) if r.messages else "[]",
             r.target_id)
            for r in chunk
        )
        for r in chunk:
            self.counts[r.outcome] += 1
        self._wait_stored()
        self._stored = self.database.run(self._store, text, checked)

    def _wait_stored(self) -> None:
        stored, self._stored = self._stored, None
        if stored is not None:
            stored.result()  # a failed COPY is raised here, in the validating thread

    def _store(self, text: str, checked: int) -> None:
        # The heartbeat first: it locks the job row, so a newer try's claim waits for this
        # chunk and then deletes it, and a superseded run's chunk is rolled back unwritten.
        with transaction.atomic():
            attempts.beat(job_id=self.job.pk, token=self.token, running=Status.VALIDATING, rows_checked=checked)
            copy_from(ImportRow._meta.db_table, self.COLUMNS, text)


_django_default = DjangoJSONEncoder().default


def _json(value) -> str:
    # orjson: 100,000 staged rows a few times faster than json's encoder, which rebuilds
    # its C encoder on every call. Dates come out as ISO dates, as DjangoJSONEncoder writes
    # them; anything else it cannot encode (lazy text, Decimal) goes through Django's.
    return orjson.dumps(value, default=_django_default).decode()


def _finish(job: ImportJob, token: int, status: str, summary: dict) -> ImportJob:
    job.status = status
    job.summary = summary
    job.rows_checked = job.rows_total
    job.validated_at = timezone.now()
    attempts.beat(
        job_id=job.pk, token=token, running=Status.VALIDATING, status=status, summary=summary,
        rows_checked=job.rows_total, rows_total=job.rows_total, validated_at=job.validated_at,
    )
    return job
