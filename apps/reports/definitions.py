"""The report kinds of the portal, registered from AppConfig.ready() (kinds.py).

Every figure is read through the owning app's selectors, as the report's scope organization
sees it (viewer.py), and every builder is tested against plain SQL over the same rows
(tests/reports/test_figures.py).
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _, gettext_lazy

from apps.assistance.selectors import assistance_totals, records_for_period
from apps.members.selectors import CHANGE_FIGURES, members_count_by_county, membership_changes
from apps.organizations.selectors import county_choices, organization_counts_by_county

from .figures import figure_rows
from .kinds import MONTH, RANGE, YEAR, BuildContext, ReportKind, Table, register_report_kind
from .periods import month_end

MONEY = Decimal("0.01")


def _county_rows(ctx: BuildContext) -> list[tuple[int | None, str]]:
    """The rows of a per-county table: each county/district in scope (in code order) and the
    city's own level when the scope is the city; a scope below a county is its one row."""
    counties = [(c.pk, c.name) for c in county_choices(actor=ctx.viewer)]
    if not counties:
        return [(ctx.organization.county_id, ctx.organization.name)]
    if ctx.organization.county_id is None:  # the city: its own unions are under no county
        counties.append((None, _("directly under the city")))
    return counties


def _month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = month_end(day) + datetime.timedelta(days=1)
    return months


# --- monthly statistics -------------------------------------------------------------------


def build_monthly_statistics(ctx: BuildContext) -> list[Table]:
    """Key figures per county for one month: organizations and members as recorded when the
    report is made (the 1st of the next month when scheduled), the month's joinings,
    transfers, leavings and assistance."""
    viewer = ctx.viewer
    organizations = organization_counts_by_county(actor=viewer)
    ctx.progress(15)
    members = {row["county_id"]: row for row in members_count_by_county(actor=viewer)}
    ctx.progress(35)
    changes: dict = {}
    for (county_id, _month), figures in membership_changes(actor=viewer, date_from=ctx.start,
                                                            date_to=ctx.end).items():
        totals = changes.setdefault(county_id, dict.fromkeys(CHANGE_FIGURES, 0))
        for key, n in figures.items():
            totals[key] += n
    ctx.progress(60)
    assistance = {row["key"]: row for row in assistance_totals(
        actor=viewer, by="county", date_from=ctx.start, date_to=ctx.end)}
    ctx.progress(80)
    rows = []
    for county_id, name in _county_rows(ctx):
        member_row = members.get(county_id, {})
        change = changes.get(county_id, dict.fromkeys(CHANGE_FIGURES, 0))
        aid = assistance.get(county_id, {})
        rows.append([
            name, organizations.get(county_id, 0), member_row.get("members", 0), member_row.get("new_employment", 0),
            change["joined"], change["transferred_in"], change["transferred_out"], change["left"],
            aid.get("records", 0), Decimal(aid.get("amount", 0)).quantize(MONEY),
        ])
    total = [_("Total")] + [sum(row[i] for row in rows) for i in range(1, 10)]
    return [Table(
        title=_("Key figures per county/district"),
        headers=[_("county/district"), _("union organizations"), _("members"), _("new-employment-form members"),
                 _("joined"), _("transferred in"), _("transferred out"), _("left the union"), _("assistance (person-times)"),
                 _("assistance (yuan)")],
        rows=rows, total=total, widths=[22, 12, 12, 14, 10, 10, 10, 10, 14, 14],
        notes=[_("Organizations and members: as recorded when the report was generated. Joined: joining date in "
                 "the month. Transfers: confirmed in the month. Left: withdrawn or deceased in the month. "
                 "Assistance: given (approved) in the month.")],
    )]


# --- annual work statistics ---------------------------------------------------------------


def build_annual_work(ctx: BuildContext) -> list[Table]:
    rows = figure_rows(ctx)
    return [Table(
        title=_("Annual work statistics"),
        headers=[_("section"), _("figure"), _("value"), _("unit"), _("note")],
        rows=rows, widths=[18, 40, 14, 10, 50],
        notes=[_("“—”: the portal does not keep these records yet; the figure is not zero.")],
    )]


# --- hardship-assistance ledger -----------------------------------------------------------

