"""Celery entry points of members: ids in, call the service."""

from celery import shared_task
from django.db import OperationalError

from apps.core.tasks import TransactionAwareTask

from . import counts, exports


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


@shared_task
def recount_member_figures() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): recompute the kept member figures from the members,
    repair and log any drift (expected: none). Returns the number of rows that had drifted."""
    return len(counts.recount_and_log().drift)
