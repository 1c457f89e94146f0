"""Every read of hardship files and the help they get; each starts from scope.

The working queues are those of the national assistance system (全国工会困难职工帮扶管理
系统): files unchanged for 12 months, active files never assisted, re-verification due,
and files waiting at the actor's own step.
"""

import datetime
import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import partial, reduce

from django.db.models import Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, TruncMonth
from django.utils import timezone

from apps.core.validators import clean_text
from apps.organizations.models import Organization
from apps.organizations.scope import (
    get_visible_or_404,
    scope_queryset,
    scope_queryset_any,
    visible_organizations,
)

from .choices import (
    SEASON_OF_MONTH,
    AssistanceKind,
    FileStatus,
    FundSource,
    ProblemStatus,
    RecordStatus,
    Season,
)
from .models import (
    AssistanceRecord,
    Campaign,
    CampaignAllocation,
    CampaignRecipient,
    FileEvent,
    HardshipFile,
    LegalAidCase,
    Visit,
    VisitProblem,
)

# Scoped reads of this app's tables (files, records, visits and cases) take the scope's organization
# ids first (scope_queryset's ids_first: the planner never walks the whole tree; issue 21).
_scoped = partial(scope_queryset, ids_first=True)

QUEUE_STALE = "stale"
QUEUE_NEVER_ASSISTED = "never_assisted"
QUEUE_REVERIFICATION_DUE = "reverification_due"
QUEUE_MY_STEP = "my_step"
QUEUES = (QUEUE_MY_STEP, QUEUE_REVERIFICATION_DUE, QUEUE_NEVER_ASSISTED, QUEUE_STALE)
REVERIFICATION_NOTICE_DAYS = 30
STALE_DAYS = 365
_ID_SUFFIX = re.compile(r"^\d{3,5}[\dXx]$")

# The step each capability takes, and the status a file waits in for it.
STEP_OF_CAPABILITY = {
    "assistance.review": (FileStatus.SUBMITTED, FileStatus.REVERIFYING),
    "assistance.approve": (FileStatus.REVIEWED,),
}


@dataclass(frozen=True)
class FileFilters:
    organization: Organization | None = None
    status: str = ""
    category: str = ""
    cause: str = ""
    queue: str = ""
    q: str = ""


def visible_organization_by_code(actor, code: str) -> Organization | None:
    code = clean_text(code)
    return visible_organizations(actor).filter(code=code).first() if code else None


def files_in_scope(actor) -> QuerySet[HardshipFile]:
    """Files of the actor's subtree, as organization_id IN (the subtree's ids): with the
    scope as a LIKE on the joined path the planner walked every file of the city backwards
    testing each one's union (24 ms for a county on the city data, 8 ms this way, and a
    hash join for the queues)."""
    return scope_queryset_any(HardshipFile.objects.all(), actor, vias=("organization",))


def waiting_statuses(actor) -> tuple[str, ...]:
    """The statuses in which a file waits for this actor's step."""
    statuses: tuple[str, ...] = ()
    for capability, waiting in STEP_OF_CAPABILITY.items():
        if actor.has_capability(capability):
            statuses += waiting
    return statuses


QUEUE_ORDER = {
    QUEUE_MY_STEP: ("status_changed_at", "id"),
    QUEUE_REVERIFICATION_DUE: ("valid_until", "id"),
    QUEUE_NEVER_ASSISTED: ("approved_at", "id"),
    QUEUE_STALE: ("updated_at", "id"),
}


def queue_condition(actor, queue: str, *, today: datetime.date) -> Q:
    """Which files are in `queue` for this actor (the list filters by it, the counts count it)."""
    if queue == QUEUE_MY_STEP:
        # Four eyes: a file the actor submitted or reviewed in this round is not theirs to decide.
        return (Q(status__in=waiting_statuses(actor)) & ~Q(submitted_by=actor)
                & ~Q(status=FileStatus.REVIEWED, reviewed_by=actor))
    if queue == QUEUE_REVERIFICATION_DUE:
        return Q(status=FileStatus.ACTIVE,
                 valid_until__lte=today + datetime.timedelta(days=REVERIFICATION_NOTICE_DAYS))
    if queue == QUEUE_NEVER_ASSISTED:
        given = AssistanceRecord.objects.filter(file=OuterRef("pk"), status=RecordStatus.APPROVED)
        return Q(status__in=(FileStatus.ACTIVE, FileStatus.REVERIFYING)) & ~Exists(given)
    if queue == QUEUE_STALE:
        return ~Q(status=FileStatus.EXITED) & Q(updated_at__lt=timezone.now() - datetime.timedelta(days=STALE_DAYS))
    raise ValueError(f"unknown queue {queue!r}")


