"""How long an upload's personal data is kept (DESIGN.md: personal data only as long as needed).

An upload's record stays for good: who uploaded which file (name, hash, size), when, what
validation counted and who committed it. Its checked rows (full ID numbers, phones) and
the stored file are needed only while the clerk reviews and commits, and to download the
error sheet afterwards: they are deleted IMPORT_DETAIL_KEEP_DAYS after the upload. A job
still waiting for its commit by then is closed as expired: without its rows a commit
would write nothing, so it must be uploaded again.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.imports.models import RUNNING, ImportJob, ImportRow

Status = ImportJob.Status


def keep_days() -> int:
    return settings.IMPORT_DETAIL_KEEP_DAYS


def is_purged(job: ImportJob) -> bool:
    return "purged_at" in job.summary


def purge_import_details(*, now: datetime.datetime | None = None) -> int:
    """Delete the rows and files of uploads older than the retention period; returns how
    many uploads were purged. Jobs still being validated or committed are left to finish."""
    now = now or timezone.now()
    old = (
        ImportJob.objects.filter(created_at__lt=now - datetime.timedelta(days=keep_days()))
        .exclude(status__in=RUNNING)
        .exclude(summary__has_key="purged_at")
    )
    purged = 0
    for job_id in old.values_list("pk", flat=True).iterator(chunk_size=500):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            if is_purged(job):
                continue
            ImportRow.objects.filter(job=job).delete()
            summary = {**job.summary, "purged_at": now.isoformat()}
            if job.status == Status.VALIDATED:
                job.status = Status.FAILED
                summary["error"] = _("This upload waited more than %(days)d days for its commit and has "
                                     "expired. Upload the file again.") % {"days": keep_days()}
            job.summary = summary
            stored, storage = job.file.name, job.file.storage
            job.file = ""
            job.save(update_fields=["status", "summary", "file"])
            if stored:  # the file goes once the rows are gone for good
                transaction.on_commit(lambda name=stored, storage=storage: storage.delete(name))
        purged += 1
    return purged
