"""Generated reports: what was asked (kind, scope, period), by whom or by the schedule, how
the generation went, and its files while they are kept.

The record stays after its files are deleted (REPORTS_KEEP_DAYS): who asked for which
figures when is part of the federation's paper trail; the files can be generated again.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from .kinds import kind_label, validate_kind
from .periods import month_end
from apps.core.storage import private_storage


def report_file_path(instance, filename: str) -> str:
    return f"reports/{timezone.now():%Y/%m}/{filename}"


class Report(models.Model):
    """One report of one kind for one organization's subtree and one period."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being generated")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    class Failure(models.TextChoices):
        """Why a generation failed, stored as a code and shown in the reader's language."""

        WORKER_LOST = "worker_lost", _("worker lost")
        ERROR = "error", _("error")

    # A kind of the registry (kinds.py): monthly_statistics, annual_work, hardship_ledger, ...
    kind = models.CharField(_("kind"), max_length=32, validators=[validate_kind])
    # The scope: the report counts this organization and everything under it.
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
        related_name="reports",
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    # Empty for the schedule (beat) and the command line.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    scheduled = models.BooleanField(_("scheduled"), default=False)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    failure = models.CharField(_("failure"), max_length=16, choices=Failure.choices, blank=True)
    # The exception's text for the administrator (English, from the code); users read `failure`.
    failure_detail = models.CharField(_("failure detail"), max_length=500, blank=True)
    # Tries of the generation (attempts.py): the run stamps `heartbeat_at` as it goes (when
    # queued: the time it is due); the sweeper sends a quiet one again, up to
    # REPORTS_MAX_ATTEMPTS tries, then fails it with a reason.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    started_attempt = models.PositiveSmallIntegerField(default=0)
    xlsx_file = models.FileField(_("spreadsheet"), storage=private_storage, upload_to=report_file_path,
                                 max_length=200, blank=True)
    pdf_file = models.FileField(_("PDF"), storage=private_storage, upload_to=report_file_path,
                                max_length=200, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("files deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Asking again for a report being generated gets that one (services.request_report).
            models.UniqueConstraint(
                fields=["kind", "organization", "period_start", "period_end"],
                condition=Q(status__in=["queued", "running"]),
                name="report_one_in_progress",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_period_order"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_percent"),
        ]
        indexes = [
            # The download centre: a scope's reports, newest first.
            models.Index(fields=["organization", "-created_at"], name="report_org_created_idx"),
            # The sweeper's question every minute: only the few unfinished reports are in it.
            models.Index(fields=["heartbeat_at"], name="report_running_beat_idx",
                         condition=Q(status__in=["queued", "running"])),
            # The retention purge: finished files still kept.
            models.Index(fields=["expires_at"], name="report_expiry_idx", condition=Q(deleted_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.kind_label} {self.organization} {self.period_label}"

    @property
    def kind_label(self) -> str:
        return str(kind_label(self.kind))

    @property
    def period_label(self) -> str:
        return period_label(self.period_start, self.period_end)

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def is_expired(self) -> bool:
        return self.deleted_at is not None

    @property
    def status_label(self) -> str:
        if self.status == self.Status.DONE and self.is_expired:
            return gettext("expired")
        return self.get_status_display()

    @property
    def failure_reason(self) -> str:
        """Why it failed, in the reader's language (gettext at display time, not at failure)."""
        if self.failure == self.Failure.WORKER_LOST:
            return gettext("The generation was interrupted %(count)d times (the background worker was lost) and "
                           "has stopped. Ask for the report again; if it stops again, tell the city federation's "
                           "administrator.") % {"count": self.attempts}
        if self.failure == self.Failure.ERROR:
            return gettext("The generation failed %(count)d times with an error and has stopped. Ask for the "
                           "report again later; if it fails again, tell the city federation's administrator.") % {
                "count": self.attempts}
        return ""

    @property
    def max_attempts(self) -> int:
        return settings.REPORTS_MAX_ATTEMPTS


# Statuses in which a generation is queued or under way (the sweeper watches these).
RUNNING = (Report.Status.QUEUED, Report.Status.RUNNING)


def period_label(start: datetime.date, end: datetime.date) -> str:
    """2026-11 for a whole month, 2026 for a whole year, else 2026-01-01 – 2026-03-31."""
    if start.day == 1 and end == month_end(start):
        return f"{start:%Y-%m}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"{start:%Y}"
    return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


# The annual statistical return's models live in their own module (imported here so Django finds them).
from .return_models import ReturnCorrection, ReturnUnit, StatisticalReturn  # noqa: E402,F401
