"""Celery entry points of members: ids in, call the service."""

from celery import shared_task
from django.db import OperationalError

from apps.core.tasks import TransactionAwareTask

from . import exports


@shared_task(
    base=TransactionAwareTask,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def build_member_export_task(*, export_id: int) -> str:
    # acks_late: writing the file is idempotent, so a worker lost halfway is simply redone.
    return exports.build_member_export(export_id=export_id).status


@shared_task
def purge_member_exports() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): files of old background exports."""
    return exports.purge_member_exports()
