"""Celery entry points of the reports: ids in, call the service.

A generation writes only its own report's row and files, so it is safe to run again: it is
acknowledged only once done (acks_late), goes back to the queue when the process running it
dies (reject_on_worker_lost), and a whole worker lost is the sweeper's to find (attempts.py).
"""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from apps.core.tasks import TransactionAwareTask

from . import attempts, services


@shared_task(
    base=TransactionAwareTask, acks_late=True, reject_on_worker_lost=True,
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3,
    # Below the broker's visibility timeout, so a running task is never handed out twice.
    time_limit=settings.REPORTS_TASK_TIME_LIMIT_SECONDS,
)
def generate_report_task(*, report_id: int, attempt: int | None = None) -> str:
    from .generation import generate

    outcome = generate(report_id=report_id, attempt=attempt)
    if outcome.resend is not None:
        send(outcome.resend)
    return outcome.status


def send(resend: attempts.Resend) -> None:
    generate_report_task.apply_async(kwargs=resend.kwargs, countdown=resend.countdown)


@shared_task
def sweep_reports() -> dict:
    """Every minute (CELERY_BEAT_SCHEDULE): reports whose generation went quiet are sent again
    or failed with a reason (attempts.py)."""
    resends, failed = attempts.sweep_stalled_reports()
    for resend in resends:
        send(resend)
    return {"resent": len(resends), "failed": failed}


@shared_task
def schedule_monthly_statistics() -> int:
    """The 1st of each month (CELERY_BEAT_SCHEDULE): last month's statistics, city and counties."""
    return len(services.schedule_monthly_statistics())


@shared_task
def purge_expired_reports() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): files of reports kept past REPORTS_KEEP_DAYS."""
    return services.purge_expired_reports()
