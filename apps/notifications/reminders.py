"""The reminder runner (worker side): each registered rule's reminders become notifications.

Idempotent by construction: every reminder carries the key (rule, object, period) and
delivery.create_notifications writes a recipient's notification of a key at most once."""

import datetime
import logging

from django.utils import timezone

from .delivery import create_notifications
from .registry import reminder_rule

logger = logging.getLogger("apps.notifications")


def run_reminder_rule(code: str, *, today: datetime.date | None = None) -> list[int]:
    """Run one rule for `today`; returns the ids of the notifications written now."""
    rule = reminder_rule(code)
    today = today or timezone.localdate()
    written: list[int] = []
    for reminder in rule.find(today):
        written += create_notifications(
            recipient_ids=reminder.recipient_ids,
            title=reminder.title,
            body=reminder.body,
            url=reminder.url,
            kind=rule.code,
            key=rule.key(reminder),
        )
    logger.info("reminder rule %s: %d notifications written", code, len(written))
    return written
