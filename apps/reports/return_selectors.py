"""Reads of the annual statistical return; each starts from scope (a unit is seen by its own
union and the federations above it, never by a sibling).

Live figures come from the owning apps' selectors only (members: the kept counts and the
roll; employers: the ledger's headcount); every function runs a fixed number of queries
whatever the number of units.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from apps.accounts.roles import CAPABILITIES
from apps.employers.selectors import covered_headcount
from apps.members.selectors import unit_member_figures
from apps.organizations.scope import get_visible_or_404, scope_queryset

from .return_figures import CATEGORY_KEYS, FIGURE_KEYS, UNIT_KINDS
from .return_models import ReturnCorrection, ReturnUnit, StatisticalReturn

UNIT_PAGE_SIZE = 50
_MEMBER_FIGURES = ("members", *CATEGORY_KEYS, "women_members", "new_members")
# last year's live figure of each figure, as unit_member_figures names it
_PREVIOUS = {"members": "previous_members", **{c: f"previous_{c}" for c in CATEGORY_KEYS},
             "new_members": "previous_new_members"}


def _units(actor) -> QuerySet[ReturnUnit]:
    return scope_queryset(ReturnUnit.objects.all(), actor)


def returns_for(*, actor) -> QuerySet[StatisticalReturn]:
    """The returns in which the actor's scope holds a unit, newest year first."""
    mine = _units(actor).filter(statistical_return=OuterRef("pk"))
    return StatisticalReturn.objects.filter(Exists(mine)).order_by("-year")


def get_return(*, actor, pk: int) -> StatisticalReturn:
    try:
        return returns_for(actor=actor).select_related("organization").get(pk=pk)
    except StatisticalReturn.DoesNotExist as exc:
        raise Http404 from exc


def county_status_counts(*, actor, statistical_return) -> tuple[list[dict], dict]:
    """Units per county/district in scope by status (one grouped query), and their total."""
    statuses = ReturnUnit.Status.values
    rows = (_units(actor).filter(statistical_return=statistical_return).order_by()
            .values("organization__county_id", "organization__county__name", "organization__county__code")
            .annotate(total=Count("id"), **{s: Count("id", filter=Q(status=s)) for s in statuses})
            .order_by("organization__county__code"))
    counties = [{"county_id": r["organization__county_id"], "county_name": r["organization__county__name"],
                 "total": r["total"], **{s: r[s] for s in statuses}} for r in rows]
    total = {key: sum(c[key] for c in counties) for key in ("total", *statuses)}
    return counties, total


def unit_page(*, actor, statistical_return, status: str = "", county_id: int | None = None,
              page: int = 1) -> tuple[list[ReturnUnit], bool]:
    """One page of the units in scope (by county, then tree order), filtered by status and
    county, and whether there is a next one: no COUNT(*) (the counts per county give it)."""
    qs = (_units(actor).filter(statistical_return=statistical_return)
          .select_related("organization", "organization__county", "confirmed_by")
          .order_by("organization__path"))
    if status:
        qs = qs.filter(status=status)
    if county_id:
        qs = qs.filter(organization__county_id=county_id)
    start = (page - 1) * UNIT_PAGE_SIZE
    rows = list(qs[start:start + UNIT_PAGE_SIZE + 1])
    return rows[:UNIT_PAGE_SIZE], len(rows) > UNIT_PAGE_SIZE


def own_units(*, actor, statistical_return, limit: int = 20) -> list[ReturnUnit]:
    """The units of the actor's own union and just under it (a branch officer's form); none
    for a federation's staff, who fill no form of their own."""
    org = getattr(actor, "organization", None)
    if org is None or org.kind not in UNIT_KINDS:
        return []
    return list(_units(actor).filter(statistical_return=statistical_return)
                .filter(Q(organization=org) | Q(organization__parent=org))
                .select_related("organization").order_by("organization__path")[:limit])


def get_unit(*, actor, pk: int) -> ReturnUnit:
    """One unit of the actor's scope, else 404."""
    return get_visible_or_404(
        ReturnUnit.objects.select_related("statistical_return", "organization", "organization__county",
                                          "saved_by", "confirmed_by"), actor, pk=pk)


