"""Every read of the ledger: starts from the user's scope (apps.organizations.scope).

Scope rule for employers: an employer is visible when its county, its township or its
covering union lies in the user's subtree. County staff see their county's employers
(and a township clerk their township's); a branch officer sees the employers covered by
their union or a union under it. Instructors are visible through the county they work in
or the federation that sent them; demonstration sites through their organization.
"""

from django.db.models import Count, F, IntegerField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization
from apps.organizations.scope import scope_queryset, scope_queryset_any, visible_organizations

from .models import (
    DemonstrationSite,
    DemonstrationTarget,
    Employer,
    InstructorVisit,
    NewSectorKind,
    WorkInstructor,
)
from .rates import BRACKETS, Figures, RateRow, _aggregates, rate_row, rate_rows, total_row

EMPLOYER_SCOPE_VIAS = ("county", "township", "covering_union")
INSTRUCTOR_SCOPE_VIAS = ("county", "sent_by")


def employers_visible_to(user) -> QuerySet[Employer]:
    return scope_queryset_any(Employer.objects.all(), user, vias=EMPLOYER_SCOPE_VIAS)


def employer_list(*, actor) -> QuerySet[Employer]:
    """The employer list, with what the table shows joined in."""
    # Ordered along employer_county_name_idx, so a page of the whole city is an index walk.
    return (
        employers_visible_to(actor)
        .select_related("county", "township", "covering_union")
        .order_by("county_id", "name", "id")
    )


def get_employer(*, actor, pk: int) -> Employer:
    qs = employer_list(actor=actor)
    return get_object_or_404(qs, pk=pk)


def visible_counties(user) -> QuerySet[Organization]:
    return visible_organizations(user).filter(kind=Organization.Kind.COUNTY_FEDERATION).order_by("code")


def county_choices_for(user) -> QuerySet[Organization]:
    """Counties a user may pick in a form or a filter: those in scope, or their own county."""
    counties = visible_counties(user)
    county_id = getattr(getattr(user, "organization", None), "county_id", None)
    if county_id and not user.is_superuser:
        counties = counties | Organization.objects.filter(pk=county_id)
    return counties.order_by("code")


# --- establishment rate ------------------------------------------------------------


def county_rate_table(*, actor, counties: list[Organization] | None = None) -> tuple[list[RateRow], RateRow]:
    """Rows per county of the user's scope (counties without employers show zeros), and the total.
    `counties`: the scope's counties (visible_counties) when the caller has read them already."""
    rows = rate_rows(employers_visible_to(actor), group_by="county")
    by_county = {row.key: row for row in rows}
    if counties is None or not set(by_county) <= {c.pk for c in counties}:
        counties = Organization.objects.filter(Q(pk__in=list(by_county)) | Q(pk__in=visible_counties(actor)))
        counties = counties.order_by("code").only("id", "name", "code")
    else:
        counties = sorted(counties, key=lambda c: c.code)
    table = []
    for county in counties:
        row = by_county.get(county.pk) or RateRow(key=county.pk, label="")
        row.label = county.name
        table.append(row)
    return table, total_row(table, _("Total"))


def new_sector_rate_table(*, actor, county: Organization | None = None) -> tuple[list[RateRow], RateRow]:
    """Rows per new-sector kind (every kind listed, zeros included), and the total."""
    employers = employers_visible_to(actor).filter(is_new_sector=True)
    if county is not None:
        employers = employers.filter(county=county)
    by_kind = {row.key: row for row in rate_rows(employers, group_by="new_sector_kind")}
    table = []
    for kind in NewSectorKind:
        row = by_kind.get(kind.value) or RateRow(key=kind.value, label="")
        row.label = kind.label
        table.append(row)
    return table, total_row(table, _("Total"))


# --- work instructors ----------------------------------------------------------------


def instructors_visible_to(user) -> QuerySet[WorkInstructor]:
    return scope_queryset_any(WorkInstructor.objects.all(), user, vias=INSTRUCTOR_SCOPE_VIAS)


def instructor_list(*, actor) -> QuerySet[WorkInstructor]:
    return (
        instructors_visible_to(actor)
        .select_related("county", "sent_by")
        .annotate(employer_count=Count("employers", distinct=True))
        .order_by("county__code", "name", "id")
    )