def apply_queue(qs: QuerySet[HardshipFile], actor, queue: str, *, today: datetime.date) -> QuerySet[HardshipFile]:
    if queue not in QUEUE_ORDER:
        return qs
    return qs.filter(queue_condition(actor, queue, today=today)).order_by(*QUEUE_ORDER[queue])


def search_files(qs: QuerySet[HardshipFile], q: str) -> QuerySet[HardshipFile]:
    """Part of the head's name, or the last 4–6 characters of the head's ID number."""
    text = clean_text(q).replace(" ", "")
    if not text:
        return qs
    if _ID_SUFFIX.match(text):
        return qs.filter(head_id_number__endswith=text.upper())
    if any(c.isdigit() for c in text):
        return qs.none()
    return qs.filter(head_name__contains=text)


def file_list(*, actor, filters: FileFilters, today: datetime.date | None = None) -> QuerySet[HardshipFile]:
    today = today or timezone.localdate()
    qs = files_in_scope(actor)
    f = filters
    if f.organization is not None:
        qs = qs.filter(organization__path__startswith=f.organization.path)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.cause:
        qs = qs.filter(causes__contains=[f.cause])
    qs = search_files(qs, f.q)
    qs = apply_queue(qs, actor, f.queue, today=today)
    qs = qs.select_related("organization", "organization__county")
    return qs if qs.query.order_by else qs.order_by("-id")


def queue_counts(*, actor, today: datetime.date | None = None) -> dict[str, int]:
    """How many files wait in each queue: one pass over the scope's files, a FILTER per queue."""
    today = today or timezone.localdate()
    base = files_in_scope(actor)
    return base.aggregate(**{q: Count("pk", filter=queue_condition(actor, q, today=today)) for q in QUEUES})


def file_detail(*, actor, pk: int) -> HardshipFile:
    return get_visible_or_404(
        HardshipFile.objects.select_related(
            "organization", "organization__county", "head_member__organization", "submitted_by", "reviewed_by", "approved_by",
            "updated_by", "created_by",
        ),
        actor,
        pk=pk,
    )


def file_timeline(*, file: HardshipFile) -> list[FileEvent]:
    return list(file.events.select_related("actor").order_by("at", "id"))


def file_records(*, file: HardshipFile) -> list[AssistanceRecord]:
    return list(file.records.select_related("recorded_by", "decided_by", "campaign").order_by("-given_on", "-id"))


def file_visits(*, file: HardshipFile) -> list[Visit]:
    return list(file.visits.prefetch_related("problems").order_by("-visited_on", "-id"))


# --- totals (issue 16 item 4) ---------------------------------------------------------------

_SEASON_CASE = Case(
    *[When(month=m, then=Value(s)) for m, s in SEASON_OF_MONTH.items()], output_field=CharField()
)
GROUPINGS = ("county", "kind", "season", "fund_source", "year", "file")


def _labels(by: str) -> dict:
    return {
        "kind": dict(AssistanceKind.choices),
        "season": dict(Season.choices),
        "fund_source": dict(FundSource.choices),
    }.get(by, {})


def _given(actor, organization: Organization | None) -> QuerySet[AssistanceRecord]:
    """Given (approved) assistance in scope, in `organization`'s subtree when given."""
    qs = _scoped(AssistanceRecord.objects.filter(status=RecordStatus.APPROVED), actor, via="file__organization")
    if organization is not None:
        qs = qs.filter(file__organization__path__startswith=organization.path)
    return qs


