"""Every read of competitions, honors and innovation enterprises: each takes the user and
starts from the scope (apps.organizations.scope).

Scope rules:
- a competition is visible when its host lies in the user's subtree, or one of the
  organizations taking part does (a county's unions see the city competition they enter);
  changing it is the runner's alone (services.may_run);
- an honor through its organization; a participation through its organization;
- an innovation enterprise through its employer (county, township or covering union, as the
  ledger), and a fund payment through its enterprise.

The figures the dashboard and reports call (per scope and year, optionally one county):
`competition_counts`, `participation_totals`, `honor_counts`, `innovation_enterprise_counts`,
`fund_totals`. The statistics page groups the same queries by county (`statistics`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial, reduce
from operator import or_

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from apps.employers.selectors import EMPLOYER_SCOPE_VIAS
from apps.organizations.models import Organization
from apps.organizations.scope import scope_queryset, scope_queryset_any, sees_everything, visible_organizations

from . import ranking
from .choices import EnterpriseLevel, HonorLevel, Kind, Level, Status
from .models import (
    Competition,
    FundPayment,
    Honor,
    InnovationEnterprise,
    InnovationOutcome,
    Participant,
    Participation,
    Score,
    Team,
)

# Scoped reads of this app's tables (competitions, honors and participations) take the scope's organization
# ids first (scope_queryset's ids_first: the planner never walks the whole tree; issue 21).
_scoped = partial(scope_queryset, ids_first=True)

ENTERPRISE_VIAS = tuple(f"employer__{via}" for via in EMPLOYER_SCOPE_VIAS)
PAYMENT_VIAS = tuple(f"enterprise__{via}" for via in ENTERPRISE_VIAS)


# --- visibility ---------------------------------------------------------------------------


def competitions_visible_to(user) -> QuerySet[Competition]:
    if sees_everything(user):
        return Competition.objects.all()
    visible = visible_organizations(user).values("pk")
    taking_part = Participation.objects.filter(organization__in=visible).values("competition_id")
    return Competition.objects.filter(Q(host__in=visible) | Q(pk__in=taking_part))


def enterprises_visible_to(user) -> QuerySet[InnovationEnterprise]:
    # A few hundred enterprises a city, so joined per row, not tested against id arrays.
    return scope_queryset_any(InnovationEnterprise.objects.all(), user, vias=ENTERPRISE_VIAS, few_rows=True)


def payments_visible_to(user) -> QuerySet[FundPayment]:
    """Fund payments visible through their enterprise's employer, as its enterprise is."""
    return scope_queryset_any(FundPayment.objects.all(), user, vias=PAYMENT_VIAS, few_rows=True)


def visible_county(user, code: str) -> Organization | None:
    """A county (or the city federation, meaning "at city level") in scope, by code, for a filter."""
    if not code:
        return None
    return (visible_organizations(user)
            .filter(code=code, kind__in=(Organization.Kind.COUNTY_FEDERATION, Organization.Kind.CITY_FEDERATION))
            .first())


def _leads_to_organization(model, via: str) -> bool:
    for name in via.split("__"):
        model = model._meta.get_field(name).related_model
    return model is Organization


def _in_county(queryset: QuerySet, via: str, county: Organization | None) -> QuerySet:
    """Rows whose organization (through `via`) lies in the county; the city federation as
    the "county" means rows of organizations directly at city level (no county)."""
    if county is None:
        return queryset
    if county.kind == Organization.Kind.CITY_FEDERATION:
        no_county = queryset.filter(**{f"{via}__county__isnull": True})
        if _leads_to_organization(queryset.model, via):
            # This city's own level only, not its province's or a sibling city's (issue 21).
            return no_county.filter(**{f"{via}__path__startswith": county.path})
        return no_county  # an employer has no path: the actor's scope keeps it in the city
    return queryset.filter(**{f"{via}__county": county})


# --- competitions -------------------------------------------------------------------------


@dataclass
class CompetitionFilters:
    year: int | None = None
    county: Organization | None = None
    kind: str = ""
    level: str = ""
    status: str = ""
    q: str = ""
    dates: tuple | None = None  # (first, last): starting in them (the dashboard's period)


def competition_list(*, actor, filters: CompetitionFilters | None = None) -> QuerySet[Competition]:
    """Newest first, along competition_start_idx; the county is the host's."""
    f = filters or CompetitionFilters()
    qs = competitions_visible_to(actor)
    if f.year:
        qs = qs.filter(starts_on__year=f.year)
    if f.dates:
        qs = qs.filter(starts_on__range=f.dates)
    qs = _in_county(qs, "host", f.county)
    for name in ("kind", "level", "status"):
        if getattr(f, name):
            qs = qs.filter(**{name: getattr(f, name)})
    if f.q:
        qs = qs.filter(name__icontains=f.q)
    return qs.select_related("host", "host__county", "industry").order_by("-starts_on", "-id")


