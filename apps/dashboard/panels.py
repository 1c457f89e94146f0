"""The leadership dashboard's panels: one definition per area, in the order the page shows them.

A panel is a key, a title, a one-line definition of what it counts (printed under it) and a
builder `build(view) -> PanelData | None` (None: nothing to show at this scope). A builder
reads its app through that app's selectors only (the dashboard layer's contract) and returns
figures — each with the same figure one year earlier where the rows carry the dates to count
it, and the address of the list that shows exactly the rows it counts — and charts, each with
its table. An area that lands later (competitions, events, reports) appends its Panel to
PANELS; nothing else changes. There are no placeholder panels: an area without data is not
listed.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Rows are read through the selectors only; from the models come the enumerations (choices)
# whose labels head the tables.
from apps.assistance.choices import AssistanceKind, Category, FileStatus, FundSource, Season
from apps.assistance.selectors import (
    file_figures,
    given_breakdown,
    visit_and_legal_figures_in_periods,
)
from apps.competitions.choices import EnterpriseLevel
from apps.competitions.choices import Kind as CompetitionKind
from apps.competitions.selectors import period_figures as competition_figures
from apps.employers.selectors import ledger_figures
from apps.events.choices import EventKind, EventStatus
from apps.events.selectors import dashboard_figures as event_figures
from apps.members.models import WorkerCategory
from apps.members.selectors import member_figures_and_months, members_count_by_county
from apps.organizations.models import Organization
from apps.organizations.selectors import active_counts_and_counties

from .periods import Period, month_end


def link(name: str, **params) -> str:
    """The list `name` filtered by `params` (empty values left out)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | Decimal | None
    url: str
    previous: int | Decimal | None = None  # the same period last year; None: not kept
    unit: str = ""  # "%" or "yuan"
    detail: str = ""  # a line under the figure ("12 of 40 employers")
    detail_url: str = ""

    @property
    def comparable(self) -> bool:
        return self.previous is not None and self.value is not None

    @property
    def change(self):
        return self.value - self.previous if self.comparable else None

    @property
    def change_percent(self) -> Decimal | None:
        if not self.comparable or not self.previous:
            return None
        return (Decimal(self.value - self.previous) * 100 / Decimal(self.previous)).quantize(Decimal("0.1"))


@dataclass
class Series:
    name: str
    values: list
    urls: list[str]
    axis: int = 0  # the chart's y-axis it is drawn against (Chart.axes)


@dataclass
class Chart:
    """A chart and its table: rows are the categories, columns the series."""

    key: str
    kind: str  # "bar", "stacked_bar", "line", "pie"
    title: str
    categories: list[str]
    series: list[Series]
    unit: str = ""
    axes: tuple[str, ...] = ()  # two y-axes (left, right) by name, when two series differ in size

    @property
    def wide(self) -> bool:
        """Many bars (the counties, several series) get the page's whole width."""
        return self.kind != "pie" and len(self.categories) * len(self.series) > 16

    @property
    def rows(self) -> list[tuple[str, list[tuple[object, str]]]]:
        return [
            (category, [(s.values[i], s.urls[i]) for s in self.series]) for i, category in enumerate(self.categories)
        ]

    def spec(self) -> dict:
        """What static/js/dashboard.js draws: plain JSON (json_script), no code."""
        return {
            "id": f"chart-{self.key}",
            "kind": self.kind,
            "title": str(self.title),
            "unit": str(self.unit),
            "categories": [str(c) for c in self.categories],
            "axes": [str(a) for a in self.axes],
            "series": [
                {"name": str(s.name), "values": [float(v) if isinstance(v, Decimal) else v for v in s.values],
                 "urls": s.urls, "axis": s.axis}
                for s in self.series
            ],
        }


@dataclass
class Table:
    """A table without a chart: a header row and rows of (value, url) cells after a label."""

    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[tuple[object, str]]]]


@dataclass
class PanelData:
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    definition: str
    build: Callable[["DashboardView"], PanelData | None]


