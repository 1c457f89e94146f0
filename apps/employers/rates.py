"""Union establishment rate (建会率): one grouped SQL query, used by the page and the export alike.

Definition (also written on the page):
- counted: employers of the ledger whose status is "active" (closed employers are left out);
- headcount: the ledger's `headcount` field, as last entered or uploaded;
- covered: `covering_union` is set (a grassroots or joint grassroots union covers it);
- brackets: all employers, headcount ≥ 25 and headcount ≥ 50 (the federation's published figures);
- rate = covered ÷ employers, shown with one decimal; "—" when there are no employers.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

# (key, minimum headcount, label). "all" has no minimum.
BRACKETS = (
    ("all", 0, _("all employers")),
    ("25", 25, _("headcount ≥ 25")),
    ("50", 50, _("headcount ≥ 50")),
)
BRACKET_KEYS = tuple(key for key, _minimum, _label in BRACKETS)


def rate_percent(covered: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(covered) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    total: int = 0
    covered: int = 0

    @property
    def uncovered(self) -> int:
        return self.total - self.covered

    @property
    def rate(self) -> Decimal | None:
        return rate_percent(self.covered, self.total)


@dataclass
class RateRow:
    key: object  # county id, or the new-sector kind
    label: str
    brackets: dict[str, Figures] = field(default_factory=lambda: {k: Figures() for k in BRACKET_KEYS})

    @property
    def figures(self) -> list[Figures]:
        return [self.brackets[key] for key in BRACKET_KEYS]

    def add(self, other: "RateRow") -> None:
        for key in BRACKET_KEYS:
            self.brackets[key].total += other.brackets[key].total
            self.brackets[key].covered += other.brackets[key].covered


def _aggregates() -> dict:
    covered = Q(covering_union__isnull=False)
    result = {}
    for key, minimum, _label in BRACKETS:
        in_bracket = Q(headcount__gte=minimum) if minimum else Q()
        result[f"total_{key}"] = Count("id", filter=in_bracket) if minimum else Count("id")
        result[f"covered_{key}"] = Count("id", filter=in_bracket & covered)
    return result


def rate_rows(employers: QuerySet, *, group_by: str) -> list[RateRow]:
    """Figures per value of `group_by` ("county" or "new_sector_kind"), from one grouped query.

    `employers` must already be scoped to the user (selectors.employers_visible_to).
    Rows come back in the group's natural order (county code, or kind order).
    """
    counted = employers.filter(status="active").order_by()
    grouped = counted.values(group_by).annotate(**_aggregates())
    return [rate_row(record[group_by], "", record) for record in grouped]


def rate_row(key, label, record: dict | None) -> RateRow:
    """A RateRow from one record of _aggregates() (None: no employers, every figure 0)."""
    row = RateRow(key=key, label=label)
    if record is not None:
        for bracket in BRACKET_KEYS:
            row.brackets[bracket] = Figures(total=record[f"total_{bracket}"], covered=record[f"covered_{bracket}"])
    return row


def total_row(rows: list[RateRow], label) -> RateRow:
    total = RateRow(key=None, label=label)
    for row in rows:
        total.add(row)
    return total


SORT_COLUMNS = (("total", _("employers")), ("covered", _("covered")), ("rate", _("rate")))
SORT_KEYS = ("label",) + tuple(
    f"{what}_{key}" for key in BRACKET_KEYS for what in ("total", "covered", "rate")
)


def sort_rows(rows: list[RateRow], sort: str) -> list[RateRow]:
    """Sort by "label" or "<total|covered|rate>_<bracket>", "-" prefix for descending; unknown → as is."""
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name not in SORT_KEYS:
        return rows
    if name == "label":
        return sorted(rows, key=lambda r: str(r.label), reverse=descending)
    what, bracket = name.split("_", 1)

    def value(row):
        figures = row.brackets[bracket]
        number = getattr(figures, what)
        # Rows without employers have no rate; keep them last either way.
        return (number is not None) if descending else (number is None), number or 0

    return sorted(rows, key=value, reverse=descending)
