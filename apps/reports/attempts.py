"""Tries of a report's generation: claimed, beating, sent again, given up — the upload jobs'
rule (apps/imports/attempts.py) for reports.

- Every send is a try: `attempts` counts them and the message carries its number. A run
  claims its try (claim()); a message of an older try is dropped, and a message whose try
  already began once (redelivered after a lost worker) counts as a new try, so a report that
  kills every worker it meets is bounded too.
- The run stamps `heartbeat_at` with its progress (beat()), each write conditional on its try
  still being the report's: a run the sweeper gave up on stops at its next step (Superseded).
- A run that raises is sent again after REPORTS_RETRY_BACKOFF_SECONDS doubled per try
  (retry_after_error()); the sweeper (beat, every minute) does the same for a report whose
  heartbeat is older than REPORTS_HEARTBEAT_TIMEOUT_SECONDS. After REPORTS_MAX_ATTEMPTS tries
  the report is failed with its reason (Report.failure, shown in the reader's language).

Generating writes nothing but the report's own row and files, so a try done again from the
start is safe (the task is acks_late).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RUNNING, Report

logger = logging.getLogger(__name__)
Status = Report.Status


class Superseded(Exception):
    """This run's try is no longer the report's (the sweeper sent a newer one, or it ended)."""


def max_attempts() -> int:
    return settings.REPORTS_MAX_ATTEMPTS


def backoff(attempt: int) -> int:
    """Seconds before try `attempt` (2, 3, …) is sent: the base, doubled per try."""
    return settings.REPORTS_RETRY_BACKOFF_SECONDS * 2 ** max(attempt - 2, 0)


def claim(*, report_id: int, attempt: int | None) -> int | None:
    """Start a try: the report moves to running with a fresh heartbeat. Returns the try's
    number (the run's token for beat()), or None when the message has nothing to do (the
    report ended, or the message is of an older try). `attempt` None: in-process (command)."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id, status__in=RUNNING).first()
        if report is None or (attempt is not None and attempt != report.attempts):
            return None
        if report.started_attempt >= report.attempts:
            # This try began once already: its worker was lost and the message came back.
            if report.attempts >= max_attempts():
                _fail_locked(report, Report.Failure.WORKER_LOST, "redelivered after the last try")
                return None
            report.attempts += 1
        report.started_attempt = report.attempts
        report.status = Status.RUNNING
        report.started_at = report.started_at or timezone.now()
        report.heartbeat_at = timezone.now()
        report.save(update_fields=["started_attempt", "attempts", "status", "started_at", "heartbeat_at"])
        return report.attempts


def beat(*, report_id: int, token: int, **fields) -> None:
    """A sign of life with progress (`fields`), written only while the report is running this
    run's try; otherwise Superseded."""
    updated = Report.objects.filter(pk=report_id, status=Status.RUNNING, attempts=token).update(
        heartbeat_at=timezone.now(), **fields
    )
    if not updated:
        raise Superseded(f"report {report_id}: try {token} is no longer current")


def _fail_locked(report: Report, failure: str, detail: str) -> None:
    report.status = Status.FAILED
    report.failure = failure
    report.failure_detail = detail[:500]
    report.finished_at = timezone.now()
    report.save(update_fields=["status", "failure", "failure_detail", "finished_at"])


@dataclass(frozen=True)
class Resend:
    """A try to send: the generation task with these kwargs, after `countdown` seconds."""

    report_id: int
    attempt: int
    countdown: int

    @property
    def kwargs(self) -> dict:
        return {"report_id": self.report_id, "attempt": self.attempt}


def _next_try_locked(report: Report, now: datetime.datetime) -> Resend:
    report.attempts += 1
    countdown = backoff(report.attempts)
    report.status = Status.QUEUED
    report.progress = 0
    # Due then: not quiet before the heartbeat timeout has passed after it.
    report.heartbeat_at = now + datetime.timedelta(seconds=countdown)
    report.save(update_fields=["attempts", "status", "progress", "heartbeat_at"])
    return Resend(report.pk, report.attempts, countdown)


def retry_after_error(*, report_id: int, token: int, error: Exception) -> Resend | None:
    """The run raised: send the report again (returned, for the caller to send after commit)
    or, after the last try, fail it. Nothing when the try is no longer current."""
    with transaction.atomic():
        report = (Report.objects.select_for_update()
                  .filter(pk=report_id, status=Status.RUNNING, attempts=token).first())
        if report is None:
            return None
        detail = f"{type(error).__name__}: {error}"
        if report.attempts >= max_attempts():
            logger.error("report %s: failed on try %s: %s", report.pk, report.attempts, detail)
            _fail_locked(report, Report.Failure.ERROR, detail)
            return None
        logger.warning("report %s: try %s failed (%s); sent again", report.pk, report.attempts, detail)
        report.failure_detail = detail[:500]
        report.save(update_fields=["failure_detail"])
        return _next_try_locked(report, timezone.now())


def sweep_stalled_reports(*, now: datetime.datetime | None = None) -> tuple[list[Resend], int]:
    """Reports whose generation went quiet: each is sent again (returned) or, after
    REPORTS_MAX_ATTEMPTS tries, failed with a reason. Returns (resends, failed count).

    Rule: a report is never left queued or running without a sign of life for longer than the
    heartbeat timeout plus the backoff; at most REPORTS_MAX_ATTEMPTS tries are made."""
    now = now or timezone.now()
    quiet_since = now - datetime.timedelta(seconds=settings.REPORTS_HEARTBEAT_TIMEOUT_SECONDS)
    stalled = Report.objects.filter(status__in=RUNNING, heartbeat_at__lt=quiet_since)
    resends, failed = [], 0
    for report_id in stalled.values_list("pk", flat=True).iterator(chunk_size=200):
        with transaction.atomic():
            report = (Report.objects.select_for_update(skip_locked=True)
                      .filter(pk=report_id, status__in=RUNNING, heartbeat_at__lt=quiet_since).first())
            if report is None:
                continue
            if report.attempts >= max_attempts():
                logger.warning("report %s: went quiet %s times; failed", report.pk, report.attempts)
                _fail_locked(report, Report.Failure.WORKER_LOST, "no sign of life after the last try")
                failed += 1
                continue
            logger.warning("report %s: went quiet on try %s; sent again", report.pk, report.attempts)
            resends.append(_next_try_locked(report, now))
    return resends, failed