LEDGER_CHUNK = 2000


def _ledger_rows(records):
    for record in records.iterator(chunk_size=LEDGER_CHUNK):
        file, union = record.file, record.file.organization
        yield [
            record.given_on, union.county.name if union.county_id else "", union.name, file.head_name,
            record.get_kind_display(), record.amount, record.goods, record.campaign.name if record.campaign_id else "",
            record.delivered_by,
        ]


def build_hardship_ledger(ctx: BuildContext) -> list[Table]:
    """Every payment (approved assistance record) in the period, a sheet per fund source,
    after a summary per fund source."""
    by_source = assistance_totals(actor=ctx.viewer, by="fund_source", date_from=ctx.start, date_to=ctx.end)
    summary = [[row["label"], row["records"], Decimal(row["amount"]).quantize(MONEY)] for row in by_source]
    tables = [Table(
        title=_("Summary by fund source"),
        headers=[_("fund source"), _("payments"), _("amount (yuan)")],
        rows=summary, widths=[22, 12, 16],
        total=[_("Total"), sum(r[1] for r in summary), sum((r[2] for r in summary), Decimal("0.00"))],
    )]
    headers = [_("date"), _("county/district"), _("union"), _("head of household"), _("kind"), _("amount (yuan)"),
               _("goods or services"), _("campaign"), _("delivered by")]
    records = records_for_period(actor=ctx.viewer, date_from=ctx.start, date_to=ctx.end)
    for row in by_source:
        tables.append(Table(
            title=str(row["label"]), headers=headers,
            rows=_ledger_rows(records.filter(fund_source=row["key"])),
            widths=[12, 16, 24, 12, 14, 12, 20, 20, 14],
            total=[_("Total"), "", "", "", "", Decimal(row["amount"]).quantize(MONEY)],
        ))
    ctx.progress(30)
    return tables


# --- membership change report ---------------------------------------------------------------


def build_membership_changes(ctx: BuildContext) -> list[Table]:
    """Joined, transferred in/out and left per county and month of the period."""
    changes = membership_changes(actor=ctx.viewer, date_from=ctx.start, date_to=ctx.end)
    ctx.progress(60)
    zero = dict.fromkeys(CHANGE_FIGURES, 0)
    rows = []
    for county_id, name in _county_rows(ctx):
        for month in _month_starts(ctx.start, ctx.end):
            figures = changes.get((county_id, month), zero)
            values = [figures[key] for key in CHANGE_FIGURES]
            rows.append([name, f"{month:%Y-%m}", *values, values[0] + values[1] - values[2] - values[3]])
    total = [_("Total"), ""] + [sum(row[i] for row in rows) for i in range(2, 7)]
    return [Table(
        title=_("Membership changes per county/district and month"),
        headers=[_("county/district"), _("month"), _("joined"), _("transferred in"), _("transferred out"),
                 _("left the union"), _("net change")],
        rows=rows, total=total, widths=[22, 10, 10, 12, 12, 10, 12],
        notes=[_("Joined: joining date in the month. Transfers: confirmed in the month, at the receiving and the "
                 "sending union (a move inside one county is both). Left: withdrawn or deceased in the month.")],
    )]


KINDS = [
    ReportKind("monthly_statistics", gettext_lazy("monthly statistics"), MONTH, build_monthly_statistics,
               description=gettext_lazy("Key figures per county/district for one month."),
               pdf_template="reports/pdf/form.html"),
    ReportKind("annual_work", gettext_lazy("annual work statistics"), YEAR, build_annual_work,
               description=gettext_lazy("The figures of the federation's year-end summary, from the records."),
               pdf_template="reports/pdf/form.html"),
    ReportKind("hardship_ledger", gettext_lazy("hardship-assistance ledger"), RANGE, build_hardship_ledger,
               description=gettext_lazy("Every assistance payment in a period, by fund source."),
               capability="assistance.export"),
    ReportKind("membership_changes", gettext_lazy("membership change report"), RANGE, build_membership_changes,
               description=gettext_lazy("Joined, transferred in and out, and left, by county/district and month."),
               pdf_template="reports/pdf/form.html"),
]


def register_kinds() -> None:
    for kind in KINDS:
        register_report_kind(kind)
