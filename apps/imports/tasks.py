"""Celery entry points of the upload pipeline: ids in, call the service.

Validation and commit are safe to run again (attempts.py), so they are acknowledged only
once done (acks_late) and go back to the queue when the worker process running them dies
(reject_on_worker_lost); a whole worker lost is the sweeper's to find.
"""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404

from apps.core.tasks import TransactionAwareTask

from . import attempts, retention
from .committing import ImportRefused, run_commit
from .validation import run_validation

RELIABLE = {
    "base": TransactionAwareTask, "acks_late": True, "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 3,
    # Below the broker's visibility timeout, so a running task is never handed out twice.
    "time_limit": settings.IMPORT_TASK_TIME_LIMIT_SECONDS,
}


@shared_task(**RELIABLE)
def validate_import(*, job_id: int, attempt: int | None = None) -> str:
    return run_validation(job_id=job_id, attempt=attempt).status


@shared_task(**RELIABLE)
def commit_import_task(*, job_id: int, user_id: int | None, attempt: int | None = None) -> str:
    """The commit the clerk asked for, as that clerk (their right and scope checked again)."""
    actor = get_user_model().objects.get(pk=user_id) if user_id is not None else None  # PROTECTed: never gone
    try:
        return run_commit(job_id=job_id, actor=actor, attempt=attempt).status
    except (ImportRefused, PermissionDenied, Http404):
        return attempts.Status.FAILED  # the job says why; nothing to retry


STEP_TASKS = {attempts.VALIDATE: validate_import, attempts.COMMIT: commit_import_task}


@shared_task
def sweep_import_jobs() -> dict:
    """Every minute (CELERY_BEAT_SCHEDULE): jobs whose worker went quiet are sent again or
    failed with a reason (attempts.py)."""
    resends, failed = attempts.sweep_stalled_jobs()
    for resend in resends:
        STEP_TASKS[resend.step].apply_async(kwargs=resend.kwargs, countdown=resend.countdown)
    return {"resent": len(resends), "failed": failed}


@shared_task
def purge_import_details() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): rows and files of old uploads, retention.py."""
    return retention.purge_import_details()
