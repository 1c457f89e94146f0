"""Uploaded spreadsheets and their checked rows: the shared upload pipeline's records.

The tables were created by the `core` app (core_importjob, core_importrow) and keep their
rows: migration imports 0001 takes the models over in Django's state only, 0002 renames
the tables.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registry import upload_kind, validate_kind


def import_file_path(instance, filename: str) -> str:
    # A random name: the original (often a person's or union's name) stays in the row only.
    suffix = Path(filename).suffix.lower()[:8]
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportJob(models.Model):
    """One uploaded spreadsheet and what became of it (roster upload, employer ledger upload).

    Kept after the outcome — who uploaded what file (hash, size), when, what validation
    found and who committed it — so a roll can always be traced back to its uploads.
    Rows found in the file live in ImportRow, not in a JSON column here: a roster can
    have 100,000 rows and the preview pages through them by outcome.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        VALIDATING = "validating", _("validating")
        VALIDATED = "validated", _("ready to commit")
        REFUSED = "refused", _("refused")
        COMMITTING = "committing", _("committing")
        COMMITTED = "committed", _("committed")
        FAILED = "failed", _("failed")

    # An upload kind of the registry (registry.py), e.g. "roster"; each app registers its own.
    kind = models.CharField(_("kind"), max_length=16, validators=[validate_kind])
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    # Empty for `manage.py import_roster` (the command line, run by the operator).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    file = models.FileField(_("file"), upload_to=import_file_path)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UPLOADED)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    # Counts per outcome ({"new": 3, "error": 1, ...}), unknown columns, and the reason a
    # whole file was refused or a commit failed; small by construction.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("committed by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    # The background steps (validation, commit) survive a lost worker (attempts.py): the
    # step in progress stamps `heartbeat_at` with every chunk (when queued: the time it is
    # due), and the sweeper sends a job whose heartbeat went quiet again, up to
    # IMPORT_MAX_ATTEMPTS tries, then fails it with a reason. `attempts` counts the tries
    # of the current step; `started_attempt` is the try that last began running, so a
    # redelivered message counts as a try of its own and a stale one is dropped.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    started_attempt = models.PositiveSmallIntegerField(default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)  # commit progress
    # Who pressed "commit": the commit runs in a worker with that user's right and scope.
    commit_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("commit requested by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "kind", "-created_at"], name="core_import_org_kind_idx"),
            # The sweeper's question every minute: which running jobs went quiet? Only the
            # few running jobs are in it, not the years of finished ones.
            models.Index(
                fields=["heartbeat_at"], name="imports_job_running_beat_idx",
                condition=models.Q(status__in=["uploaded", "validating", "committing"]),
            ),
        ]

    def __str__(self):
        return f"{self.kind_label} {self.original_name}"

    @property
    def kind_label(self) -> str:
        return str(upload_kind(self.kind).label)

    @property
    def would_change(self) -> bool:
        """Whether committing would write anything: a new or an updated row, or a conflict
        (which becomes a transfer request). Every row unchanged: there is nothing to commit."""
        counts = self.summary.get("counts", {})
        changing = (ImportRow.Outcome.NEW, ImportRow.Outcome.UPDATED, ImportRow.Outcome.CONFLICT)
        return any(counts.get(outcome) for outcome in changing)

    @property
    def status_label(self) -> str:
        """The status as lists show it: a validated job with nothing to write is not "ready
        to commit" (it offers no commit), it is "nothing to change"."""
        if self.status == self.Status.VALIDATED and not self.would_change:
            return str(_("nothing to change"))
        return self.get_status_display()

    @property
    def nothing_to_commit(self) -> str:
        return str(upload_kind(self.kind).nothing_to_commit)

    @property
    def is_finished_validating(self) -> bool:
        return self.status not in (self.Status.UPLOADED, self.Status.VALIDATING)

    @property
    def is_running(self) -> bool:
        """A background step is queued or under way (the page polls its progress)."""
        return self.status in RUNNING

    @property
    def rows_to_write(self) -> int:
        """Rows the commit writes: new, updated and transfer conflicts (unchanged ones are skipped)."""
        counts = self.summary.get("counts", {})
        return sum(counts.get(outcome, 0) for outcome in ("new", "updated", "conflict"))

    @property
    def max_attempts(self) -> int:
        return settings.IMPORT_MAX_ATTEMPTS


# Statuses in which a background step is queued or running (the sweeper watches these).
RUNNING = (ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING)


class ImportRow(models.Model):
    """One data row of an ImportJob after validation: its outcome and its cleaned values.

    Written with COPY in chunks while validating; the commit reads them set-based, the
    preview pages through them by outcome. `row_number` is the row as the clerk sees it
    in Excel (the header is row 1).
    """

    class Outcome(models.TextChoices):
        NEW = "new", _("new")
        UPDATED = "updated", _("updated")
        UNCHANGED = "unchanged", _("unchanged")
        CONFLICT = "conflict", _("transfer conflict")
        ERROR = "error", _("error")

    # No index of its own: imports_importrow_outcome_idx leads with the job (one index fewer
    # to fill while 100,000 rows are staged).
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows", db_index=False)
    row_number = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    data = models.JSONField(_("values"), default=dict)
    # [[column header, message], ...] for error rows; what changed for updated rows.
    messages = models.JSONField(_("messages"), default=list)
    target_id = models.BigIntegerField(null=True, blank=True)  # the existing record matched, if any

    class Meta:
        verbose_name = _("uploaded row")
        verbose_name_plural = _("uploaded rows")
        # The preview lists one outcome of one job in file order.
        indexes = [models.Index(fields=["job", "outcome", "row_number"], name="core_importrow_outcome_idx")]