def running_competition_count(*, actor) -> int:
    """Competitions the user sees that are running now (the start page's figure)."""
    return competitions_visible_to(actor).filter(status=Status.RUNNING).count()


def competition_detail(*, actor, pk: int) -> Competition:
    return get_object_or_404(competitions_visible_to(actor).select_related("host", "industry", "created_by"), pk=pk)


def competition_ranking(*, competition: Competition) -> tuple[list, list[ranking.RankRow]]:
    """(stages, ranked rows) from the competition's marks: three queries however many teams."""
    stages = list(competition.stages.all())
    teams = list(competition.teams.select_related("organization", "organization__county"))
    marks = {(s.stage_id, s.team_id, s.criterion): s.value
             for s in Score.objects.filter(stage__competition=competition).only("stage_id", "team_id", "criterion",
                                                                               "value")}
    return stages, ranking.rank(teams, stages, marks, competition.weights)


def stage_marks(*, stage) -> dict[tuple[int, str], Decimal]:
    return {(s.team_id, s.criterion): s.value for s in stage.scores.all()}


def awards_by_county(*, competition: Competition) -> list[dict]:
    """Each county's quota and the awards its teams hold."""
    given = dict(competition.teams.exclude(award="").values_list("organization__county").annotate(n=Count("id")))
    rows = [{"county": q.county, "quota": q.quota, "given": given.get(q.county_id, 0)}
            for q in competition.quotas.select_related("county")]
    return rows


@dataclass
class ParticipationFilters:
    year: int | None = None
    county: Organization | None = None
    competition: Competition | None = None
    dates: tuple | None = None  # (first, last): in competitions starting in them


def participation_list(*, actor, filters: ParticipationFilters | None = None) -> QuerySet[Participation]:
    """Organizations taking part, with the people they counted and named; the county is the
    participating organization's."""
    f = filters or ParticipationFilters()
    qs = _scoped(Participation.objects.all(), actor)
    if f.year:
        qs = qs.filter(competition__starts_on__year=f.year)
    if f.competition:
        qs = qs.filter(competition=f.competition)
    if f.dates:
        qs = qs.filter(competition__starts_on__range=f.dates)
    qs = _in_county(qs, "organization", f.county)
    named = (Participant.objects.filter(competition_id=OuterRef("competition_id"),
                                        organization_id=OuterRef("organization_id"))
             .order_by().values("competition_id").annotate(c=Count("id")).values("c")[:1])
    return (qs.select_related("competition", "organization", "organization__county")
            .annotate(named=Coalesce(Subquery(named, output_field=IntegerField()), 0))
            .order_by("-competition__starts_on", "competition_id", "id"))


# --- honors -------------------------------------------------------------------------------


@dataclass
class HonorFilters:
    year: int | None = None
    county: Organization | None = None
    organization: Organization | None = None
    level: str = ""
    kind: int | None = None
    q: str = ""


def honor_list(*, actor, filters: HonorFilters | None = None) -> QuerySet[Honor]:
    f = filters or HonorFilters()
    qs = _scoped(Honor.objects.all(), actor)
    if f.year:
        qs = qs.filter(year=f.year)
    qs = _in_county(qs, "organization", f.county)
    if f.organization:
        qs = qs.filter(organization__path__startswith=f.organization.path)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.kind:
        qs = qs.filter(kind_id=f.kind)
    if f.q:
        qs = qs.filter(honoree__icontains=f.q)
    return qs.select_related("kind", "organization", "organization__county").order_by("-year", "kind__position", "id")


def member_honors(*, member) -> QuerySet[Honor]:
    """The honors of the person a member row is (by member or resident ID number: an honor
    given before they joined, or in an earlier union, is still theirs)."""
    return (Honor.objects.filter(Q(member=member) | Q(id_number=member.id_number))
            .select_related("kind", "organization").order_by("-year", "kind__position"))


# --- innovation enterprises and the fund --------------------------------------------------


@dataclass
class EnterpriseFilters:
    year: int | None = None
    county: Organization | None = None
    level: str = ""
    q: str = ""


def enterprise_list(*, actor, filters: EnterpriseFilters | None = None) -> QuerySet[InnovationEnterprise]:
    f = filters or EnterpriseFilters()
    qs = enterprises_visible_to(actor)
    if f.year:
        qs = qs.filter(year_named=f.year)
    qs = _in_county(qs, "employer", f.county)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.q:
        qs = qs.filter(employer__name__icontains=f.q)
    return (qs.select_related("employer", "employer__county")
            .annotate(paid=Sum("payments__amount"))
            .order_by("-year_named", "level", "id"))


