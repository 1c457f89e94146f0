"""Writing notifications: the one INSERT every path shares (services.notify, the reminder runner).

Kept apart from services.py so the worker-side reminder runner can write notifications
without importing the services (services → tasks → reminders → delivery, no circle)."""

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from .models import Notification, NotificationPreference


def create_notifications(*, recipient_ids, title: str, body: str = "", url: str = "", kind: str = "",
                         key: str = "") -> list[int]:
    """Insert one notification per active recipient; returns the ids of those written.

    With a key, a recipient who already holds a notification of that key gets none
    (ON CONFLICT DO NOTHING on notification_once_per_key), so the caller may run as often
    as it likes. A recipient who wants e-mail and has an address gets email_state pending."""
    ids = sorted(set(recipient_ids))
    if not ids:
        return []
    users = list(
        get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", "email")
    )
    if not users:
        return []
    email_off = set(
        NotificationPreference.objects.filter(user_id__in=[pk for pk, _ in users], email_enabled=False)
        .values_list("user_id", flat=True)
    )
    now = timezone.now()
    rows = []
    for pk, email in users:
        state = Notification.EmailState.PENDING if email and pk not in email_off else ""
        rows.append((pk, kind[:64], title[:200], body, url[:500], key[:200], now, state))
    table = Notification._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params = [value for row in rows for value in row]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (recipient_id, kind, title, body, url, key, created_at, email_state) "
            f"VALUES {placeholders} ON CONFLICT DO NOTHING RETURNING id",
            params,
        )
        return [row[0] for row in cursor.fetchall()]
