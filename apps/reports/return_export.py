"""The return's .xlsx: the confirmed sum beside the live figures per county/district, and
every unit's figures (streamed), through the download centre's formula-safe writer."""

from django.utils.translation import gettext as _

from apps.organizations.scope import scope_queryset

from .kinds import Table
from .output import write_xlsx
from .return_figures import FIGURE_KEYS, FIGURES
from .return_models import ReturnUnit
from .return_selectors import confirmed_sums, county_status_counts, live_sums

CHUNK = 2000


def _figure_headers() -> list[str]:
    headers = []
    for figure in FIGURES:
        headers += [_("%(figure)s (confirmed)") % {"figure": figure.label}, _("%(figure)s (live)") % {
            "figure": figure.label}]
    return headers


def _pair(confirmed: dict, live: dict) -> list:
    row = []
    for key in FIGURE_KEYS:
        row += [confirmed.get(key, 0), live.get(key) if live.get(key) is not None else "—"]
    return row


def summary_table(*, actor, statistical_return) -> Table:
    counties, total_counts = county_status_counts(actor=actor, statistical_return=statistical_return)
    confirmed, confirmed_total = confirmed_sums(actor=actor, statistical_return=statistical_return)
    live, live_total = live_sums(actor=actor, statistical_return=statistical_return)
    rows = []
    for county in counties:
        cid = county["county_id"]
        rows.append([county["county_name"] or _("directly under the city"), county["total"], county["confirmed"],
                     *_pair(confirmed.get(cid, {}), live.get(cid, {}))])
    return Table(
        title=_("Sum of confirmed figures and live figures"),
        headers=[_("county/district"), _("units"), _("confirmed"), *_figure_headers()],
        rows=rows,
        total=[_("total"), total_counts["total"], total_counts["confirmed"], *_pair(confirmed_total, live_total)],
        notes=[_("Confirmed: the sum of the figures the units confirmed. Live: what the portal's records give "
                 "today for the same unions (union committee members are not kept by the portal).")],
        widths=[24, 8, 8],
    )


def _unit_rows(actor, statistical_return):
    units = (scope_queryset(ReturnUnit.objects.filter(statistical_return=statistical_return), actor)
             .order_by("organization__path")
             .values_list("organization__code", "organization__name", "organization__county__name", "status",
                          *FIGURE_KEYS))
    labels = dict(ReturnUnit.Status.choices)
    for code, name, county, status, *figures in units.iterator(chunk_size=CHUNK):
        yield [code, name, county or "", str(labels[status]), *["" if v is None else v for v in figures]]


def write_return_xlsx(path: str, *, actor, statistical_return, scope_name: str) -> None:
    units = Table(title=_("Units"), headers=[_("code"), _("union"), _("county/district"), _("status"),
                                             *[str(f.label) for f in FIGURES]],
                  rows=_unit_rows(actor, statistical_return), widths=[14, 30, 16, 12])
    write_xlsx(path, title=str(statistical_return), subtitle=scope_name,
               tables=[summary_table(actor=actor, statistical_return=statistical_return), units])
