"""The e-mail copy of a notification, sent by a Celery task through Django's e-mail backend."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification


def pending_email_ids(*, kind: str) -> list[int]:
    """Notifications of `kind` whose e-mail is still to be sent."""
    return list(
        Notification.objects.filter(kind=kind, email_state=Notification.EmailState.PENDING).values_list("pk", flat=True)
    )


def send_notification_email(*, notification_id: int, base_url: str = "") -> bool:
    """Send the notification's e-mail once; True when it was sent now.

    The row is locked while sending and marked sent in the same transaction, so a task
    run twice (a retry, a duplicate delivery) sends one e-mail; a failed send leaves it
    pending for the retry. A recipient who turned e-mail off in the meantime gets none."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "recipient__notification_preference")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email_state != Notification.EmailState.PENDING:
            return False
        recipient = notification.recipient
        preference = getattr(recipient, "notification_preference", None)
        if not recipient.is_active or not recipient.email or (preference and not preference.email_enabled):
            notification.email_state = Notification.EmailState.NOT_WANTED
            notification.save(update_fields=["email_state"])
            return False
        lines = [notification.body] if notification.body else []
        if notification.url:
            lines.append((base_url or getattr(settings, "PORTAL_BASE_URL", "")) + notification.url)
        lines.append(_("You can turn these e-mails off on the notifications page."))
        send_mail(
            subject=notification.title,
            message="\n\n".join(lines),
            from_email=None,
            recipient_list=[recipient.email],
        )
        notification.email_state = Notification.EmailState.SENT
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["email_state", "emailed_at"])
        return True
