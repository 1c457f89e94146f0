"""The commit of a validated job, run by the commit task in a worker (or in-process by the
command line through services.commit_import).

ONE transaction writes every row or none, so a worker lost in the middle leaves nothing
and the next try (attempts.py) commits once. The progress bar and the heartbeat cannot
be written inside that transaction (nobody would see them before it ends): they go
through a second connection (staging.DatabaseWorker), which is also why the commit does
not lock the job's row until its last statement. Two tries of one job never commit side
by side: a transaction-scoped advisory lock makes the second wait, and whichever comes
second finds the job committed or its try superseded.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, OperationalError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.permissions import require_capability
from apps.organizations.scope import ensure_visible

from . import attempts
from .importer import StaleImport, get_importer
from .models import ImportJob
from .staging import DatabaseWorker

logger = logging.getLogger(__name__)
Status = ImportJob.Status

# pg_advisory_xact_lock(space, job): the space keeps these locks apart from any other use.
COMMIT_LOCK_SPACE = 0x494D5054  # "IMPT"


class ImportRefused(Exception):
    """The action cannot be done on this job; the message says why."""


def check_upload_access(*, actor, organization, capability: str) -> None:
    """Uploads go into an organization in the actor's scope, by an actor holding the right.

    actor None is the operator's command line. Out of scope answers 404, as the views do.
    """
    if actor is None:
        return
    require_capability(actor, capability)
    ensure_visible(actor, organization)


def run_commit(*, job_id: int, actor, attempt: int | None = None) -> ImportJob:
    """Commit a job whose commit was requested (status committing), as `actor`.

    Rules: one transaction, all rows or none; a committed job is left alone; the actor's
    right and scope are checked again here, in the worker; a refused or failed commit
    fails the job with its reason and removes its staged rows (ImportRefused is raised).
    `attempt` is the try the message was sent for (None: whatever try is current).
    """
    token = attempts.claim(job_id=job_id, claimable=(Status.COMMITTING,), running=Status.COMMITTING, attempt=attempt)
    job = ImportJob.objects.select_related("organization").get(pk=job_id)
    if token is None:
        return job
    try:
        return _commit(job, token, actor)
    except attempts.Superseded:
        logger.info("commit of import job %s: try %s was superseded", job_id, token)
        job.refresh_from_db()
        return job
    except (PermissionDenied, Http404):
        reason = _("Nothing was written: %(user)s may no longer commit uploads into %(organization)s.") % {
            "user": actor, "organization": job.organization.name}
        attempts.fail(job_id=job_id, token=token, reason=reason)
        raise
    except OperationalError:
        raise  # the connection was lost: the transaction is gone, the task retries
    except (DatabaseError, StaleImport) as exc:
        logger.exception("commit of import job %s failed", job_id)
        reason = _("Nothing was written: the roll changed while the upload waited, or the database refused a "
                   "row. Press “Check again” to check the file against the roll as it is now.")
        attempts.fail(job_id=job_id, token=token, reason=reason)
        raise ImportRefused(reason) from exc


def _commit(job: ImportJob, token: int, actor) -> ImportJob:
    importer = get_importer(job)
    # The worker is entered first, outside the transaction: the heartbeat gets its own connection.
    with DatabaseWorker() as heartbeat, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [COMMIT_LOCK_SPACE, job.pk % 2**31])
        locked = ImportJob.objects.select_related("organization").get(pk=job.pk)
        if locked.status != Status.COMMITTING or locked.attempts != token:
            raise attempts.Superseded(f"import job {job.pk} is {locked.status}, try {locked.attempts}")
        check_upload_access(actor=actor, organization=locked.organization, capability=importer.capability)
        importer.job = locked
        importer.progress = _Progress(job.pk, token, heartbeat)
        result = importer.commit(actor=actor)
        # The job's row is locked from here to the end: the last statement.
        attempts.beat(
            job_id=job.pk, token=token, running=Status.COMMITTING, status=Status.COMMITTED,
            committed_at=timezone.now(), committed_by=actor, rows_written=locked.rows_to_write,
            summary={**locked.summary, "result": result},
        )
    job.refresh_from_db()
    return job


class _Progress:
    """Rows written so far and a heartbeat, on the second connection, waited for: a try the
    sweeper has given up on stops here (Superseded) and its transaction rolls back."""

    def __init__(self, job_id: int, token: int, heartbeat: DatabaseWorker):
        self.job_id, self.token, self.heartbeat = job_id, token, heartbeat

    def __call__(self, rows: int) -> None:
        self.heartbeat.run(
            attempts.beat, job_id=self.job_id, token=self.token, running=Status.COMMITTING, rows_written=rows
        ).result()
