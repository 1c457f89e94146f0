"""Reads of notifications: always the actor's own."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification, NotificationPreference


def notification_list(*, actor, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=actor)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-id")


def unread_count(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()


def own_notification(*, actor, pk: int) -> Notification:
    """One of the actor's notifications, else 404 (another user's is not theirs to see)."""
    return get_object_or_404(Notification, pk=pk, recipient=actor)


def email_enabled(*, actor) -> bool:
    preference = NotificationPreference.objects.filter(user=actor).first()
    return preference.email_enabled if preference else True
