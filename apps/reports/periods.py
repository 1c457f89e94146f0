"""The periods a report kind covers: a calendar month, a calendar year, or a range of days."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .kinds import MONTH, RANGE, YEAR

MAX_RANGE_DAYS = 366


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def month_period(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    return start, month_end(start)


def year_period(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    last_day = today.replace(day=1) - datetime.timedelta(days=1)
    return month_period(last_day.year, last_day.month)


def check_period(period: str, start: datetime.date, end: datetime.date, *, today: datetime.date) -> None:
    """The rule of each kind's period: a whole month, a whole year, or at most a year of days;
    never ending after today (a report counts what happened)."""
    if end < start:
        raise ValidationError(_("The period ends before it starts."))
    if start > today:
        raise ValidationError(_("The period lies in the future."))
    if period == MONTH and (start.day != 1 or end != month_end(start)):
        raise ValidationError(_("Monthly statistics cover one whole calendar month."))
    if period == YEAR and (start, end) != year_period(start.year):
        raise ValidationError(_("Annual statistics cover one whole calendar year."))
    if period == RANGE and (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError(_("The period is at most %(days)d days.") % {"days": MAX_RANGE_DAYS})