@dataclass
class DashboardView:
    """What every builder is given: who asks, which organization's figures, which period."""

    actor: object
    scope: Organization | None  # None: everything (a superuser without an organization)
    period: Period
    _memo: dict = field(default_factory=dict, repr=False)

    def once(self, key: str, read: Callable):
        """`read()` the first time two panels ask for the same figures, then the kept answer."""
        if key not in self._memo:
            self._memo[key] = read()
        return self._memo[key]

    def ledger(self) -> dict:
        # A union's subtree holds no county: its target is none (and not shown).
        counties = self.counties() if self.has_counties else []
        return self.once("ledger", lambda: ledger_figures(actor=self.actor, county=self.county, periods=self.periods,
                                                          counties=counties, by_county=self.has_counties))

    def activity(self) -> list[dict]:
        """Visits, solved problems and legal aid cases per period (one query for both panels)."""
        return self.once("activity", lambda: visit_and_legal_figures_in_periods(
            actor=self.actor, organization=self.scope, periods=self.periods))

    def organizations(self) -> tuple[list, list[Organization]]:
        """(active organizations by kind in the scope, the counties in the actor's scope), one query."""
        return self.once("organizations", lambda: active_counts_and_counties(actor=self.actor, organization=self.scope))

    def counties(self) -> list[Organization]:
        """The counties in the actor's scope (id, code, name), read once for every panel."""
        return self.organizations()[1]

    @property
    def periods(self) -> tuple[tuple[datetime.date, datetime.date], ...]:
        return self.period.dates, self.period.previous.dates

    @property
    def county(self) -> Organization | None:
        """The county whose figures these are, when the scope is one (lists filter by it)."""
        if self.scope is not None and self.scope.kind == Organization.Kind.COUNTY_FEDERATION:
            return self.scope
        return None

    @property
    def has_counties(self) -> bool:
        """The scope spans counties (a city or the province): per-county charts make sense."""
        return self.scope is None or self.scope.kind in (
            Organization.Kind.PROVINCE_FEDERATION, Organization.Kind.CITY_FEDERATION)

    @property
    def org_code(self) -> str:
        return self.scope.code if self.scope is not None else ""

    @property
    def county_pk(self):
        return self.county.pk if self.county else ""

    @property
    def dates(self) -> dict[str, str]:
        return {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}


