"""What each upload kind supplies to the shared pipeline (kinds register in registry.py).

An Importer names its columns, cleans one row (field by field through the column's
validator, then cross-field rules), says which fields identify a row for duplicate
detection, looks a chunk of clean rows up in the database in one query and classifies
them from what it found, and commits a validated job's staged rows. The pipeline (services.py) does the rest.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core.spreadsheets.columns import Column, HeaderMap
from apps.core.validators import clean_text

from .models import ImportJob, ImportRow
from .registry import upload_kind


def importer_class(kind: str) -> type["BaseImporter"]:
    return upload_kind(kind).importer


def get_importer(job: ImportJob) -> "BaseImporter":
    return importer_class(job.kind)(job=job)


class StaleImport(Exception):
    """The roll changed between validation and commit; nothing is written, upload again."""


@dataclass
class StagedRow:
    row_number: int
    data: dict[str, Any] = field(default_factory=dict)
    outcome: str | None = None  # ImportRow.Outcome; None until classified
    messages: list = field(default_factory=list)  # [[column header, message], ...]
    target_id: int | None = None

    def error(self, header: str, message) -> None:
        self.outcome = ImportRow.Outcome.ERROR
        self.messages.append([header, str(message)])

    @property
    def is_error(self) -> bool:
        return self.outcome == ImportRow.Outcome.ERROR


class BaseImporter:
    columns: tuple[Column, ...] = ()
    key_fields: tuple[str, ...] = ()  # a second row with the same key is a duplicate
    capability: str = ""  # needed to upload and to commit
    chunk_size = 2000

    def __init__(self, *, job: ImportJob):
        self.job = job
        self.organization = job.organization
        # Set by the pipeline while committing: told the rows written so far (progress bar
        # and heartbeat, written on another connection: the commit is one transaction).
        self.progress: Callable[[int], None] | None = None

    # --- validation -----------------------------------------------------------------

    def clean_row(self, row: StagedRow, values: dict[str, Any], headers: HeaderMap) -> None:
        """Clean every mapped field into row.data; record each failure on the row."""
        columns = {c.field: c for c in self.columns}
        for name, raw in values.items():
            column = columns[name]
            try:
                row.data[name] = self.clean_value(column, raw)
            except ValidationError as exc:
                for message in exc.messages:
                    row.error(headers.headers[name], message)
        if not row.is_error:
            self.check_row(row, headers)

    def clean_value(self, column: Column, raw):
        if raw is None or (isinstance(raw, str) and not clean_text(raw)):
            if column.required:
                raise ValidationError(_("%(column)s is required.") % {"column": column.header}, code="required")
            return None if column.clean else ""
        return column.clean(raw) if column.clean else clean_text(raw)

    def check_row(self, row: StagedRow, headers: HeaderMap) -> None:
        """Rules across fields of one clean row; call row.error(header, message)."""

    def row_key(self, row: StagedRow):
        return tuple(row.data.get(f) for f in self.key_fields) if self.key_fields else None

    def duplicate_message(self, first_row: int) -> str:
        return _("The same entry is already on row %(row)d of this file.") % {"row": first_row}

    def lookup(self, rows: list[StagedRow]):
        """What the database holds for a chunk of clean rows, in ONE query; handed to
        classify(). It may run on another thread and connection (staging.py): read only
        the rows given and self.job/self.organization, change nothing."""
        raise NotImplementedError

    def classify(self, rows: list[StagedRow], found) -> None:
        """Set outcome (new/updated/unchanged/conflict) and target_id of clean rows from
        what lookup() found."""
        raise NotImplementedError

    # --- commit -----------------------------------------------------------------------

    def commit(self, *, actor) -> dict[str, int]:
        """Write the job's staged rows; runs inside the caller's transaction. Returns counts.
        A long commit calls report_written() between its batches."""
        raise NotImplementedError

    def staged_batches(self, outcome: str, *, size: int = 2000):
        """The job's staged rows of one outcome, in row order, as lists of at most `size`
        (target_id, data, messages loaded): what a commit writes, batch by batch."""
        rows = ImportRow.objects.filter(job=self.job, outcome=outcome).order_by("row_number")
        batch = []
        for row in rows.only("target_id", "data", "messages").iterator(chunk_size=size):
            batch.append(row)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def report_written(self, rows: int) -> None:
        """`rows` of the job's rows to write are written so far (the commit is alive)."""
        if self.progress is not None:
            self.progress(rows)

    def describe(self, data: dict) -> dict:
        """What the preview shows of a staged row (mask what must be masked)."""
        return data