def assistance_totals(*, actor, by: str, year: int | None = None, county: Organization | None = None,
                      given_between: tuple[datetime.date, datetime.date] | None = None, limit: int = 500,
                      date_from: datetime.date | None = None, date_to: datetime.date | None = None) -> list[dict]:
    """Given assistance (approved records) in scope, summed per `by` — county, kind, season
    (of the date), fund source, year or file: [{"key", "label", "records", "amount"}], in
    one year or between two dates (both counted; `given_between`, or `date_from` and/or
    `date_to`), in `county`'s (any organization's) subtree when given. One grouped query;
    the amount is Decimal yuan."""
    qs = _given(actor, county)
    if given_between:
        qs = qs.filter(given_on__range=given_between)
    elif year:
        qs = qs.filter(given_on__year=year)
    if date_from is not None:
        qs = qs.filter(given_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(given_on__lte=date_to)
    if by == "county":
        qs = qs.values(key=F("file__organization__county_id"), label=F("file__organization__county__name"))
    elif by == "season":
        qs = qs.annotate(month=ExtractMonth("given_on")).annotate(key=_SEASON_CASE).values("key")
    elif by == "year":
        qs = qs.annotate(key=ExtractYear("given_on")).values("key")
    elif by == "file":
        qs = qs.values(key=F("file_id"), label=F("file__head_name"))
    elif by in ("kind", "fund_source"):
        qs = qs.values(key=F(by))
    else:
        raise ValueError(f"unknown grouping {by!r}")
    rows = list(
        qs.annotate(records=Count("id"), amount=Coalesce(Sum("amount"), Value(0), output_field=AssistanceRecord.amount.field))
        .order_by("-amount", "key")[:limit]
    )
    labels = _labels(by)
    for row in rows:
        row.setdefault("label", labels.get(row["key"], row["key"]))
        if by in labels:
            row["label"] = labels.get(row["key"], row["key"])
    return rows


def pending_records(*, actor) -> QuerySet[AssistanceRecord]:
    return _scoped(
        AssistanceRecord.objects.filter(status=RecordStatus.PENDING), actor, via="file__organization"
    ).select_related("file", "organization", "recorded_by").order_by("recorded_at", "id")


def record_detail(*, actor, pk: int) -> AssistanceRecord:
    return get_visible_or_404(
        AssistanceRecord.objects.select_related("file", "file__organization", "organization"), actor,
        via="file__organization", pk=pk,
    )


def records_for_period(*, actor, date_from: datetime.date, date_to: datetime.date) -> QuerySet[AssistanceRecord]:
    return _scoped(
        AssistanceRecord.objects.filter(status=RecordStatus.APPROVED, given_on__gte=date_from, given_on__lte=date_to),
        actor, via="file__organization",
    ).select_related("file", "file__organization", "file__organization__county", "campaign").order_by("given_on", "id")


# --- visits and problems (item 5) --------------------------------------------------------------


def visit_figures(*, actor, year: int) -> dict:
    """Households visited and problems raised / solved in `year`, counted from the records."""
    return visit_figures_between(actor=actor, period=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))


def visit_figures_between(*, actor, period: tuple[datetime.date, datetime.date],
                          organization: Organization | None = None) -> dict:
    """Visits and households visited (visited_on in `period`), problems raised at those visits
    and problems solved in it (solved_on), in scope or `organization`'s subtree; two queries."""
    visits = _scoped(Visit.objects.filter(visited_on__range=period), actor, via="file__organization")
    problems = _scoped(VisitProblem.objects.all(), actor, via="file__organization")
    if organization is not None:
        visits = visits.filter(file__organization__path__startswith=organization.path)
        problems = problems.filter(file__organization__path__startswith=organization.path)
    counted = visits.aggregate(visits=Count("id"), households=Count("file_id", distinct=True))
    counted |= problems.aggregate(
        problems=Count("id", filter=Q(visit__visited_on__range=period)),
        solved=Count("id", filter=Q(status=ProblemStatus.SOLVED, solved_on__range=period)),
    )
    return counted


def open_problems(*, actor, overdue_on: datetime.date | None = None) -> QuerySet[VisitProblem]:
    qs = _scoped(VisitProblem.objects.exclude(status=ProblemStatus.SOLVED), actor, via="file__organization")
    if overdue_on is not None:
        qs = qs.filter(due_on__lt=overdue_on)
    return qs.select_related("file", "file__organization").order_by("due_on", "id")


def problem_detail(*, actor, pk: int) -> VisitProblem:
    return get_visible_or_404(VisitProblem.objects.select_related("file"), actor, via="file__organization", pk=pk)


# --- legal aid (item 6) ------------------------------------------------------------------------


def legal_case_list(*, actor, stage: str = "", dispute_kind: str = "", q: str = "",
                    organization: Organization | None = None, opened_from: datetime.date | None = None,
                    opened_to: datetime.date | None = None) -> QuerySet[LegalAidCase]:
    qs = _scoped(LegalAidCase.objects.all(), actor)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if opened_from:
        qs = qs.filter(opened_on__gte=opened_from)
    if opened_to:
        qs = qs.filter(opened_on__lte=opened_to)
    if stage:
        qs = qs.filter(stage=stage)
    if dispute_kind:
        qs = qs.filter(dispute_kind=dispute_kind)
    if text := clean_text(q):
        qs = qs.filter(worker_name__contains=text)
    return qs.select_related("organization").order_by("-opened_on", "-id")


def legal_case_detail(*, actor, pk: int) -> LegalAidCase:
    return get_visible_or_404(LegalAidCase.objects.select_related("organization", "file"), actor, pk=pk)


