"""Events test rows: an event of union A1a by default, at a fixed time unless given."""

import datetime

import factory
from django.utils import timezone

from apps.events.choices import EventKind, Mode
from apps.events.models import Event, Hazard, Lecturer, Registration, Venue

TZ = timezone.get_fixed_timezone(8 * 60)


def at(day: int, hour: int, minute: int = 0, month: int = 6, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


class EventFactory(factory.django.DjangoModelFactory):
    """Pass organization= and created_by=."""

    class Meta:
        model = Event

    kind = EventKind.LECTURE
    title = factory.Sequence(lambda n: f"劳模宣讲报告会{n}")
    mode = Mode.OFFLINE
    starts_at = factory.LazyFunction(lambda: at(10, 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))


class LecturerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lecturer

    name = factory.Sequence(lambda n: f"宣讲员{n}")
    group = "沂蒙劳模宣讲团"
    is_model_worker = True


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"工人文化宫{n}号厅")


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    name = factory.Sequence(lambda n: f"参会人{n}")
    id_last4 = factory.Sequence(lambda n: f"{n % 10000:04d}")


class HazardFactory(factory.django.DjangoModelFactory):
    """Pass organization=, employer=, recorded_by=."""

    class Meta:
        model = Hazard

    found_on = datetime.date(2026, 3, 1)
    place = factory.Sequence(lambda n: f"一号车间{n}")
    description = "消防通道堆放杂物"
    deadline = datetime.date(2026, 3, 15)
