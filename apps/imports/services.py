"""The upload pipeline's actions: create a job (validation then runs in a Celery task)
and commit a validated job in ONE transaction.

Each action checks the actor's right and scope itself; the views 404 first, so the
guards here are the services' own (actor None is the operator's command line).
"""

import hashlib
import logging

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.permissions import require_capability
from apps.core.spreadsheets.reader import limit, size_limit_message
from apps.organizations.scope import ensure_visible

from .importer import StaleImport, get_importer, importer_class
from .models import ImportJob
from .tasks import validate_import

logger = logging.getLogger(__name__)
Status = ImportJob.Status


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
        )
        job.file.save(uploaded_file.name, uploaded_file, save=False)
        job.save()
        if enqueue:
            validate_import.delay(job_id=job.pk)  # sent once this transaction commits
    return job


def commit_import(*, job: ImportJob, actor) -> ImportJob:
    """Write a validated job's rows in ONE transaction: all of them or none.

    Rules: only a validated job can be committed; committing a committed job again does
    nothing; a job whose every row is unchanged is refused, as it would write nothing;
    scope and right are checked again at commit (actor None = command line). A database
    failure leaves nothing written and marks the job failed.
    """
    importer = get_importer(job)
    try:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().select_related("organization").get(pk=job.pk)
            if locked.status == Status.COMMITTED:
                return locked
            if locked.status != Status.VALIDATED:
                raise ImportRefused(_("Only a validated upload without errors can be committed."))
            check_upload_access(actor=actor, organization=locked.organization, capability=importer.capability)
            if not locked.would_change:
                raise ImportRefused(locked.nothing_to_commit)
            importer.job = locked
            result = importer.commit(actor=actor)
            locked.status = Status.COMMITTED
            locked.committed_at = timezone.now()
            locked.committed_by = actor
            locked.summary = {**locked.summary, "result": result}
            locked.save(update_fields=["status", "committed_at", "committed_by", "summary"])
            return locked
    except (DatabaseError, StaleImport) as exc:
        logger.exception("commit of import job %s failed", job.pk)
        failed = ImportJob.objects.get(pk=job.pk)
        failed.status = Status.FAILED
        failed.summary = {**failed.summary, "error": _(
            "Nothing was written: the roll changed while the upload waited, or the database refused a row. "
            "Upload the file again."
        )}
        failed.save(update_fields=["status", "summary"])
        raise ImportRefused(failed.summary["error"]) from exc