def legal_figures(*, actor, year: int) -> dict:
    qs = _scoped(LegalAidCase.objects.filter(opened_on__year=year), actor)
    return qs.aggregate(
        cases=Count("id"),
        closed=Count("id", filter=Q(stage="closed")),
        recovered=Coalesce(Sum("amount_recovered"), Value(0), output_field=LegalAidCase.amount_recovered.field),
    )


# --- the leadership dashboard's figures (issue 19) ---------------------------------------


def file_figures(*, actor, organization: Organization | None = None) -> dict[tuple[str, str], int]:
    """{(category, status): files} in scope or `organization`'s subtree, as the file list
    filtered by union, category and status counts them; one grouped query."""
    qs = files_in_scope(actor)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    rows = qs.order_by().values_list("category", "status").annotate(n=Count("id"))
    return {(category, status): n for category, status, n in rows}


def given_figures(*, actor, organization: Organization | None = None, periods=()) -> list[dict]:
    """Per period: given assistance {"records", "amount"} (approved records dated in it, the
    totals page's rows between the same dates); one query."""
    qs = _given(actor, organization)
    money = AssistanceRecord.amount.field
    row = qs.aggregate(**{
        f"{what}_{i}": (Count("id", filter=Q(given_on__range=p)) if what == "records"
                        else Coalesce(Sum("amount", filter=Q(given_on__range=p)), Value(0), output_field=money))
        for i, p in enumerate(periods) for what in ("records", "amount")
    })
    return [{"records": row[f"records_{i}"], "amount": row[f"amount_{i}"]} for i in range(len(periods))]


def given_breakdown(*, actor, organization: Organization | None = None, periods=()) -> dict:
    """The dashboard's assistance figures in one grouped query (approved records, in scope or
    `organization`'s subtree):
    - "periods": per period {"records", "amount"} (as given_figures);
    - within the first period: "by_season" and "by_fund_source" {key: {"records", "amount"}}
      (as assistance_totals by season — that of the date's month, SEASON_OF_MONTH — and by
      fund source between the same dates), and "by_month_and_kind" {(first day of the month,
      kind): amount} (as given_by_month_and_kind).
    Grouped by period, month, kind and fund source: at most a few hundred rows. Periods that
    overlap (a custom range longer than a year against the year before) are one query each."""
    if any(a[0] <= b[1] and b[0] <= a[1] for i, a in enumerate(periods) for b in periods[i + 1:]):
        parts = [given_breakdown(actor=actor, organization=organization, periods=(p,)) for p in periods]
        return parts[0] | {"periods": [part["periods"][0] for part in parts]}
    money = AssistanceRecord.amount.field
    which = Case(*[When(given_on__range=p, then=Value(i)) for i, p in enumerate(periods)], output_field=IntegerField())
    rows = (
        _given(actor, organization).filter(reduce(operator.or_, [Q(given_on__range=p) for p in periods], Q(pk__in=[])))
        .annotate(period=which, month=TruncMonth("given_on")).order_by()
        .values_list("period", "month", "kind", "fund_source")
        .annotate(records=Count("id"), amount=Coalesce(Sum("amount"), Value(0), output_field=money))
    )
    result = {"periods": [{"records": 0, "amount": Decimal(0)} for _p in periods],
              "by_season": {}, "by_fund_source": {}, "by_month_and_kind": {}}

    def add(into: dict, key, records, amount):
        into.setdefault(key, {"records": 0, "amount": Decimal(0)})
        into[key]["records"] += records
        into[key]["amount"] += amount

    for period, month, kind, source, records, amount in rows:
        result["periods"][period]["records"] += records
        result["periods"][period]["amount"] += amount
        if period == 0:
            add(result["by_season"], SEASON_OF_MONTH[month.month], records, amount)
            add(result["by_fund_source"], source, records, amount)
            key = (month.date() if isinstance(month, datetime.datetime) else month, kind)
            result["by_month_and_kind"][key] = result["by_month_and_kind"].get(key, 0) + amount
    return result


