"""Tries of an upload's background step (validation, commit): claimed, beating, re-sent, given up.

A worker can die in the middle of a step (SIGKILL, out of memory, a host lost): its
message goes back to the queue only after the broker's visibility timeout, or, with only
the pool child lost, at once (`reject_on_worker_lost`). Either way the job must not stay
"validating 4000 / 50000" for good, and two runs must never write the same rows twice:

- Every send of a step is a try: `attempts` counts them and the message carries its
  number. A run claims its try (claim()); a message of an older try is dropped, and a
  message whose try already began once (a redelivery after a lost worker) counts as a
  new try, so a file that kills every worker it meets is bounded too.
- The run stamps `heartbeat_at` with each chunk (beat()), each write conditional on its
  try still being the job's: a run the sweeper has given up on stops at its next chunk
  and its half-written chunk is rolled back (Superseded).
- The sweeper (Celery beat, every minute) finds running jobs whose heartbeat is older
  than IMPORT_HEARTBEAT_TIMEOUT_SECONDS and sends them again, waiting
  IMPORT_RETRY_BACKOFF_SECONDS doubled per try; after IMPORT_MAX_ATTEMPTS tries it fails
  the job with a reason the clerk reads on its page (fail()). A failed job keeps no
  staged rows; "check again" starts over from the stored file.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RUNNING, ImportJob, ImportRow

logger = logging.getLogger(__name__)
Status = ImportJob.Status

VALIDATE, COMMIT = "validate", "commit"
# The step a running status belongs to, and the statuses its run may claim from.
STEP_OF = {Status.UPLOADED: VALIDATE, Status.VALIDATING: VALIDATE, Status.COMMITTING: COMMIT}


class Superseded(Exception):
    """This run's try is no longer the job's: the sweeper sent a newer one, or the job
    finished or failed meanwhile. The run stops; what it wrote in its open chunk is rolled back."""


def max_attempts() -> int:
    return settings.IMPORT_MAX_ATTEMPTS


def claim(*, job_id: int, claimable: tuple[str, ...], running: str, attempt: int | None) -> int | None:
    """Start a try of a step: the job moves to `running` with a fresh heartbeat. Returns the
    try's number (the run's token for beat()), or None when this message has nothing to do:
    the job is not in `claimable` (finished, failed, another step) or the message is of an
    older try. `attempt` None: the command line and tests, which run the step in-process."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, status__in=claimable).first()
        if job is None or (attempt is not None and attempt != job.attempts):
            return None
        if job.started_attempt >= job.attempts:
            # This try began once already: its worker was lost and the message came back.
            if job.attempts >= max_attempts():
                _fail_locked(job, gave_up_reason(job))
                return None
            job.attempts += 1
        job.started_attempt = job.attempts
        job.status = running
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["started_attempt", "attempts", "status", "heartbeat_at"])
        return job.attempts


def beat(*, job_id: int, token: int, running: str, **fields) -> None:
    """A sign of life with progress (`fields`, which may set the final status), written only
    while the job is `running` this run's try; otherwise Superseded. Call it inside the
    transaction that writes the chunk, so a superseded run's chunk is never committed."""
    updated = ImportJob.objects.filter(pk=job_id, status=running, attempts=token).update(
        heartbeat_at=timezone.now(), **fields
    )
    if not updated:
        raise Superseded(f"import job {job_id}: try {token} is no longer current")


def fail(*, job_id: int, reason: str, token: int | None = None) -> bool:
    """Mark the job failed with `reason` (shown on its page) and remove its staged rows; with
    `token`, only while that try is still the job's. Returns whether it was marked."""
    with transaction.atomic():
        jobs = ImportJob.objects.select_for_update().filter(pk=job_id)
        if token is not None:
            jobs = jobs.filter(attempts=token, status__in=RUNNING)
        job = jobs.first()
        if job is None:
            return False
        _fail_locked(job, reason)
        return True


def _fail_locked(job: ImportJob, reason: str) -> None:
    ImportRow.objects.filter(job=job).delete()  # a failed job keeps no personal data staged
    job.status = Status.FAILED
    job.summary = {**job.summary, "error": reason}
    job.save(update_fields=["status", "summary"])


def gave_up_reason(job: ImportJob) -> str:
    if STEP_OF.get(job.status) == COMMIT:
        return _("The commit was interrupted %(count)d times and has stopped. Nothing was written: a commit "
                 "writes all rows or none. Press “Check again” to check the file again, then commit it.") % {
            "count": job.attempts}
    return _("The check of this file was interrupted %(count)d times and has stopped. Nothing was written. "
             "Press “Check again” to try once more; if it stops again, split the file or tell the city "
             "federation's administrator.") % {"count": job.attempts}


@dataclass(frozen=True)
class Resend:
    """A try the sweeper decided to send: the task of `step`, with these kwargs, after `countdown` s."""

    step: str
    job_id: int
    attempt: int
    countdown: int
    user_id: int | None = None

    @property
    def kwargs(self) -> dict:
        kwargs = {"job_id": self.job_id, "attempt": self.attempt}
        if self.step == COMMIT:
            kwargs["user_id"] = self.user_id
        return kwargs


def backoff(attempt: int) -> int:
    """Seconds before try `attempt` (2, 3, …) is sent: the base, doubled per try."""
    return settings.IMPORT_RETRY_BACKOFF_SECONDS * 2 ** max(attempt - 2, 0)


def sweep_stalled_jobs(*, now: datetime.datetime | None = None) -> tuple[list[Resend], int]:
    """Jobs whose step went quiet: each is sent again (returned, for the caller to send) or,
    after IMPORT_MAX_ATTEMPTS tries, failed with a reason. Returns (resends, failed count).

    Rule: a job is never left running without a sign of life for longer than the heartbeat
    timeout plus the backoff; at most IMPORT_MAX_ATTEMPTS tries of a step are made.
    """
    now = now or timezone.now()
    quiet_since = now - datetime.timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT_SECONDS)
    stalled = ImportJob.objects.filter(status__in=RUNNING, heartbeat_at__lt=quiet_since)
    resends, failed = [], 0
    for job_id in stalled.values_list("pk", flat=True).iterator(chunk_size=200):
        with transaction.atomic():
            # skip_locked: a job whose run is writing a chunk right now is alive.
            job = (ImportJob.objects.select_for_update(skip_locked=True)
                   .filter(pk=job_id, status__in=RUNNING, heartbeat_at__lt=quiet_since).first())
            if job is None:
                continue
            if job.attempts >= max_attempts():
                logger.warning("import job %s: %s stopped %s times; failed", job.pk, job.status, job.attempts)
                _fail_locked(job, gave_up_reason(job))
                failed += 1
                continue
            job.attempts += 1
            countdown = backoff(job.attempts)
            # Due then: not quiet before the heartbeat timeout has passed after it.
            job.heartbeat_at = now + datetime.timedelta(seconds=countdown)
            job.save(update_fields=["attempts", "heartbeat_at"])
            logger.warning("import job %s: %s went quiet; try %s in %ss", job.pk, job.status, job.attempts, countdown)
            resends.append(Resend(STEP_OF[job.status], job.pk, job.attempts, countdown, job.commit_requested_by_id))
    return resends, failed
