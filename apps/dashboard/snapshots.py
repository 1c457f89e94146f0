"""The federations' dashboards computed in advance (models.DashboardSnapshot, issue 19 item 5).

The page asks `panels_for(view)`: a snapshot of the same organization, period and language
computed less than MAX_AGE ago, or else the panels built now. Only the
beat task writes snapshots (`refresh_all`, every REFRESH_MINUTES): a GET never writes, so a
dashboard read stays a read (a replica may serve it, DEPLOYMENT.md).

What is kept: for every active province, city and county federation, the periods leaders
open — this year, last year, this month and last month — in every interface language.
Everything else (a custom range, a union's dashboard, the panel export) is always computed
live. The figures are those the federation's own staff see: built with ScopeViewer, whose
scope is the federation's subtree, and looked up by the dashboard's organization, which the
view has already checked against the reader's scope — so a county clerk is only ever served
their own county's, and a city clerk who picks a county the one the county's staff are
served (the same rows; tests/dashboard/test_snapshots.py).
"""

import datetime
import logging
import pickle

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from apps.organizations.scope import ScopeViewer
from apps.organizations.selectors import CITY_AND_COUNTY_KINDS, city_and_county_federations

from .models import DashboardSnapshot
from .panels import PANELS, BuiltPanel, DashboardView, build_panels
from .periods import LAST_YEAR, MONTH, THIS_YEAR, Period, parse_period

log = logging.getLogger("apps.dashboard")

REFRESH_MINUTES = 10
# Never shown older than this (the bound): a refresh missed once still leaves five minutes.
MAX_AGE = datetime.timedelta(minutes=15)
# Snapshots of past days (yesterday's "this year") are removed after this.
KEEP = datetime.timedelta(days=2)


def key(view: DashboardView, language: str) -> str:
    """The dashboard's organization, period and language. The organization alone names the
    figures: the view has checked it lies in the reader's scope (views._dashboard_view), and
    every panel counts that organization's subtree whoever reads it."""
    scope = view.scope.pk if view.scope is not None else "all"
    p = view.period
    return f"v1:{scope}:{p.kind}:{p.start}:{p.end}:{language}"


def panels_for(view: DashboardView) -> tuple[list[BuiltPanel], datetime.datetime | None]:
    """(the panels, when they were computed: None when just now), from a fresh snapshot
    when there is one (only a federation's are kept: no query is spent looking for a union's)."""
    if view.scope is None or view.scope.kind not in CITY_AND_COUNTY_KINDS:
        return build_panels(view), None
    snapshot = DashboardSnapshot.objects.filter(
        key=key(view, translation.get_language()), computed_at__gte=timezone.now() - MAX_AGE
    ).only("computed_at", "panels").first()
    if snapshot is None:
        return build_panels(view), None
    by_key = {panel.key: panel for panel in PANELS}
    kept = pickle.loads(snapshot.panels)  # written by refresh() below, never from input
    return [BuiltPanel(by_key[k], data) for k, data in kept if k in by_key], snapshot.computed_at


def kept_periods(today: datetime.date) -> list[Period]:
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    return [
        parse_period({"period": THIS_YEAR}, today=today),
        parse_period({"period": LAST_YEAR}, today=today),
        parse_period({"period": MONTH, "month": today.strftime("%Y-%m")}, today=today),
        parse_period({"period": MONTH, "month": last_month.strftime("%Y-%m")}, today=today),
    ]


def refresh(organization, periods: list[Period]) -> int:
    """Compute and keep `organization`'s dashboards for `periods` in every language; returns
    how many were written."""
    viewer = ScopeViewer(organization)
    rows = []
    for period in periods:
        view = DashboardView(actor=viewer, scope=organization, period=period)
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                built = build_panels(view)
                computed_at = timezone.now()
                panels = pickle.dumps([(b.panel.key, b.data) for b in built], protocol=pickle.HIGHEST_PROTOCOL)
            rows.append(DashboardSnapshot(key=key(view, language), computed_at=computed_at, panels=panels))
    DashboardSnapshot.objects.bulk_create(rows, update_conflicts=True, unique_fields=["key"],
                                          update_fields=["computed_at", "panels"])
    return len(rows)


def refresh_all(today: datetime.date | None = None) -> int:
    """Every federation's kept dashboards, then the old ones removed. Each federation is its
    own transaction: a failure in one (logged) leaves the others' fresh."""
    today = today or timezone.localdate()
    periods = kept_periods(today)
    written = 0
    for organization in city_and_county_federations():
        try:
            with transaction.atomic():
                written += refresh(organization, periods)
        except Exception:  # one federation's failure must not stop the others' refresh
            log.exception("dashboard snapshots of %s not refreshed", organization.code)
    removed, _ = DashboardSnapshot.objects.filter(computed_at__lt=timezone.now() - KEEP).delete()
    log.info("dashboard snapshots: %s written, %s old ones removed", written, removed)
    return written