def visit_and_legal_figures_in_periods(*, actor, organization: Organization | None = None, periods=()) -> list[dict]:
    """Per period: households visited (visited_on in it) and problems solved in it (solved_on),
    as visit_figures_between counts them, and legal aid cases accepted in it (opened_on), as
    the legal aid list filtered by union and accepted between counts them; one query (UNION
    ALL of three counts) whatever the number of periods."""
    visits = _scoped(Visit.objects.all(), actor, via="file__organization")
    problems = _scoped(VisitProblem.objects.filter(status=ProblemStatus.SOLVED), actor, via="file__organization")
    cases = _scoped(LegalAidCase.objects.all(), actor)
    if organization is not None:
        visits = visits.filter(file__organization__path__startswith=organization.path)
        problems = problems.filter(file__organization__path__startswith=organization.path)
        cases = cases.filter(organization__path__startswith=organization.path)
    def counted(qs, tag: str, **counts):
        # One (tag, count per period) row; the two UNION ALL into a single query.
        return qs.order_by().annotate(tag=Value(tag)).values("tag").annotate(**counts).values_list("tag", *counts)

    seen = counted(visits, "households", **{
        f"n_{i}": Count("file_id", distinct=True, filter=Q(visited_on__range=p)) for i, p in enumerate(periods)})
    solved = counted(problems, "solved", **{
        f"n_{i}": Count("id", filter=Q(solved_on__range=p)) for i, p in enumerate(periods)})
    accepted = counted(cases, "cases", **{
        f"n_{i}": Count("id", filter=Q(opened_on__range=p)) for i, p in enumerate(periods)})
    rows = {tag: values for tag, *values in seen.union(solved, accepted, all=True)}
    zeros = [0] * len(periods)
    return [{tag: rows.get(tag, zeros)[i] for tag in ("households", "solved", "cases")} for i in range(len(periods))]


def given_by_month_and_kind(*, actor, organization: Organization | None = None,
                            period: tuple[datetime.date, datetime.date]) -> dict[tuple[datetime.date, str], object]:
    """{(first day of the month, kind): amount given} within `period`; one grouped query."""
    rows = (
        _given(actor, organization).filter(given_on__range=period)
        .annotate(month=TruncMonth("given_on")).order_by()
        .values_list("month", "kind").annotate(amount=Sum("amount"))
    )
    return {(month, kind): amount for month, kind, amount in rows}


# --- campaigns (item 7) -----------------------------------------------------------------------


def campaign_list(*, actor) -> QuerySet[Campaign]:
    return _scoped(Campaign.objects.all(), actor, via="organizer").select_related("organizer")


def campaign_detail(*, actor, pk: int) -> Campaign:
    return get_visible_or_404(Campaign.objects.select_related("organizer"), actor, via="organizer", pk=pk)


def campaign_recipients(*, actor, campaign: Campaign) -> QuerySet[CampaignRecipient]:
    return _scoped(campaign.recipients.all(), actor).select_related("organization", "file").order_by("id")


def recipient_detail(*, actor, pk: int) -> CampaignRecipient:
    return get_visible_or_404(CampaignRecipient.objects.select_related("campaign", "file"), actor, pk=pk)


def campaign_candidates(*, actor, campaign: Campaign, limit: int = 200) -> QuerySet[HardshipFile]:
    """Active files in the organizer's subtree (and the actor's scope) not yet selected."""
    chosen = CampaignRecipient.objects.filter(campaign=campaign, file=OuterRef("pk"))
    return (
        files_in_scope(actor)
        .filter(status__in=(FileStatus.ACTIVE, FileStatus.REVERIFYING),
                organization__path__startswith=campaign.organizer.path)
        .filter(~Exists(chosen))
        .select_related("organization")
        .order_by("organization__path", "id")[:limit]
    )


def campaign_reconciliation(*, actor, campaign: Campaign) -> list[dict]:
    """Per county: its share of the budget against what was delivered there (money given
    through approved records to files, plus deliveries to workers without a file)."""
    delivered = (
        _scoped(campaign.recipients.filter(delivered_on__isnull=False), actor)
        .exclude(record__status__in=[RecordStatus.PENDING, RecordStatus.REJECTED])
        .values(county_id=F("organization__county_id"))
        .annotate(amount=Sum("amount"), deliveries=Count("id"))
    )
    by_county = {row["county_id"]: row for row in delivered}
    allocations = {a.county_id: a for a in CampaignAllocation.objects.filter(campaign=campaign).select_related("county")}
    counties = {c.pk: c for c in Organization.objects.filter(pk__in=set(by_county) | set(allocations))}
    rows = []
    for county_id in sorted(counties, key=lambda pk: counties[pk].path):
        budget = allocations[county_id].budget if county_id in allocations else None
        amount = by_county.get(county_id, {}).get("amount") or 0
        rows.append({
            "county": counties[county_id], "budget": budget, "delivered": amount,
            "deliveries": by_county.get(county_id, {}).get("deliveries", 0),
            "left": (budget - amount) if budget is not None else None,
        })
    return rows
