"""Celery entry points of notifications: ids and codes in, call the worker-side module."""

import datetime
from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from apps.core.tasks import TransactionAwareTask

from . import emails, reminders
from .registry import reminder_rules


@shared_task(
    base=TransactionAwareTask,
    acks_late=True,
    autoretry_for=(OperationalError, SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email_task(*, notification_id: int) -> bool:
    # acks_late: the send is guarded by the row's email_state, so a redelivery sends nothing twice.
    return emails.send_notification_email(notification_id=notification_id)


@shared_task(
    base=TransactionAwareTask, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
    max_retries=3,
)
def run_reminder_rule_task(*, code: str, today: str | None = None) -> int:
    """One rule; a retry after a failure halfway writes only what the first run did not."""
    day = datetime.date.fromisoformat(today) if today else None
    written = reminders.run_reminder_rule(code, today=day)
    # Every e-mail of this rule still to send, those of a run that failed halfway included
    # (its notifications are not written again, so they would not be in `written`).
    for notification_id in emails.pending_email_ids(kind=code):
        send_notification_email_task.delay(notification_id=notification_id)
    return len(written)


@shared_task
def run_reminder_rules() -> int:
    """Daily (CELERY_BEAT_SCHEDULE "run-reminder-rules"): every registered rule, each its own task."""
    rules = reminder_rules()
    for rule in rules:
        run_reminder_rule_task.delay(code=rule.code)
    return len(rules)
