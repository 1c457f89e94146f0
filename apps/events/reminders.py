"""The reminder rules events registers with apps.notifications (issue 18 item 6).

Keyed by (rule, object, period) — the event's start for the day-before reminder, its end for
the missing report, the hazard's deadline — so beat may fire as often as it likes and a moved
event or deadline is due again."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.notifications.registry import Reminder, ReminderRule

from .choices import EventStatus
from .models import Event, Hazard, Registration
from .services import holders

CHUNK = 2000


def _day(today: datetime.date, days: int = 0) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time.min, tzinfo=tz)


def registrants_day_before(today: datetime.date):
    """Planned events starting tomorrow: every registrant with a portal account (themselves,
    or the officer who registered them or their group)."""
    events = Event.objects.filter(status=EventStatus.PLANNED, starts_at__gte=_day(today, 1),
                                  starts_at__lt=_day(today, 2)).select_related("venue")
    for event in events.iterator(chunk_size=CHUNK):
        people = Registration.objects.filter(event=event).values_list("user_id", "registered_by_id")
        recipients = sorted({pk for pair in people for pk in pair if pk})
        if not recipients:
            continue
        where = event.venue.name if event.venue else event.place
        yield Reminder(
            object_key=f"event:{event.pk}", period=event.starts_at.isoformat(), recipient_ids=tuple(recipients),
            title=_("Tomorrow %(time)s: %(title)s") % {
                "time": timezone.localtime(event.starts_at).strftime("%H:%M"), "title": event.title},
            body=where, url=reverse("events:event_detail", kwargs={"pk": event.pk}),
        )


def report_missing(today: datetime.date):
    """Events past their end and still planned (no report): their organizer's officers."""
    events = Event.objects.filter(status=EventStatus.PLANNED, ends_at__lt=_day(today)).select_related("organization")
    for event in events.iterator(chunk_size=CHUNK):
        recipients = holders("events.edit", event.organization)
        yield Reminder(
            object_key=f"event:{event.pk}", period=event.ends_at.isoformat(), recipient_ids=tuple(recipients),
            title=_("Held? Record the report of %(title)s (ended %(date)s)") % {
                "title": event.title, "date": timezone.localtime(event.ends_at).date().isoformat()},
            url=reverse("events:event_detail", kwargs={"pk": event.pk}),
        )


def hazards_overdue(today: datetime.date):
    """Hazards not rectified by their deadline: the union that recorded them and the staff above."""
    hazards = Hazard.objects.filter(Q(rectified_on__isnull=True), deadline__lt=today).select_related(
        "organization", "employer")
    for hazard in hazards.iterator(chunk_size=CHUNK):
        recipients = set(holders("events.hazards", hazard.organization))
        yield Reminder(
            object_key=f"hazard:{hazard.pk}", period=hazard.deadline.isoformat(), recipient_ids=tuple(sorted(recipients)),
            title=_("Hazard past its deadline (%(date)s): %(employer)s, %(place)s") % {
                "date": hazard.deadline.isoformat(), "employer": hazard.employer.name, "place": hazard.place},
            body=hazard.description[:500], url=reverse("events:hazard_detail", kwargs={"pk": hazard.pk}),
        )


REMINDER_RULES = (
    ReminderRule("events.registrants_day_before", gettext_lazy("registered events starting tomorrow"),
                 registrants_day_before),
    ReminderRule("events.report_missing", gettext_lazy("event over without a report"), report_missing),
    ReminderRule("events.hazard_overdue", gettext_lazy("hazard past its rectification deadline"), hazards_overdue),
)
