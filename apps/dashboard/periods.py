"""The period a dashboard shows, and the same period one year earlier that it is compared with.

"This year" runs from 1 January to today (not to 31 December), so that it is compared with
1 January to the same day last year: a half year against a whole one would always look
like a fall. A month, a custom range and last year are compared with the same dates one
year earlier (29 February becomes 28 February).
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

THIS_YEAR, LAST_YEAR, MONTH, RANGE = "this_year", "last_year", "month", "range"
CHOICES = (
    (THIS_YEAR, _("this year")),
    (LAST_YEAR, _("last year")),
    (MONTH, _("a month")),
    (RANGE, _("from … to …")),
)
# A custom range longer than this is cut (the monthly charts would have hundreds of points).
MAX_DAYS = 5 * 366


def year_earlier(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def dates(self) -> tuple[datetime.date, datetime.date]:
        return self.start, self.end

    @property
    def previous(self) -> "Period":
        """The same dates one year earlier: what every figure is compared with."""
        return Period(self.kind, year_earlier(self.start), year_earlier(self.end))

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, in order."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return months

    def query(self) -> dict[str, str]:
        """The query parameters that name this period again (for links and the screen's poll)."""
        if self.kind == MONTH:
            return {"period": MONTH, "month": self.start.strftime("%Y-%m")}
        if self.kind == RANGE:
            return {"period": RANGE, "from": self.start.isoformat(), "to": self.end.isoformat()}
        return {"period": self.kind}


def month_end(first: datetime.date) -> datetime.date:
    return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def _date(text) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(text or "").strip())
    except ValueError:
        return None


def parse_period(params, *, today: datetime.date) -> Period:
    """The period named by the query string; anything missing or wrong is this year."""
    kind = params.get("period") or THIS_YEAR
    if kind == LAST_YEAR:
        return Period(LAST_YEAR, datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31))
    if kind == MONTH:
        first = _date(f"{params.get('month', '')}-01")
        if first is not None:
            return Period(MONTH, first, month_end(first))
    if kind == RANGE:
        start, end = _date(params.get("from")), _date(params.get("to"))
        if start and end and start <= end:
            return Period(RANGE, start, min(end, start + datetime.timedelta(days=MAX_DAYS)))
    return Period(THIS_YEAR, datetime.date(today.year, 1, 1), today)
