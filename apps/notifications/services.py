"""Every write to notifications: notify (the one way every app reminds), read marks, e-mail choice."""

from django.db import transaction
from django.utils import timezone

from .delivery import create_notifications
from .models import Notification, NotificationPreference
from .tasks import send_notification_email_task


@transaction.atomic
def notify(*, recipients, title: str, body: str = "", url: str = "", kind: str = "", key: str = "") -> list[int]:
    """Tell `recipients` (users or user ids) something in-app, and by e-mail to those who
    want it; returns the ids of the notifications written.

    Rule: with a `key` (rule, object, period) a recipient is told once however often this
    is called; the e-mail goes out after the transaction commits (a rolled-back action
    sends nothing), once per notification."""
    ids = [getattr(r, "pk", r) for r in recipients]
    written = create_notifications(recipient_ids=ids, title=title, body=body, url=url, kind=kind, key=key)
    pending = Notification.objects.filter(pk__in=written, email_state=Notification.EmailState.PENDING)
    for notification_id in pending.values_list("pk", flat=True):
        send_notification_email_task.delay(notification_id=notification_id)
    return written


def mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (someone else's is not found)."""
    if notification.recipient_id != actor.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


def set_email_preference(*, actor, enabled: bool) -> NotificationPreference:
    """The actor's own choice: e-mail beside the in-app notification, or not."""
    preference, _ = NotificationPreference.objects.update_or_create(
        user=actor, defaults={"email_enabled": enabled}
    )
    return preference
