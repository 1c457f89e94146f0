"""The reminder rule the reports register with apps.notifications (ReportsConfig.ready()):
a return's unconfirmed units, a week before its deadline and once past it.

Keyed by (rule, return, stage): each officer is told once before the deadline and once after
it, however often beat runs the rule."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy

from apps.notifications.registry import Reminder, ReminderRule

from .return_models import StatisticalReturn
from .return_selectors import unconfirmed_recipients
from .return_services import reminder_text

DAYS_BEFORE = 7
DAYS_AFTER = 30  # past this the level above reminds by hand ("remind now")


def unconfirmed_units(today: datetime.date):
    """Returns due within DAYS_BEFORE days or past their deadline (up to DAYS_AFTER days): the
    officers of their unconfirmed units."""
    due = StatisticalReturn.objects.filter(deadline__lte=today + datetime.timedelta(days=DAYS_BEFORE),
                                           deadline__gte=today - datetime.timedelta(days=DAYS_AFTER))
    for statistical_return in due:
        recipients = unconfirmed_recipients(actor=None, statistical_return=statistical_return)
        if not recipients:
            continue
        title, body = reminder_text(statistical_return, today=today)
        yield Reminder(
            object_key=f"return:{statistical_return.pk}",
            period="overdue" if today > statistical_return.deadline else "due",
            recipient_ids=tuple(recipients), title=title, body=body,
            url=reverse("reports:return_detail", kwargs={"pk": statistical_return.pk}),
        )


REMINDER_RULES = (
    ReminderRule("reports.return_unconfirmed", gettext_lazy("annual statistical return not confirmed"),
                 unconfirmed_units),
)
