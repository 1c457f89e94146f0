"""The reminder members registers with apps.notifications: transfers waiting for a decision.

A pending transfer older than TRANSFER_WAITING_DAYS reminds the receiving union's clerks
(and the county/city clerks above it) who may decide it, once per transfer."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.accounts.roles import CAPABILITIES
from apps.notifications.registry import Reminder, ReminderRule

from .models import Transfer

TRANSFER_WAITING_DAYS = 7


def _deciders(organization) -> tuple[int, ...]:
    prefixes = [organization.path[: i + 1] for i, c in enumerate(organization.path) if c == "/" and i > 0]
    return tuple(
        User.objects.filter(
            is_active=True, role__in=CAPABILITIES["members.confirm_transfer"], organization__path__in=prefixes
        ).values_list("pk", flat=True)
    )


def transfers_waiting(today: datetime.date):
    cutoff = timezone.now() - datetime.timedelta(days=TRANSFER_WAITING_DAYS)
    waiting = Transfer.objects.filter(status=Transfer.Status.PENDING, requested_at__lt=cutoff).select_related(
        "member", "to_organization"
    )
    url = reverse("members:transfers") + "?direction=incoming"
    for transfer in waiting.iterator(chunk_size=2000):
        yield Reminder(
            object_key=f"transfer:{transfer.pk}", period="pending",
            recipient_ids=tuple(pk for pk in _deciders(transfer.to_organization) if pk != transfer.requested_by_id),
            title=_("A membership transfer has waited more than %(days)d days: %(name)s → %(union)s")
            % {"days": TRANSFER_WAITING_DAYS, "name": transfer.member.name, "union": transfer.to_organization.name},
            url=url,
        )


REMINDER_RULES = (
    ReminderRule("members.transfers_waiting", gettext_lazy("membership transfer waiting for a decision"),
                 transfers_waiting),
)
