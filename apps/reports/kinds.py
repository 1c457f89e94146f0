"""The report kinds: each is registered here once (from definitions.py, in AppConfig.ready()).

A report is stored with its kind as a plain string; the kind says what period it covers
(a month, a year or any range of days), how its figures are built and whether it has a
printed form (PDF). A new kind is one registration: no enum, no migration.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MONTH, YEAR, RANGE = "month", "year", "range"


@dataclass
class Table:
    """One table of a report: a sheet of the .xlsx and a table of the PDF. `rows` may be a
    generator (the ledger streams its rows into the sheet); tables of a printed form are lists."""

    title: str
    headers: list[str]
    rows: Iterable[list]
    notes: list[str] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)
    total: list | None = None  # the table's last row, in bold


@dataclass
class BuildContext:
    """What a kind's builder gets: who the figures are seen as (the scope organization's own
    view, apps.reports.viewer), the period, and a progress callback (0–100)."""

    viewer: object
    organization: object
    start: datetime.date
    end: datetime.date
    progress: Callable[[int], None] = lambda percent: None


@dataclass(frozen=True)
class ReportKind:
    key: str  # stored in Report.kind, at most 32 characters
    label: str
    period: str  # MONTH, YEAR or RANGE
    build: Callable[[BuildContext], list[Table]]
    description: str = ""
    pdf_template: str = ""  # a printed form: the PDF is written from this template too
    # A right the requester needs beyond reports.request (the ledger lists households by name).
    capability: str = ""

    @property
    def has_pdf(self) -> bool:
        return bool(self.pdf_template)


_KINDS: dict[str, ReportKind] = {}


def register_report_kind(kind: ReportKind) -> None:
    registered = _KINDS.get(kind.key)
    if registered is not None and registered != kind:
        raise ValueError(f"report kind {kind.key!r} is already registered")
    _KINDS[kind.key] = kind


def report_kind(key: str) -> ReportKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"unknown report kind {key!r}") from None


def report_kinds() -> list[ReportKind]:
    return list(_KINDS.values())


def kind_label(key: str) -> str:
    kind = _KINDS.get(key)
    return kind.label if kind else key


def validate_kind(value: str) -> None:
    if value not in _KINDS:
        raise ValidationError(_("Unknown report kind: %(kind)s"), params={"kind": value})
