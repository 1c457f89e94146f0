"""The upload pipeline's actions: create a job (validation then runs in a Celery task),
ask for its commit (the commit then runs in a Celery task, in ONE transaction), commit
in-process (the command line), and check a failed job's file again.

Each action checks the actor's right and scope itself; the views 404 first, so the
guards here are the services' own (actor None is the operator's command line).
"""

import hashlib
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.spreadsheets.reader import limit, size_limit_message

from .committing import ImportRefused, check_upload_access, run_commit
from .importer import importer_class
from .models import ImportJob, ImportRow
from .retention import is_purged
from .tasks import commit_import_task, validate_import

logger = logging.getLogger(__name__)
Status = ImportJob.Status

__all__ = ["ImportRefused", "check_upload_access", "commit_import", "create_import_job", "recheck_import",
           "request_commit"]


def create_import_job(*, kind: str, organization, uploaded_by, uploaded_file, enqueue: bool = True) -> ImportJob:
    """Keep the uploaded file with who, when, its hash and size; validation runs after commit.

    Rule: a file over the size limit is refused before it is stored.
    """
    check_upload_access(actor=uploaded_by, organization=organization, capability=importer_class(kind).capability)
    if uploaded_file.size > limit("IMPORT_MAX_FILE_BYTES"):
        raise ImportRefused(size_limit_message())
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    with transaction.atomic():
        job = ImportJob(
            kind=kind, organization=organization, uploaded_by=uploaded_by,
            original_name=uploaded_file.name[:255], sha256=digest.hexdigest(), size=uploaded_file.size,
            attempts=1, heartbeat_at=timezone.now(),  # the first try, due now (attempts.py)
        )
        job.file.save(uploaded_file.name, uploaded_file, save=False)
        job.save()
        if enqueue:
            validate_import.delay(job_id=job.pk, attempt=1)  # sent once this transaction commits
    return job


def request_commit(*, job: ImportJob, actor, enqueue: bool = True) -> ImportJob:
    """Ask for a validated job's commit; the commit task writes it (see commit_import).

    Rules: only a validated job can be committed; a job whose every row is unchanged is
    refused, as it would write nothing; asking again for a job being committed or
    committed does nothing; right and scope are checked now and again in the worker.
    """
    importer = importer_class(job.kind)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().select_related("organization").get(pk=job.pk)
        if locked.status in (Status.COMMITTING, Status.COMMITTED):
            return locked
        if locked.status != Status.VALIDATED:
            raise ImportRefused(_("Only a validated upload without errors can be committed."))
        check_upload_access(actor=actor, organization=locked.organization, capability=importer.capability)
        if not locked.would_change:
            raise ImportRefused(locked.nothing_to_commit)
        locked.status = Status.COMMITTING
        locked.commit_requested_by = actor
        locked.attempts, locked.started_attempt, locked.rows_written = 1, 0, 0
        locked.heartbeat_at = timezone.now()
        locked.save(update_fields=["status", "commit_requested_by", "attempts", "started_attempt", "rows_written",
                                   "heartbeat_at"])
        if enqueue:
            commit_import_task.delay(job_id=locked.pk, user_id=getattr(actor, "pk", None), attempt=1)
    return locked


def commit_import(*, job: ImportJob, actor) -> ImportJob:
    """Commit a validated job here and now (the command line, tests): its rows in ONE
    transaction, all of them or none.

    Rules: only a validated job can be committed; committing a committed job again does
    nothing; scope and right are checked again at commit (actor None = command line).
    A database failure leaves nothing written and marks the job failed (ImportRefused).
    """
    requested = request_commit(job=job, actor=actor, enqueue=False)
    if requested.status == Status.COMMITTED:
        return requested
    committed = run_commit(job_id=job.pk, actor=actor)
    if committed.status != Status.COMMITTED:
        raise ImportRefused(committed.summary.get("error") or _("The upload is being committed."))
    return committed


def recheck_import(*, job: ImportJob, actor) -> ImportJob:
    """Check a failed job's stored file again from the start ("check again" on its page).

    Rules: only a failed job whose file is still kept (retention.py) can be checked again;
    right and scope as for an upload; the tries start again from one.
    """
    check_upload_access(actor=actor, organization=job.organization, capability=importer_class(job.kind).capability)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != Status.FAILED or is_purged(locked) or not locked.file:
            raise ImportRefused(_("Only a failed upload whose file is still kept can be checked again."))
        ImportRow.objects.filter(job=locked).delete()
        locked.status = Status.UPLOADED
        locked.summary = {}
        locked.rows_total = locked.rows_checked = locked.rows_written = 0
        locked.attempts, locked.started_attempt = 1, 0
        locked.heartbeat_at = timezone.now()
        locked.validated_at = locked.commit_requested_by = None
        locked.save(update_fields=["status", "summary", "rows_total", "rows_checked", "rows_written", "attempts",
                                   "started_attempt", "heartbeat_at", "validated_at", "commit_requested_by"])
        validate_import.delay(job_id=locked.pk, attempt=1)
    logger.info("import job %s checked again by %s", job.pk, actor)
    return locked