def enterprise_detail(*, actor, pk: int) -> InnovationEnterprise:
    return get_object_or_404(enterprises_visible_to(actor).select_related("employer", "employer__county", "fund"),
                             pk=pk)


def enterprise_outcomes(*, enterprise) -> QuerySet[InnovationOutcome]:
    return enterprise.outcomes.select_related("reported_by")


@dataclass
class PaymentFilters:
    year: int | None = None
    county: Organization | None = None
    enterprise: InnovationEnterprise | None = None
    dates: tuple | None = None  # (first, last): paid in them


def payment_list(*, actor, filters: PaymentFilters | None = None) -> QuerySet[FundPayment]:
    f = filters or PaymentFilters()
    qs = payments_visible_to(actor)
    if f.year:
        qs = qs.filter(paid_on__year=f.year)
    if f.dates:
        qs = qs.filter(paid_on__range=f.dates)
    qs = _in_county(qs, "enterprise__employer", f.county)
    if f.enterprise:
        qs = qs.filter(enterprise=f.enterprise)
    return qs.select_related("enterprise__employer", "enterprise__employer__county").order_by("-paid_on", "-id")


# --- figures: per scope and year (the dashboard's and reports' entry points) ----------------


def _years(qs, field_name: str, year: int | None):
    return qs.filter(**{field_name: year}) if year else qs


def competition_counts(*, actor, year: int | None = None, county: Organization | None = None) -> dict:
    """{"by_kind": {kind: n}, "by_level": {level: n}, "total": n}: competitions hosted in
    scope that start in the year."""
    qs = _in_county(_years(_scoped(Competition.objects.all(), actor, via="host"), "starts_on__year", year),
                    "host", county)
    by_kind = dict(qs.order_by().values_list("kind").annotate(n=Count("id")))
    by_level = dict(qs.order_by().values_list("level").annotate(n=Count("id")))
    return {"by_kind": by_kind, "by_level": by_level, "total": sum(by_kind.values())}


def participation_totals(*, actor, year: int | None = None, county: Organization | None = None) -> dict:
    """{"organizations": organizations taking part, once per competition they enter (the
    participation list's rows), "people_times": counted + named participants} in competitions
    starting in the year, counted where the organization lies in scope."""
    rows = _participation_by_county(actor, year, county)
    return {"organizations": sum(r["organizations"] for r in rows.values()),
            "people_times": sum(r["people_times"] for r in rows.values())}


def honor_counts(*, actor, year: int | None = None, county: Organization | None = None) -> dict:
    """{level: n, "total": n}: honors of organizations in scope for the year."""
    qs = _in_county(_years(_scoped(Honor.objects.all(), actor), "year", year), "organization", county)
    counts = dict(qs.order_by().values_list("level").annotate(n=Count("id")))
    return {**counts, "total": sum(counts.values())}


def innovation_enterprise_counts(*, actor, year: int | None = None, county: Organization | None = None) -> dict:
    """{level: n, "total": n}: enterprises in scope named in the year."""
    qs = _in_county(_years(enterprises_visible_to(actor), "year_named", year), "employer", county)
    counts = dict(qs.order_by().values_list("level").annotate(n=Count("id")))
    return {**counts, "total": sum(counts.values())}


def fund_totals(*, actor, year: int | None = None, county: Organization | None = None) -> dict:
    """{"granted": yuan granted to enterprises named in the year, "paid": yuan paid in the year}."""
    enterprises = _in_county(_years(enterprises_visible_to(actor), "year_named", year), "employer", county)
    payments = _in_county(_years(payments_visible_to(actor),
                                 "paid_on__year", year), "enterprise__employer", county)
    return {"granted": enterprises.aggregate(s=Sum("granted"))["s"] or Decimal(0),
            "paid": payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)}


