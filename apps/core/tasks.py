"""Celery entry points of `core`, and the task base every app's tasks should use.

Tasks take primary keys and plain JSON values, never model instances, and call a service.
"""

import datetime
import logging

from celery import Task, shared_task
from django.conf import settings
from django.db import transaction

from . import storage

logger = logging.getLogger(__name__)


class TransactionAwareTask(Task):
    """Send the task only once the surrounding database transaction has committed.

    A task enqueued inside `transaction.atomic()` could otherwise start before the commit
    and not find its row yet, or run for a row that is then rolled back. Inside an atomic
    block `apply_async` (and so `delay`) returns None: callers follow progress through
    their own model (a report or import row), not through the Celery result (as in pretix's
    base/services/tasks.py). Outside a transaction it sends at once, as usual.

        @shared_task(base=TransactionAwareTask)
        def build_report(*, report_id: int) -> None: ...
    """

    abstract = True

    def apply_async(self, args=None, kwargs=None, **options):
        send = super().apply_async
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: send(args, kwargs, **options))
            return None
        return send(args, kwargs, **options)


@shared_task
def ping() -> str:
    """Answer "pong": proves that a worker consumes from the broker and stores results."""
    return "pong"


@shared_task
def sweep_private_files() -> dict:
    """Nightly (CELERY_BEAT_SCHEDULE "sweep-private-files"): kept files whose row never committed."""
    removed = storage.sweep_orphans(older_than=datetime.timedelta(hours=settings.PRIVATE_FILES_ORPHAN_HOURS))
    if removed:
        logger.info("removed %d private files no row names: %s", len(removed), ", ".join(removed[:20]))
    return {"removed": len(removed)}
