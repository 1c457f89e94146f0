"""Celery entry points of the upload pipeline: ids in, call the service."""

from celery import shared_task
from django.db import OperationalError

from apps.core.tasks import TransactionAwareTask

from . import retention
from .validation import run_validation


@shared_task(
    base=TransactionAwareTask, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def validate_import(*, job_id: int) -> str:
    # acks_late: validation is idempotent, so a worker lost halfway is simply redone.
    return run_validation(job_id=job_id).status


@shared_task
def purge_import_details() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): rows and files of old uploads, retention.py."""
    return retention.purge_import_details()