def instructor_counts_per_county(*, actor) -> list[dict]:
    """[{county name, active, total}] for the counties in which visible instructors work."""
    rows = (
        instructors_visible_to(actor)
        .order_by()
        .values("county__code", "county__name")
        .annotate(total=Count("id"), active=Count("id", filter=Q(status=WorkInstructor.Status.ACTIVE)))
        .order_by("county__code")
    )
    return list(rows)


def get_instructor(*, actor, pk: int) -> WorkInstructor:
    qs = (
        instructors_visible_to(actor)
        .select_related("county", "sent_by")
        .prefetch_related(
            Prefetch("employers", queryset=Employer.objects.select_related("county", "covering_union")),
            Prefetch("visits", queryset=InstructorVisit.objects.select_related("employer", "recorded_by")),
        )
    )
    return get_object_or_404(qs, pk=pk)


# --- demonstration sites -------------------------------------------------------------


def demonstration_sites_visible_to(user) -> QuerySet[DemonstrationSite]:
    return scope_queryset(DemonstrationSite.objects.all(), user, via="organization")


def demonstration_site_list(*, actor) -> QuerySet[DemonstrationSite]:
    return (
        demonstration_sites_visible_to(actor)
        .select_related("organization", "organization__county")
        .order_by("organization__county__code", "-year_named", "id")
    )


def get_demonstration_site(*, actor, pk: int) -> DemonstrationSite:
    return get_object_or_404(demonstration_site_list(actor=actor), pk=pk)


def demonstration_by_county(*, actor) -> list[dict]:
    """Per county in scope: active sites, the target (min–max) and whether it is met (count ≥ min)."""
    counts = dict(
        demonstration_sites_visible_to(actor)
        .filter(status=DemonstrationSite.Status.ACTIVE)
        .order_by()
        .values_list("organization__county")
        .annotate(n=Count("id"))
    )
    targets = {t.county_id: t for t in DemonstrationTarget.objects.all()}
    default = targets.get(None) or DemonstrationTarget()
    result = []
    for county in visible_counties(actor).only("id", "name", "code"):
        target = targets.get(county.pk, default)
        count = counts.get(county.pk, 0)
        result.append(
            {
                "county": county,
                "count": count,
                "minimum": target.minimum,
                "maximum": target.maximum,
                "met": count >= target.minimum,
            }
        )
    return result


# --- the leadership dashboard's figures (issue 19) ------------------------------------


def _counts(qs, tag: str):
    """`qs`'s rows counted, as one (tag, None, n) row to UNION ALL with others (the NULL typed:
    PostgreSQL would take an untyped one for text)."""
    return (qs.order_by().annotate(tag=Value(tag), key=Cast(Value(None), IntegerField()))
            .values("tag", "key").annotate(n=Count("id")).values_list("tag", "key", "n"))