def _month_label(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


# --- the builders ----------------------------------------------------------------------------


def organizations_panel(v: DashboardView) -> PanelData:
    rows = v.organizations()[0]
    return PanelData(figures=[
        Figure(f"org-{kind}", label, n, link("organizations:list", kind=kind, status="active", county=v.county_pk))
        for kind, label, n in rows
    ])


def members_panel(v: DashboardView) -> PanelData:
    figures = member_figures_and_months(actor=v.actor, organization=v.scope, periods=v.periods)
    members = lambda **p: link("members:list", org=v.org_code, **p)  # noqa: E731
    start, end = v.period.dates
    data = PanelData(figures=[
        Figure("members-current", _("current members"), figures["current"], members()),
        Figure("members-joined", _("new members in the period"), figures["joined"][0],
               members(joined_from=start.isoformat(), joined_to=end.isoformat()), previous=figures["joined"][1]),
    ])
    categories = list(WorkerCategory.choices)
    data.charts.append(Chart(
        "members-by-category", "pie", _("Members by worker category"), [label for _c, label in categories],
        [Series(_("current members"), [figures[c] for c, _l in categories],
                [members(worker_category=c) for c, _l in categories])],
    ))
    months = v.period.months()
    joined = figures["by_month"]
    data.charts.append(Chart(
        "members-joined-by-month", "line", _("New members per month"), [_month_label(m) for m in months],
        [Series(_("new members"), [joined.get(m, 0) for m in months],
                [members(joined_from=max(m, start).isoformat(), joined_to=min(month_end(m), end).isoformat())
                 for m in months])],
    ))
    if v.has_counties:
        codes = {c.pk: c.code for c in v.counties()}
        per_county = [r for r in members_count_by_county(actor=v.actor) if r["county_id"] in codes]
        data.charts.append(Chart(
            "members-by-county", "bar", _("Members per county/district"), [r["county_name"] for r in per_county],
            [Series(_("current members"), [r["members"] for r in per_county],
                    [link("members:list", org=codes[r["county_id"]]) for r in per_county])],
        ))
    return data


def establishment_panel(v: DashboardView) -> PanelData:
    ledger = v.ledger()
    employers = lambda **p: link("employers:employer_list", county=v.county_pk, status="active", **p)  # noqa: E731
    labels = {"all": _("establishment rate, all employers"), "25": _("establishment rate, headcount 25 or more"),
              "50": _("establishment rate, headcount 50 or more")}
    bracket_filter = {"all": "", "25": "ge25", "50": "ge50"}
    figures = []
    for key, label in labels.items():
        f = ledger["brackets"][key]
        figures.append(Figure(
            f"rate-{key}", label, f.rate, employers(headcount=bracket_filter[key], covered="yes"), unit="%",
            detail=_("%(covered)s of %(total)s employers covered") % {"covered": f.covered, "total": f.total},
            detail_url=employers(headcount=bracket_filter[key]),
        ))
    ns = ledger["new_sector"]
    figures.append(Figure(
        "rate-new-sector", _("new-sector coverage"), ns.rate,
        link("employers:new_sector", county=v.county.code if v.county else ""), unit="%",
        detail=_("%(covered)s of %(total)s employers covered") % {"covered": ns.covered, "total": ns.total},
    ))
    start, end = v.period.dates
    figures.append(Figure(
        "unions-established", _("unions established in the period"), ledger["established"][0],
        employers(covered="yes", established_from=start.isoformat(), established_to=end.isoformat()),
        previous=ledger["established"][1],
    ))
    data = PanelData(figures=figures)
    if v.has_counties:
        rows = ledger["county_rows"]  # the rate page's rows, from the ledger's one query
        data.charts.append(Chart(
            "rate-by-county", "bar", _("Establishment rate per county/district"), [r.label for r in rows],
            [Series(labels[key], [r.brackets[key].rate or 0 for r in rows],
                    [link("employers:employer_list", county=r.key, status="active", covered="yes",
                          headcount=bracket_filter[key]) for r in rows])
             for key in labels],
            unit="%",
        ))
    return data


def instructors_panel(v: DashboardView) -> PanelData:
    ledger = v.ledger()
    federation = v.has_counties or v.county is not None
    return PanelData(figures=[
        Figure("instructors", _("work instructors in office"), ledger["instructors"],
               link("employers:instructor_list", county=v.county_pk, status="active")),
        Figure("sites", _("demonstration sites"), ledger["sites"],
               link("employers:site_list", county=v.county_pk, status="active"),
               detail=(_("target: at least %(n)s") % {"n": ledger["site_target"]}) if federation else ""),
    ])


def hardship_panel(v: DashboardView) -> PanelData:
    counts = file_figures(actor=v.actor, organization=v.scope)
    files = lambda **p: link("assistance:file_list", org=v.org_code, **p)  # noqa: E731
    statuses = list(FileStatus.choices)
    figures = [
        Figure(f"files-{c}", _("active files: %(category)s") % {"category": label},
               counts.get((c, FileStatus.ACTIVE), 0), files(category=c, status=FileStatus.ACTIVE))
        for c, label in Category.choices
    ]
    table = Table(
        "files-by-category", _("Hardship files by category and state"), [label for _s, label in statuses],
        [(label, [(counts.get((c, s), 0), files(category=c, status=s)) for s, _l in statuses])
         for c, label in Category.choices],
    )
    return PanelData(figures=figures, tables=[table])


def assistance_panel(v: DashboardView) -> PanelData:
    given = given_breakdown(actor=v.actor, organization=v.scope, periods=v.periods)
    now, before = given["periods"]
    totals = lambda **p: link("assistance:totals", org=v.org_code, **v.dates, **p)  # noqa: E731
    data = PanelData(figures=[
        Figure("given-amount", _("assistance given"), now["amount"], totals(by="kind"),
               previous=before["amount"], unit=_("yuan")),
        Figure("given-records", _("assistance records"), now["records"], totals(by="kind"),
               previous=before["records"]),
    ])
    for by, title, choices in (("season", _("Given per season (the four seasons)"), Season.choices),
                               ("fund_source", _("Given per fund source"), FundSource.choices)):
        rows = given[f"by_{by}"]
        data.tables.append(Table(
            f"given-by-{by}", title, [_("records"), _("amount (yuan)")],
            [(label, [(rows.get(key, {}).get("records", 0), totals(by=by)),
                      (rows.get(key, {}).get("amount", 0), totals(by=by))]) for key, label in choices],
        ))
    months = v.period.months()
    by_month = given["by_month_and_kind"]
    kinds = [(k, label) for k, label in AssistanceKind.choices if any((m, k) in by_month for m in months)]
    start, end = v.period.dates

    def month_link(m):
        return link("assistance:totals", org=v.org_code, by="kind",
                    **{"from": max(m, start).isoformat(), "to": min(month_end(m), end).isoformat()})

    data.charts.append(Chart(
        "given-by-month", "stacked_bar", _("Assistance given per month, by kind"), [_month_label(m) for m in months],
        [Series(label, [by_month.get((m, k), 0) for m in months], [month_link(m) for m in months])
         for k, label in kinds],
        unit=_("yuan"),
    ))
    return data


def visits_panel(v: DashboardView) -> PanelData:
    now, before = v.activity()
    # No list of visits exists; the totals page shows these figures for the same dates and union.
    page = link("assistance:totals", org=v.org_code, **v.dates)
    return PanelData(figures=[
        Figure("households-visited", _("households visited"), now["households"], page, previous=before["households"]),
        Figure("problems-solved", _("problems solved"), now["solved"], page, previous=before["solved"]),
    ])


def legal_panel(v: DashboardView) -> PanelData:
    now, before = v.activity()
    start, end = v.period.dates
    return PanelData(figures=[
        Figure("legal-cases", _("legal aid cases accepted"), now["cases"],
               link("assistance:legal_list", org=v.org_code, opened_from=start.isoformat(), opened_to=end.isoformat()),
               previous=before["cases"]),
    ])


def competitions_panel(v: DashboardView) -> PanelData:
    county = v.county.code if v.county else ""
    now, before = competition_figures(actor=v.actor, periods=v.periods, county=v.county)  # one query
    year = now["year"]  # honors and enterprises are kept by year: the year the period ends in
    dated = {**v.dates, "county": county}
    figures = []
    if v.has_counties or v.county is not None:
        # Competitions are counted where their host lies; a branch union hosts none, and its
        # list shows the federations' competitions it may enter: no figure that the list contradicts.
        figures.append(Figure("competitions", _("labor competitions"), sum(now["competitions"].values()),
                              link("competitions:list", **dated), previous=sum(before["competitions"].values())))
        figures += [
            Figure(f"competitions-{kind}", label, now["competitions"].get(kind, 0),
                   link("competitions:list", kind=kind, **dated), previous=before["competitions"].get(kind, 0))
            for kind, label in CompetitionKind.choices
        ]
    figures += [
        Figure("competition-people", _("people-times taking part"), now["people_times"],
               link("competitions:participation_list", **dated), previous=before["people_times"]),
        Figure("honors", _("honors"), sum(now["honors"].values()),
               link("competitions:honor_list", year=year, county=county), previous=sum(before["honors"].values())),
        Figure("enterprises", _("innovation enterprises named"), sum(now["enterprises"].values()),
               link("competitions:enterprise_list", year=year, county=county),
               previous=sum(before["enterprises"].values())),
    ]
    figures += [
        Figure(f"enterprises-{level}", _("innovation enterprises: %(level)s") % {"level": label},
               now["enterprises"].get(level, 0), link("competitions:enterprise_list", year=year, county=county,
                                                      level=level), previous=before["enterprises"].get(level, 0))
        for level, label in EnterpriseLevel.choices
    ]
    figures += [
        Figure("fund-granted", _("innovation fund granted"), now["granted"],
               link("competitions:enterprise_list", year=year, county=county), previous=before["granted"],
               unit=_("yuan")),
        Figure("fund-paid", _("innovation fund paid"), now["paid"], link("competitions:fund_ledger", **dated),
               previous=before["paid"], unit=_("yuan")),
    ]
    return PanelData(figures=figures)


def events_panel(v: DashboardView) -> PanelData:
    found = event_figures(actor=v.actor, periods=v.periods, organization=v.scope)  # one query
    now, before = found["totals"]
    start, end = v.period.dates

    def events(first=start, last=end, **p):
        return link("events:event_list", org=v.org_code, status=EventStatus.HELD,
                    **{"from": first.isoformat(), "to": last.isoformat()}, **p)

    def hazard_list(first=start, last=end, **p):
        return link("events:hazard_list", org=v.org_code, **{"from": first.isoformat(), "to": last.isoformat()}, **p)

    def figure(key, label, name, url, **kw):
        return Figure(key, label, now[name], url, previous=before[name], **kw)

    audience = lambda t: t["on_site"] + t["online"]  # noqa: E731
    data = PanelData(figures=[
        figure("events-held", _("events held"), "events", events()),
        Figure("events-audience", _("audience (on site and online)"), audience(now), events(),
               previous=audience(before), detail=_("%(on_site)s on site, %(online)s online") % {
                   "on_site": now["on_site"], "online": now["online"]}),
        figure("lectures", _("lectures"), "lectures", events(kind=EventKind.LECTURE)),
        figure("model-worker-lectures", _("model-worker lectures"), "model_worker_lectures",
               events(kind=EventKind.LECTURE, model_worker="1")),
        figure("live-streams", _("live streams"), "live_streams", events(stream="1")),
        figure("trainings", _("safety trainings"), "trainings", events(kind=EventKind.SAFETY_TRAINING),
               detail=_("%(n)s trainees") % {"n": now["trainees"]}),
        figure("hazards-found", _("hazards found"), "found", hazard_list()),
        figure("hazards-rectified", _("hazards rectified"), "rectified", hazard_list(rectified="1")),
        # Overdue is a state today, not a flow: no comparison with last year.
        Figure("hazards-overdue", _("hazards overdue"), now["overdue"], hazard_list(state="overdue")),
        figure("lectures-legal", _("legal lectures"), "legal_lectures", events(kind=EventKind.LEGAL_LECTURE),
               detail=_("%(n)s attendees") % {"n": now["legal_attendees"]}),
    ])
    months = v.period.months()
    labels = [_month_label(m) for m in months]
    cells = [found["months"].get((0, m), {}) for m in months]
    spans = [(max(m, start), min(month_end(m), end)) for m in months]
    month_links = [events(a, b) for a, b in spans]
    data.charts.append(Chart(
        "events-by-month", "bar", _("Events held and their audience per month"), labels,
        [Series(_("events held"), [c.get("events", 0) for c in cells], month_links),
         Series(_("audience"), [c.get("on_site", 0) + c.get("online", 0) for c in cells], month_links, axis=1)],
        axes=(_("events held"), _("audience")),
    ))
    data.charts.append(Chart(
        "hazards-by-month", "line", _("Hazards found and rectified per month"), labels,
        [Series(_("hazards found"), [c.get("found", 0) for c in cells], [hazard_list(a, b) for a, b in spans]),
         Series(_("hazards rectified"), [c.get("rectified", 0) for c in cells],
                [hazard_list(a, b, rectified="1") for a, b in spans])],
    ))
    return data


PANELS: list[Panel] = [
    Panel("organizations", _("Union organizations"), _("Active organizations in the scope, by kind."),
          organizations_panel),
    Panel("members", _("Members"),
          _("Current members (active or retained); new members: current members whose joining date lies in the period."),
          members_panel),
    Panel("establishment", _("Union establishment"),
          _("Active employers of the ledger; covered: a grassroots union covers it. Rate = covered ÷ employers."),
          establishment_panel),
    Panel("instructors", _("Work instructors and demonstration sites"),
          _("Active instructors and active sites; the target is the counties' minimum."), instructors_panel),
    Panel("hardship", _("Hardship files"), _("Files in the scope by category and state, as the file list counts them."),
          hardship_panel),
    Panel("assistance", _("Assistance given"),
          _("Approved assistance records dated in the period; the season is that of the date."), assistance_panel),
    Panel("visits", _("Home visits"),
          _("Households visited in the period; problems solved in it."), visits_panel),
    Panel("legal", _("Legal aid"), _("Cases accepted in the period."), legal_panel),
    Panel("competitions", _("Labor competitions"),
          _("Competitions starting in the period and their people-times; innovation fund paid in it; honors and "
            "innovation enterprises named (kept by year) in the year the period ends in."),
          competitions_panel),
    Panel("events", _("Events and safety"),
          _("Events held and trainings starting in the period; hazards found in it, rectified and overdue today "
            "among them."),
          events_panel),
]
# reports (issue 20) append their panels here.


# The figures the big screen shows, in this order: the headline of each area, few enough to
# read from across the room and leave half the screen to the charts.
SCREEN_FIGURES = (
    "members-current", "members-joined", "rate-25", "rate-50", "rate-new-sector", "unions-established",
    "instructors", "sites", "given-amount", "households-visited", "problems-solved", "legal-cases",
)


def screen_figures(panels: list["BuiltPanel"]) -> list[Figure]:
    found = {f.key: f for built in panels for f in built.data.figures}
    return [found[key] for key in SCREEN_FIGURES if key in found]


@dataclass
class BuiltPanel:
    panel: Panel
    data: PanelData


def build_panels(view: DashboardView, keys: tuple[str, ...] | None = None) -> list[BuiltPanel]:
    built = []
    for panel in PANELS:
        if keys is not None and panel.key not in keys:
            continue
        data = panel.build(view)
        if data is not None:
            built.append(BuiltPanel(panel, data))
    return built