def year_figures(*, actor, year: int, county: Organization | None = None) -> dict:
    """competition_counts' by_kind, participation_totals' people_times, honor_counts,
    innovation_enterprise_counts and fund_totals for one year, in one query (a UNION ALL of
    the same filters), for the dashboard: {"competitions": {kind: n}, "people_times": n,
    "honors": {level: n}, "enterprises": {level: n}, "granted": yuan, "paid": yuan}."""
    money = DecimalField(max_digits=14, decimal_places=2)

    def part(qs, name, key, n, amount):
        return qs.order_by().values_list(Value(name, output_field=CharField()), key).annotate(
            n=n, amount=Coalesce(amount, Value(0), output_field=money))

    zero = Value(0, output_field=money)
    competitions = _in_county(_years(_scoped(Competition.objects.all(), actor, via="host"), "starts_on__year",
                                     year), "host", county)
    parts = _in_county(_years(_scoped(Participation.objects.all(), actor), "competition__starts_on__year",
                              year), "organization", county)
    named = _in_county(_years(_scoped(Participant.objects.all(), actor), "competition__starts_on__year",
                              year), "organization", county)
    honors = _in_county(_years(_scoped(Honor.objects.all(), actor), "year", year), "organization", county)
    enterprises = _in_county(_years(enterprises_visible_to(actor), "year_named", year), "employer", county)
    payments = _in_county(_years(payments_visible_to(actor),
                                 "paid_on__year", year), "enterprise__employer", county)
    blank = Value("", output_field=CharField())
    rows = part(competitions, "competitions", "kind", Count("id"), zero).union(
        part(parts.annotate(k=blank), "people", "k", Coalesce(Sum("counted_people"), 0), zero),
        part(named.annotate(k=blank), "people", "k", Count("id"), zero),
        part(honors, "honors", "level", Count("id"), zero),
        part(enterprises, "enterprises", "level", Count("id"), Sum("granted")),
        part(payments.annotate(k=blank), "paid", "k", Count("id"), Sum("amount")),
        all=True,
    )
    out = {"competitions": {}, "people_times": 0, "honors": {}, "enterprises": {}, "granted": Decimal(0),
           "paid": Decimal(0)}
    for name, key, n, amount in rows:
        if name == "people":
            out["people_times"] += n
        elif name == "paid":
            out["paid"] += amount
        else:
            out[name][key] = n
            if name == "enterprises":
                out["granted"] += amount
    return out


def period_figures(*, actor, periods, county: Organization | None = None) -> list[dict]:
    """year_figures for each of `periods` ((first, last) dates, both included), in one query:
    competitions by their first day, people-times by their competition's, fund paid by the
    day paid; honors and enterprises, kept by year only, of the year the period ends in."""
    money = DecimalField(max_digits=14, decimal_places=2)

    def index(field, values):
        return Case(*(When(**{field: v}, then=Value(i)) for i, v in enumerate(values)), output_field=IntegerField())

    def in_periods(field):
        return reduce(or_, (Q(**{f"{field}__range": p}) for p in periods))

    def part(qs, name, key, period, n, amount):
        return (qs.order_by().annotate(period=period).values_list(Value(name, output_field=CharField()), key, "period")
                .annotate(n=n, amount=Coalesce(amount, Value(0), output_field=money)))

    zero = Value(0, output_field=money)
    dated = lambda field: index(f"{field}__range", periods)  # noqa: E731
    years = [end.year for _start, end in periods]
    blank = Value("", output_field=CharField())
    competitions = _in_county(_scoped(Competition.objects.all(), actor, via="host"), "host", county).filter(
        in_periods("starts_on"))
    parts = _in_county(_scoped(Participation.objects.all(), actor), "organization", county).filter(
        in_periods("competition__starts_on")).annotate(k=blank)
    named = _in_county(_scoped(Participant.objects.all(), actor), "organization", county).filter(
        in_periods("competition__starts_on")).annotate(k=blank)
    honors = _in_county(_scoped(Honor.objects.all(), actor), "organization", county).filter(year__in=years)
    enterprises = _in_county(enterprises_visible_to(actor), "employer", county).filter(year_named__in=years)
    payments = _in_county(payments_visible_to(actor),
                          "enterprise__employer", county).filter(in_periods("paid_on")).annotate(k=blank)
    rows = part(competitions, "competitions", "kind", dated("starts_on"), Count("id"), zero).union(
        part(parts, "people", "k", dated("competition__starts_on"), Coalesce(Sum("counted_people"), 0), zero),
        part(named, "people", "k", dated("competition__starts_on"), Count("id"), zero),
        part(honors, "honors", "level", index("year", years), Count("id"), zero),
        part(enterprises, "enterprises", "level", index("year_named", years), Count("id"), Sum("granted")),
        part(payments, "paid", "k", dated("paid_on"), Count("id"), Sum("amount")),
        all=True,
    )
    out = [{"competitions": {}, "people_times": 0, "honors": {}, "enterprises": {}, "granted": Decimal(0),
            "paid": Decimal(0), "year": year} for year in years]
    for name, key, period, n, amount in rows:
        if period is None:  # two periods naming the same year: counted in the first
            continue
        found = out[period]
        if name == "people":
            found["people_times"] += n
        elif name == "paid":
            found["paid"] += amount
        else:
            found[name][key] = found[name].get(key, 0) + n
            if name == "enterprises":
                found["granted"] += amount
    return out