def ledger_figures(*, actor, county: Organization | None = None, periods=(),
                   counties: list[Organization] | None = None, by_county: bool = False) -> dict:
    """The ledger's figures for the actor's scope, or one county of it — narrowed exactly as
    the lists' county filters narrow (employer, instructor and site lists, new-sector page):
    - "brackets": {"all"|"25"|"50": Figures(total, covered)} as the rate page counts them
      (active employers; covered = a covering union is set), "new_sector" likewise for
      new-sector employers;
    - "established": per period, covered active employers whose union was established in it;
    - "instructors": active work instructors; "sites": active demonstration sites;
      "site_target": the sum of the counties' minimum targets (admin: targets).
    `counties`: the scope's counties (visible_counties) when the caller has read them already
    (ignored when `county` is given: the target is that county's, which the caller has checked
    is in scope). Two queries: the employers; the instructors, the sites and the targets.
    `by_county` (with `counties`, no `county`): also "county_rows", the rate per county exactly
    as county_rate_table's rows give it, from the same one query — the employers grouped by county, the
    scope's figures their sums (every group, a county-less one included, is added), so a
    spanning scope scans its employers once instead of twice."""
    employers = employers_visible_to(actor).filter(status=Employer.Status.ACTIVE).order_by()
    instructors = instructors_visible_to(actor).filter(status=WorkInstructor.Status.ACTIVE)
    sites = demonstration_sites_visible_to(actor).filter(status=DemonstrationSite.Status.ACTIVE)
    counties_qs = visible_counties(actor)
    if county is not None:
        employers = employers.filter(county=county)
        instructors = instructors.filter(county=county)
        sites = sites.filter(organization__county=county)
    # As the coverage page counts them: new-sector employers with their kind.
    new_sector = Q(is_new_sector=True, new_sector_kind__in=NewSectorKind.values)
    covered = Q(covering_union__isnull=False)
    aggregates = {
        **_aggregates(),
        "ns_total": Count("id", filter=new_sector),
        "ns_covered": Count("id", filter=new_sector & covered),
        **{f"est_{i}": Count("id", filter=covered & Q(union_established_on__range=p)) for i, p in enumerate(periods)},
    }
    county_rows = None
    if by_county and county is None and counties is not None:
        groups = {g.pop("county"): g for g in employers.values("county").annotate(**aggregates)}
        row = {name: sum(g[name] for g in groups.values()) for name in aggregates}
        county_rows = [rate_row(c.pk, c.name, groups.get(c.pk)) for c in sorted(counties, key=lambda c: c.code)]
    else:
        row = employers.aggregate(**aggregates)
    # Instructors, sites and the targets (county, minimum) in one UNION ALL.
    targets_rows = DemonstrationTarget.objects.order_by().annotate(
        tag=Value("target"), key=F("county_id"), n=F("minimum")).values_list("tag", "key", "n")
    counted, targets = {}, {}
    for tag, key, n in _counts(instructors, "instructors").union(_counts(sites, "sites"), targets_rows, all=True):
        if tag == "target":
            targets[key] = n
        else:
            counted[tag] = n
    default = targets.get(None, DemonstrationTarget().minimum)
    if county is not None:
        county_pks = [county.pk]
    elif counties is not None:
        county_pks = [c.pk for c in counties]
    else:
        county_pks = list(counties_qs.values_list("pk", flat=True))
    return {
        "brackets": {
            key: Figures(total=row[f"total_{key}"], covered=row[f"covered_{key}"]) for key, _m, _l in BRACKETS
        },
        "new_sector": Figures(total=row["ns_total"], covered=row["ns_covered"]),
        "established": [row[f"est_{i}"] for i in range(len(periods))],
        "instructors": counted.get("instructors", 0),
        "sites": counted.get("sites", 0),
        "site_target": sum(targets.get(pk, default) for pk in county_pks),
        "county_rows": county_rows,
    }


# --- the panel on an organization's page -------------------------------------------------

PANEL_EMPLOYER_LIMIT = 10


def organization_ledger_summary(*, actor, organization: Organization) -> dict:
    """What the organization page shows from the ledger: employers it covers, instructors
    working with them and its demonstration sites."""
    covered = employers_visible_to(actor).filter(covering_union=organization)
    instructors = (
        instructors_visible_to(actor)
        .filter(Q(sent_by=organization) | Q(employers__covering_union=organization))
        .distinct()
        .select_related("county")
    )
    return {
        "organization": organization,
        "covered_count": covered.count(),
        "covered_employers": list(covered.select_related("county").order_by("name")[:PANEL_EMPLOYER_LIMIT]),
        "instructors": list(instructors.order_by("name")[:PANEL_EMPLOYER_LIMIT]),
        "sites": list(DemonstrationSite.objects.filter(organization=organization).order_by("-year_named")),
    }


def covered_headcount(*, actor, organization: Organization | None = None,
                      by_county: bool = False) -> dict[int | None, dict[str, int]]:
    """The employees of the unions in the actor's scope (or of `organization` alone), as the
    ledger gives them: {covering union id (its county's id with `by_county`): {"employees":
    the headcount of the active employers it covers, "employers": how many}}. A union that
    covers no employer of the ledger has no entry (its employees are not known here). One
    grouped query (the statistical return's employees figure, apps.reports)."""
    qs = scope_queryset(Employer.objects.filter(status=Employer.Status.ACTIVE, covering_union__isnull=False),
                        actor, via="covering_union")
    if organization is not None:
        qs = qs.filter(covering_union=organization)
    key = "covering_union__county_id" if by_county else "covering_union_id"
    rows = qs.order_by().values(key).annotate(employees=Sum("headcount"), employers=Count("id"))
    return {row[key]: {"employees": row["employees"] or 0, "employers": row["employers"]} for row in rows}