def unit_corrections(*, unit) -> list[ReturnCorrection]:
    return list(unit.corrections.select_related("by").order_by("-at", "-id"))


def live_figures_by_unit(*, actor, year: int, organization=None) -> tuple[dict, dict]:
    """({organization_id: {figure: live value or None}}, {organization_id: last year's live
    figures}) for the units in the actor's scope (or `organization` alone): three queries."""
    members = unit_member_figures(actor=actor, kinds=UNIT_KINDS, year=year, organization=organization)
    employees = covered_headcount(actor=actor, organization=organization)
    ids = set(members) | set(employees)
    live, previous = {}, {}
    for org_id in ids:
        m, e = members.get(org_id), employees.get(org_id)
        live[org_id] = {
            **{key: (m or {}).get(key, 0) for key in _MEMBER_FIGURES},
            "employees": e["employees"] if e else None,
        }
        previous[org_id] = {key: m[source] for key, source in _PREVIOUS.items()} if m else {}
    return live, previous


def unit_live_figures(*, actor, unit) -> dict:
    """The unit's live figures now, each figure → value (None: no live source)."""
    live, _previous = live_figures_by_unit(actor=actor, year=unit.statistical_return.year,
                                           organization=unit.organization)
    figures = live.get(unit.organization_id) or {key: 0 for key in _MEMBER_FIGURES}
    return {key: figures.get(key) for key in FIGURE_KEYS}


def confirmed_sums(*, actor, statistical_return) -> tuple[list[dict], dict]:
    """The sum of the confirmed figures per county/district in scope (one grouped query) and
    over all of them: the return of the actor's federation."""
    sums = {f"f_{key}": Sum(key) for key in FIGURE_KEYS}  # named apart from the columns
    rows = (_units(actor).filter(statistical_return=statistical_return, status=ReturnUnit.Status.CONFIRMED)
            .order_by().values("organization__county_id").annotate(units=Count("id"), **sums))
    counties = {r["organization__county_id"]: {"units": r["units"], **{k: r[f"f_{k}"] or 0 for k in FIGURE_KEYS}}
                for r in rows}
    total = {key: sum(c[key] for c in counties.values()) for key in ("units", *FIGURE_KEYS)}
    return counties, total


def live_sums(*, actor, statistical_return) -> tuple[dict, dict]:
    """The live figures of the units' organizations per county/district in scope, and over all:
    what the records give today, beside the confirmed sum (three grouped queries)."""
    members = unit_member_figures(actor=actor, kinds=UNIT_KINDS, year=statistical_return.year, by_county=True)
    employees = covered_headcount(actor=actor, by_county=True)
    counties = {}
    for county_id in set(members) | set(employees):
        m, e = members.get(county_id, {}), employees.get(county_id, {})
        counties[county_id] = {**{k: m.get(k, 0) for k in _MEMBER_FIGURES}, "employees": e.get("employees", 0),
                               "committee_members": None}
    keys = [k for k in FIGURE_KEYS if k != "committee_members"]
    total = {key: sum(c[key] for c in counties.values()) for key in keys} | {"committee_members": None}
    return counties, total


def unconfirmed_recipients(*, actor, statistical_return) -> list[int]:
    """The active users who confirm a form (reports.confirm_return) of an unconfirmed unit in
    `actor`'s scope (everyone's with actor None: the reminder rule runs as the system)."""
    units = ReturnUnit.objects.filter(statistical_return=statistical_return).exclude(
        status=ReturnUnit.Status.CONFIRMED)
    if actor is not None:
        units = scope_queryset(units, actor)
    users = get_user_model().objects.filter(
        is_active=True, role__in=CAPABILITIES["reports.confirm_return"],
        organization_id__in=units.values("organization_id"))
    return sorted(users.values_list("pk", flat=True))


def previous_confirmed(*, year: int, organization_ids=None) -> dict[int, dict]:
    """Last year's confirmed figures per organization ({organization_id: {figure: value}}), one query."""
    qs = ReturnUnit.objects.filter(statistical_return__year=year - 1, status=ReturnUnit.Status.CONFIRMED)
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=organization_ids)
    return {row["organization_id"]: {k: row[k] for k in FIGURE_KEYS if row[k] is not None}
            for row in qs.values("organization_id", *FIGURE_KEYS)}