def _participation_by_county(actor, year, county=None) -> dict:
    parts = _in_county(_years(_scoped(Participation.objects.all(), actor), "competition__starts_on__year",
                              year), "organization", county)
    named = _in_county(_years(_scoped(Participant.objects.all(), actor), "competition__starts_on__year",
                              year), "organization", county)
    rows: dict = defaultdict(lambda: {"organizations": 0, "people_times": 0})
    for county_id, orgs, counted in (parts.order_by().values_list("organization__county")
                                     .annotate(Count("id"), Sum("counted_people"))):
        rows[county_id]["organizations"] += orgs
        rows[county_id]["people_times"] += counted or 0
    for county_id, n in named.order_by().values_list("organization__county").annotate(Count("id")):
        rows[county_id]["people_times"] += n
    return rows


# --- the statistics page -------------------------------------------------------------------


@dataclass
class StatisticsRow:
    county: Organization | None  # None: the total row
    competitions_by_kind: dict = field(default_factory=dict)
    competitions_by_level: dict = field(default_factory=dict)
    organizations: int = 0
    people_times: int = 0
    honors_by_level: dict = field(default_factory=dict)
    enterprises_by_level: dict = field(default_factory=dict)
    granted: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)


def statistics(*, actor, year: int) -> list[StatisticsRow]:
    """One row per county in scope (and one for the city federation's own records when the
    user sees the city), then the total: seven grouped queries whatever the data's size."""
    visible = visible_organizations(actor)
    counties = list(visible.filter(kind=Organization.Kind.COUNTY_FEDERATION).order_by("code"))
    # The top of the scope holds the records of no county: the city's own level, or under a
    # province the province's and its cities' own levels together (one row, the province's).
    city = list(visible.filter(kind__in=(Organization.Kind.PROVINCE_FEDERATION, Organization.Kind.CITY_FEDERATION))
                .order_by("depth", "code")[:1])
    rows = {c.pk: StatisticsRow(county=c) for c in city + counties}
    city_key = city[0].pk if city else None

    def row(county_id):
        key = county_id if county_id is not None else city_key
        return rows.get(key)

    comps = _years(_scoped(Competition.objects.all(), actor, via="host"), "starts_on__year", year).order_by()
    for county_id, kind, level, n in comps.values_list("host__county", "kind", "level").annotate(Count("id")):
        target = row(county_id)
        if target is None:
            continue
        target.competitions_by_kind[kind] = target.competitions_by_kind.get(kind, 0) + n
        target.competitions_by_level[level] = target.competitions_by_level.get(level, 0) + n
    for county_id, figures in _participation_by_county(actor, year).items():
        target = row(county_id)
        if target is not None:
            target.organizations += figures["organizations"]
            target.people_times += figures["people_times"]
    honors = _scoped(Honor.objects.filter(year=year), actor).order_by()
    for county_id, level, n in honors.values_list("organization__county", "level").annotate(Count("id")):
        target = row(county_id)
        if target is not None:
            target.honors_by_level[level] = target.honors_by_level.get(level, 0) + n
    enterprises = enterprises_visible_to(actor).filter(year_named=year).order_by()
    for county_id, level, n, granted in (enterprises.values_list("employer__county", "level")
                                         .annotate(Count("id"), Sum("granted"))):
        target = row(county_id)
        if target is not None:
            target.enterprises_by_level[level] = target.enterprises_by_level.get(level, 0) + n
            target.granted += granted or 0
    payments = payments_visible_to(actor).filter(paid_on__year=year).order_by()
    for county_id, paid in payments.values_list("enterprise__employer__county").annotate(Sum("amount")):
        target = row(county_id)
        if target is not None:
            target.paid += paid or 0
    result = list(rows.values())
    total = StatisticsRow(county=None)
    for r in result:
        for name in ("competitions_by_kind", "competitions_by_level", "honors_by_level", "enterprises_by_level"):
            into = getattr(total, name)
            for key, n in getattr(r, name).items():
                into[key] = into.get(key, 0) + n
        total.organizations += r.organizations
        total.people_times += r.people_times
        total.granted += r.granted
        total.paid += r.paid
    return [*result, total]


STAT_COLUMNS = {
    "kinds": Kind.choices,
    "levels": Level.choices,
    "honor_levels": HonorLevel.choices,
    "enterprise_levels": EnterpriseLevel.choices,
}


def team_choices(*, competition) -> QuerySet[Team]:
    return competition.teams.select_related("organization").order_by("name")
