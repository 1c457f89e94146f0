"""Every read of the membership roll that lists, searches or counts; each starts from scope.

Sized for 856,000 members: the list never counts the whole table to paginate (see
views), name search is a trigram-indexed contains, ID search is an exact match on 18
characters or a suffix match on 4-6 trailing characters through the reverse(id_number)
index, and counts for organization pages and the count button read the kept figures
(OrganizationMemberCount, apps.members.counts): one row per organization, not the roll.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import BigIntegerField, Count, DateField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Reverse, TruncMonth
from django.utils import timezone
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import SensitiveAccess
from apps.core.history import HistoryEntry, history_entries
from apps.core.paging import keys_first
from apps.core.validators import clean_text, normalize_resident_id
from apps.organizations.models import Organization
from apps.organizations.scope import (
    get_visible_or_404,
    is_in_scope,
    scope_queryset,
    sees_everything,
    single_organization_scope,
    visible_organizations,
)

from .models import (
    CURRENT_STATUSES,
    Member,
    MemberStatus,
    NameBigrams,
    OrganizationMemberCount,
    Transfer,
    WorkerCategory,
    id_number_is,
)

ALL_YEARS = OrganizationMemberCount.ALL_YEARS

STATUS_CURRENT = "current"  # the filter value for "active or retained", the list's default
_FULL_ID = re.compile(r"^(\d{17}[\dX]|\d{15})$")
_ID_SUFFIX = re.compile(r"^\d{3,5}[\dX]$")  # 4 to 6 trailing characters


@dataclass(frozen=True)
class MemberFilters:
    """Cleaned filter values of the member list (all optional)."""

    organization: Organization | None = None
    status: str = STATUS_CURRENT
    worker_category: str = ""
    political_status: str = ""
    sex: str = ""
    age_min: int | None = None
    age_max: int | None = None
    joined_from: datetime.date | None = None
    joined_to: datetime.date | None = None
    q: str = ""


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def looks_like_full_id_number(text: str) -> bool:
    return bool(_FULL_ID.match(clean_text(text).replace(" ", "").upper()))


def find_by_id_number(*, actor, id_number: str) -> list[Member]:
    """Every membership row (current first) of the person with this full ID number that the
    actor may see; [] for an invalid number. For the POST-only "find by ID number"."""
    try:
        normalized = normalize_resident_id(id_number)
    except ValidationError:
        return []
    rows = scope_queryset(Member.objects.filter(id_number_is(normalized)), actor).select_related("organization")
    return sorted(rows, key=lambda m: (not m.is_current, -m.pk))


def search_members(queryset: QuerySet, q: str) -> QuerySet:
    """Narrow by a search text, each form on its own index:
    - a full ID number → exact match (reverse(id_number) = reversed, member_id_suffix_idx);
    - 4-6 trailing ID characters → reverse(id_number) LIKE 'reversed%' (member_id_suffix_idx),
      ordered along that index so the planner never walks the whole table by id;
    - two characters → the name's bigrams contain them (member_name_bigram_idx);
    - anything else → name LIKE '%q%' (trigram index member_name_trgm_idx from 3 characters).
    A search that is ordered here keeps that order (member_list does not reorder it)."""
    text = clean_text(q).replace(" ", "").upper()
    if not text:
        return queryset
    if _FULL_ID.match(text):
        try:
            return queryset.filter(id_number_is(normalize_resident_id(text)))
        except ValidationError:  # an invalid number matches nobody
            return queryset.none()
    if _ID_SUFFIX.match(text):
        return (
            queryset.annotate(id_reversed=Reverse("id_number"))
            .filter(id_reversed__startswith=text[::-1])
            .order_by("id_reversed", "id")
        )
    if any(c.isdigit() for c in text):
        return queryset.none()  # names hold no digits; a partial ID needs 4-6 trailing characters
    name = clean_text(q)
    if len(name) == 1:
        return queryset.filter(name__contains=name)  # common: walking the newest rows finds a page soon
    if len(name) == 2:
        # Exactly "contains" for two characters; no LIKE beside it, which would make the
        # planner multiply two guesses into "1 row" and pick a nested loop.
        queryset = queryset.annotate(name_bigrams=NameBigrams("name")).filter(name_bigrams__contains=[name])
    else:
        queryset = queryset.filter(name__contains=name)
    # Newest first, but through "id + 0" so that no index provides the order: otherwise, when
    # it guesses many matches, the planner walks the primary key backwards testing every row
    # (seconds at 860k when the matches are few or none) instead of using the name index.
    return queryset.order_by(ExpressionWrapper(F("id") + 0, output_field=BigIntegerField()).desc())


# A subtree of at most this many organizations is given to the planner as a list of
# ids: with "path LIKE" through a join it cannot tell a 150-member union from the city,
# and walks the primary key backwards looking for the newest 25 of a small union.
def _members_in_scope(actor, organization: Organization | None) -> QuerySet[Member]:
    """Members of the actor's scope, narrowed to `organization`'s subtree when given."""
    qs = scope_queryset(Member.objects.all(), actor)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    return qs


def member_list(*, actor, filters: MemberFilters, today: datetime.date | None = None) -> QuerySet[Member]:
    """The members the actor may see, narrowed by `filters`, newest first, with what the
    list shows (union organization) joined in."""
    f = filters
    if f.organization is not None and not is_in_scope(actor, f.organization):
        return Member.objects.none()
    qs = _members_in_scope(actor, f.organization)
    if f.organization is None and (only := single_organization_scope(actor)) is not None:
        # A union with no union under it: "organization = it" beside the scope's path range
        # lets the planner read member_org_current_id_idx newest first and stop at the page,
        # instead of reading every current member of the union and sorting them (the
        # benchmark's union, 2,224 members: 1.6 ms of SQL -> 0.05 ms, for a 0.15 ms probe).
        qs = qs.filter(organization_id=only.pk)
    if f.status == STATUS_CURRENT:
        qs = qs.filter(status__in=CURRENT_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    for field in ("worker_category", "political_status", "sex"):
        if getattr(f, field):
            qs = qs.filter(**{field: getattr(f, field)})
    today = today or datetime.date.today()
    if f.age_min is not None:
        qs = qs.filter(birth_date__lte=_years_before(today, f.age_min))
    if f.age_max is not None:
        qs = qs.filter(birth_date__gt=_years_before(today, f.age_max + 1))
    if f.joined_from:
        qs = qs.filter(joined_on__gte=f.joined_from)
    if f.joined_to:
        qs = qs.filter(joined_on__lte=f.joined_to)
    qs = search_members(qs, f.q).select_related("organization")
    if qs.query.order_by:  # a search's own order
        return keys_first(qs)
    # Deep pages by their keys first (apps.core.paging.KeysFirstQuerySet). The current members
    # of a county or less, unfiltered, from DEEP_PAGE_OFFSET on, sort their own ids (from
    # member_org_current_id_idx alone) instead of walking every city's members by id to the
    # offset: a county's page 400 on the 6.2 M-member province 229 -> 24 ms, the county's
    # cost, not the province's. A filter on a column outside that index would make the sort
    # read every row of the scope (or the planner scan the whole roll): those keep the walk.
    index_only = f.status == STATUS_CURRENT and f == MemberFilters(organization=f.organization)
    sorted_keys = None
    if index_only and _covers_a_county_at_most(actor, f.organization):
        sorted_keys = (ExpressionWrapper(F("id") + 0, output_field=BigIntegerField()).desc(),)
    return keys_first(qs.order_by("-id"), sorted_keys=sorted_keys, sorted_from=DEEP_PAGE_OFFSET)


# Past this offset (page 101) walking the members by id costs a county more than sorting its
# own ids: ~125,000 walked rows for one county of a 7-city province against its ~115,000
# index entries sorted (EXPLAIN ANALYZE: 50 ms against 20 ms).
DEEP_PAGE_OFFSET = 2500


def _covers_a_county_at_most(actor, organization: Organization | None) -> bool:
    """The list covers one county/district or less: a bounded share of members however many
    cities the portal holds."""
    narrowest = organization or (None if sees_everything(actor) else actor.organization)
    return narrowest is not None and narrowest.kind not in (
        Organization.Kind.PROVINCE_FEDERATION, Organization.Kind.CITY_FEDERATION)


def member_detail(*, actor, pk: int) -> Member:
    """One member in the actor's scope, else 404."""
    return get_visible_or_404(Member.objects.select_related("organization", "employer"), actor, pk=pk)


# Fields whose change the history names without showing the values.
_MASKED_HISTORY_FIELDS = ("id_number", "phone", "birth_date")


def member_history(*, member: Member, limit: int = 50) -> list[HistoryEntry]:
    """The member row's history, newest first: who, when, why and which fields changed.
    One query whatever the length (records with their users; diffs computed in memory)."""
    records = member.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    return history_entries(
        records, model=Member, limit=limit, excluded_fields=("updated_at", "created_at"),
        hidden_fields=_MASKED_HISTORY_FIELDS,
    )


def member_transfers(*, member: Member) -> QuerySet[Transfer]:
    """Transfers out of this membership row and the one that created it."""
    return Transfer.objects.filter(Q(member=member) | Q(resulting_member=member)).select_related(
        "from_organization", "to_organization", "requested_by", "decided_by"
    )


def other_memberships(*, actor, member: Member) -> QuerySet[Member]:
    """The same person's other membership rows that the actor may see (earlier unions)."""
    return (
        scope_queryset(Member.objects.filter(id_number_is(member.id_number)), actor)
        .exclude(pk=member.pk)
        .select_related("organization")
        .order_by("-id")
    )


_TRANSFER_ROW = ("member", "from_organization", "to_organization", "requested_by", "decided_by")
# A scope of at most this many organizations (a union, a township) is given to the planner
# as a list of ids: it then sees how few transfers match and reads them by the union
# indexes; a subquery's selectivity it cannot see, and it would walk every transfer newest
# first looking for 200 (the small demo with 200,000 synthetic transfers: a union's list
# 220 ms → 6 ms). A
# larger scope (county, city) stays a subquery: there transfer_requested_idx finds the
# newest 200 soon. Either is one condition per side, not a join: with two joins the
# planner joins every transfer before it can test either union (county 470 ms → 6 ms).
_SCOPE_AS_LIST = 100


def _organizations_in_scope(actor):
    ids = list(visible_organizations(actor).values_list("pk", flat=True)[: _SCOPE_AS_LIST + 1])
    return ids if len(ids) <= _SCOPE_AS_LIST else visible_organizations(actor).values("pk")


def _transfers_of_side(actor, side: str) -> QuerySet[Transfer]:
    """Transfers whose `side` ("deciding" or "requesting") is a union in the actor's scope."""
    Side = Transfer.Side
    in_scope = _organizations_in_scope(actor)
    # (side that asked, where the union of `side` is) — the other side decides.
    where = {
        "requesting": ((Side.SENDING, "from_organization"), (Side.RECEIVING, "to_organization")),
        "deciding": ((Side.SENDING, "to_organization"), (Side.RECEIVING, "from_organization")),
    }[side]
    either = Q()
    for asked, via in where:
        either |= Q(initiated_by_side=asked, **{f"{via}__in": in_scope})
    return Transfer.objects.filter(either)


def transfer_list(*, actor, direction: str, status: str = "") -> QuerySet[Transfer]:
    """"incoming": transfers the actor's side decides (the other side asked); "outgoing":
    the ones the actor's side asked for. A clerk above both unions finds one in both lists."""
    qs = _transfers_of_side(actor, "deciding" if direction == "incoming" else "requesting")
    if status:
        qs = qs.filter(status=status)
    return qs.select_related(*_TRANSFER_ROW)


def overdue_transfers(*, actor, older_than: datetime.timedelta, now: datetime.datetime) -> QuerySet[Transfer]:
    """Pending transfers asked for longer than `older_than` ago between two unions that are
    both in the actor's scope: the queue of the clerks above both (county of both, city)."""
    in_scope = _organizations_in_scope(actor)
    qs = Transfer.objects.filter(
        status=Transfer.Status.PENDING,
        requested_at__lt=now - older_than,
        from_organization__in=in_scope,
        to_organization__in=in_scope,
    )
    return qs.select_related(*_TRANSFER_ROW).order_by("requested_at", "id")


def pending_transfer_counts(*, actor) -> dict[str, int]:
    """Pending transfers into ("incoming": the actor's side decides) and out of ("outgoing")
    the unions in the actor's scope, as the transfer list counts them; two small COUNTs
    (transfers are few: one per member moving, not per member)."""
    pending = Transfer.objects.filter(status=Transfer.Status.PENDING)
    return {
        "incoming": scope_queryset(pending, actor, via="to_organization").count(),
        "outgoing": scope_queryset(pending, actor, via="from_organization").count(),
    }


def transfer_detail(*, actor, pk: int) -> Transfer:
    """A transfer either side of which lies in the actor's scope, else 404."""
    transfer = (
        Transfer.objects.select_related("member", "from_organization", "to_organization")
        .filter(pk=pk)
        .first()
    )
    if transfer is None or not (
        is_in_scope(actor, transfer.to_organization) or is_in_scope(actor, transfer.from_organization)
    ):
        raise Http404
    return transfer


def current_membership(*, id_number: str) -> Member | None:
    """The person's current (active or retained) membership anywhere in the city, for a
    receiving-side transfer request; callers show it masked and only its union's name."""
    return (
        Member.objects.select_related("organization")
        .filter(id_number=id_number, status__in=CURRENT_STATUSES)
        .first()
    )


# --- counts for organization pages (issue 4 item 8), from the kept figures (issue 15) ---


def _kept(actor, years=(ALL_YEARS,)) -> QuerySet[OrganizationMemberCount]:
    """The kept figures of the organizations in the actor's scope: their ALL_YEARS rows (one
    per organization), and the rows of the joining years asked for."""
    return scope_queryset(OrganizationMemberCount.objects.filter(joined_year__in=years), actor)


_CURRENT = F("active") + F("retained")


def members_count_by_organization(*, actor, orgs, joined_year: int | None = None) -> dict[int, dict[str, int]]:
    """Current members (and new-employment-form members) in each organization's subtree,
    {org_id: {"members": n, "new_employment": m}}, for the organizations in scope; with
    `joined_year`, also "joined": those of them who joined in that year.

    One query over the kept figures (apps.members.counts) of the topmost organizations'
    subtrees — at most one row per organization (two with the year), ~11,000 for the city,
    whatever the number of members — grouped by the codes on their paths at the depths asked
    for (an organization and its children: ~20 groups for the city), then summed into each
    organization in Python. Codes are unique, so the code at depth d on a row's path names
    its ancestor there; a COUNT(*) FILTER per organization would test every row against
    every path."""
    orgs = [o for o in orgs if is_in_scope(actor, o)]
    if not orgs:
        return {}
    roots = {o.path for o in orgs if not any(o.path.startswith(p.path) and o.path != p.path for p in orgs)}
    under_roots = Q()
    for root in roots:
        under_roots |= Q(organization__path__startswith=root)
    years = (ALL_YEARS,) if joined_year is None else (ALL_YEARS, joined_year)
    rows = _kept(actor, years).filter(under_roots).values_list(
        "organization__path", "joined_year", "active", "retained", "new_employment")
    sql, params = rows.query.sql_with_params()
    depths = sorted({o.depth for o in orgs})
    levels = ", ".join("split_part(k.path, '/', %s)" for _ in depths)  # '/C/CA/' → 'C' at 2, 'CA' at 3
    every = f"k.joined_year = {ALL_YEARS}"
    # The database `rows` reads from: a replica when the page opted in (unionportal/db_router.py).
    with connections[rows.db].cursor() as cursor:
        cursor.execute(
            f"SELECT {levels}, coalesce(sum(k.active + k.retained) FILTER (WHERE {every}), 0), "
            f"coalesce(sum(k.new_employment) FILTER (WHERE {every}), 0), "
            f"coalesce(sum(k.active + k.retained) FILTER (WHERE NOT {every}), 0) "
            f"FROM ({sql}) AS k(path, joined_year, active, retained, new_employment) "
            f"GROUP BY {', '.join(str(i + 1) for i in range(len(depths)))}",
            [*(d + 2 for d in depths), *params],
        )
        groups = cursor.fetchall()
    names = ("members", "new_employment") if joined_year is None else ("members", "new_employment", "joined")
    result = {}
    for org in orgs:
        level = depths.index(org.depth)
        totals = [0, 0, 0]
        for group in groups:
            if group[level] == org.code:
                figures = group[len(depths):]
                totals = [t + f for t, f in zip(totals, figures, strict=True)]
        result[org.pk] = dict(zip(names, totals, strict=False))
    return result


def member_figures(*, actor, organization: Organization | None = None, year: int | None = None) -> dict[str, int]:
    """Every kept figure of the actor's scope (or of `organization`'s subtree, in scope): current,
    active and retained members, the current ones by worker category, and "joined" — those
    who joined in `year` (default: this year). One query over at most two rows per organization."""
    year = year or timezone.localdate().year
    if organization is not None and not is_in_scope(actor, organization):
        return {}
    kept = _kept(actor, (ALL_YEARS, year))
    if organization is not None:
        kept = kept.filter(organization__path__startswith=organization.path)
    every = Q(joined_year=ALL_YEARS)
    sums = {f"sum_{figure}": Sum(figure, filter=every) for figure in OrganizationMemberCount.FIGURES}
    figures = kept.aggregate(**sums, sum_current=Sum(_CURRENT, filter=every), sum_joined=Sum(_CURRENT, filter=~every))
    return {name.removeprefix("sum_"): value or 0 for name, value in figures.items()}


# The count box lists a node's children this many at a time (a county has 147, a
# township up to 175), with "more" as in the tree.
COUNTS_PAGE_SIZE = 50
_NO_MEMBERS = {"members": 0, "new_employment": 0, "joined": 0}


@dataclass
class CountsBox:
    total: dict[str, int]  # the organization's subtree
    children: list[tuple[Organization, dict[str, int]]]  # this page of its children
    children_count: int
    children_total: dict[str, int]  # every child's subtree, not only this page's
    direct: dict[str, int]  # members of the organization itself: total = children_total + direct
    next_offset: int | None  # None on the last page
    year: int  # "joined": those of the current members who joined in this year


def member_counts_box(*, actor, organization: Organization, offset: int = 0, limit: int = COUNTS_PAGE_SIZE) -> CountsBox:
    """The member counts of an organization and of each of its children in scope, one page
    of children at a time, with totals over all of them; three queries whatever the page.

    Every child is read (a few hundred at most) and counted in the one grouped query of
    members_count_by_organization over the kept figures (issue 15): at most two rows per
    organization of the subtree, whatever its number of members, and the same cost for one
    child as for all, so the children's total comes with the page."""
    year = timezone.localdate().year
    children = list(
        visible_organizations(actor).filter(parent=organization).order_by("name", "code").only("code", "name", "path", "depth")
    )
    counts = members_count_by_organization(actor=actor, orgs=[organization, *children], joined_year=year)
    total = counts.get(organization.pk, dict(_NO_MEMBERS))
    children_total = {key: sum(counts.get(child.pk, _NO_MEMBERS)[key] for child in children) for key in _NO_MEMBERS}
    end = offset + limit
    return CountsBox(
        total=total,
        children=[(child, counts.get(child.pk, _NO_MEMBERS)) for child in children[offset:end]],
        children_count=len(children),
        children_total=children_total,
        direct={key: total[key] - children_total[key] for key in _NO_MEMBERS},
        next_offset=end if end < len(children) else None,
        year=year,
    )


def members_count_by_county(*, actor, county: Organization | None = None) -> list[dict]:
    """Current and new-employment-form members per county/district in scope (or in one
    county), one query over the kept figures: [{"county_id", "county_name", "members",
    "new_employment"}], largest first."""
    kept = _kept(actor)
    if county is not None:
        kept = kept.filter(organization__county=county)
    rows = (
        kept.values("organization__county_id", "organization__county__name")
        .annotate(members=Sum(_CURRENT), new_employment=Sum("new_employment"))
        .order_by("-members", "organization__county_id")
    )
    return [
        {
            "county_id": r["organization__county_id"],
            "county_name": r["organization__county__name"],
            "members": r["members"],
            "new_employment": r["new_employment"],
        }
        for r in rows
    ]


def new_employment_count(*, actor, organization: Organization | None = None) -> int:
    """New-employment-form members (couriers, riders, drivers) currently in scope."""
    kept = _kept(actor)
    if organization is not None:
        kept = kept.filter(organization__path__startswith=organization.path)
    return kept.aggregate(n=Sum("new_employment"))["n"] or 0


def _kept_figure(filters: MemberFilters) -> tuple[int, object] | None:
    """(joining year, figure expression) when the kept figures answer `filters`, else None:
    current, active or retained members, or current ones of one worker category, of a subtree,
    optionally joined within one calendar year."""
    f = filters
    if f.political_status or f.sex or f.age_min is not None or f.age_max is not None or f.q:
        return None
    year = ALL_YEARS
    if f.joined_from or f.joined_to:
        if not (f.joined_from and f.joined_to and f.joined_from.year == f.joined_to.year
                and (f.joined_from.month, f.joined_from.day) == (1, 1)
                and (f.joined_to.month, f.joined_to.day) == (12, 31)):
            return None
        year = f.joined_from.year
    if f.worker_category:
        return (year, F(f.worker_category)) if f.status == STATUS_CURRENT else None
    if f.status == STATUS_CURRENT:
        return year, _CURRENT
    if f.status in CURRENT_STATUSES:
        return year, F(f.status)
    return None


def count_members(*, actor, filters: MemberFilters) -> int:
    """How many members the list shows for `filters` (the list's "count" button): from the
    kept figures when they answer it (a sum over at most one row per organization), else a
    COUNT over the filtered list."""
    kept = _kept_figure(filters)
    if kept is None:
        return member_list(actor=actor, filters=filters).count()
    year, figure = kept
    if filters.organization is not None and not is_in_scope(actor, filters.organization):
        return 0
    rows = scope_queryset(OrganizationMemberCount.objects.filter(joined_year=year), actor)
    if filters.organization is not None:
        rows = rows.filter(organization__path__startswith=filters.organization.path)
    return rows.aggregate(n=Sum(figure))["n"] or 0


# --- the leadership dashboard's figures (issue 19) ------------------------------------
#
# The dashboard asks these, never the Member table: when the kept member counts (issue 15)
# land they answer from those figures instead, and the dashboard does not change.

Period = tuple[datetime.date, datetime.date]  # first and last day, both counted


def _whole_year(period: Period, today: datetime.date) -> int | None:
    """The year whose kept row answers "joined in `period`": a calendar year, or this year
    from 1 January to today (nobody's joining date lies in the future: the roll refuses it)."""
    first, last = period
    if (first.month, first.day) != (1, 1) or last.year != first.year:
        return None
    if (last.month, last.day) == (12, 31) or (last == today and first.year == today.year):
        return first.year
    return None


def member_figures_in_periods(*, actor, organization: Organization | None = None, periods: tuple[Period, ...] = (),
                              today: datetime.date | None = None) -> dict:
    """The member figures of the actor's scope (or of `organization`'s subtree, in scope):
    "current" (active or retained) members, the current ones per worker category (keys of
    WorkerCategory), and "joined": for each of `periods`, the current members whose joining
    date lies in it — what the member list shows filtered by union, category or joined
    between. Current and per-category figures, and "joined" over a whole year (or this year
    to date), come from the kept figures in one query; other periods (a month, a range, last
    year's same dates) are one aggregate over the roll's joining dates."""
    today = today or timezone.localdate()
    zero = {"current": 0, **{c: 0 for c in WorkerCategory.values}, "joined": [0 for _ in periods]}
    if organization is not None and not is_in_scope(actor, organization):
        return zero
    years = {i: _whole_year(p, today) for i, p in enumerate(periods)}
    kept = _kept(actor, (ALL_YEARS, *{y for y in years.values() if y}))
    if organization is not None:
        kept = kept.filter(organization__path__startswith=organization.path)
    every = Q(joined_year=ALL_YEARS)
    sums = {c: Sum(c, filter=every) for c in WorkerCategory.values}
    sums |= {f"year_{y}": Sum(_CURRENT, filter=Q(joined_year=y)) for y in set(years.values()) if y}
    row = kept.aggregate(current=Sum(_CURRENT, filter=every), **sums)
    live = {i: p for i, p in enumerate(periods) if not years[i]}
    counted = {}
    if live:
        counted = (_members_in_scope(actor, organization)
                   .filter(status__in=CURRENT_STATUSES, joined_on__range=(min(p[0] for p in live.values()),
                                                                         max(p[1] for p in live.values())))
                   .aggregate(**{f"joined_{i}": Count("id", filter=Q(joined_on__range=p)) for i, p in live.items()}))
    return {
        "current": row["current"] or 0,
        **{c: row[c] or 0 for c in WorkerCategory.values},
        "joined": [(row[f"year_{years[i]}"] or 0) if years[i] else counted[f"joined_{i}"] for i in range(len(periods))],
    }


def members_joined_by_month(*, actor, organization: Organization | None = None, period: Period) -> dict[datetime.date, int]:
    """{first day of the month: current members who joined in it} within `period`; one query."""
    if organization is not None and not is_in_scope(actor, organization):
        return {}
    rows = (
        _members_in_scope(actor, organization)
        .filter(status__in=CURRENT_STATUSES, joined_on__range=period)
        .annotate(month=TruncMonth("joined_on"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def member_figures_and_months(*, actor, organization: Organization | None = None, periods: tuple[Period, ...],
                              today: datetime.date | None = None) -> dict:
    """member_figures_in_periods' figures and "by_month": {first day of the month: current
    members who joined in it} within periods[0] (as members_joined_by_month), in two queries
    whatever the periods: the kept figures, and one grouped count over the roll's joining
    dates for the months and for the periods the kept figures do not hold."""
    today = today or timezone.localdate()
    if organization is not None and not is_in_scope(actor, organization):
        return {"current": 0, **{c: 0 for c in WorkerCategory.values}, "joined": [0 for _ in periods], "by_month": {}}
    whole = [i for i, p in enumerate(periods) if i and _whole_year(p, today)]
    found = member_figures_in_periods(actor=actor, organization=organization, today=today,
                                      periods=tuple(periods[i] for i in whole))
    live = {i: p for i, p in enumerate(periods) if i not in whole}
    # One range from the earliest start to the latest end, not an OR of the periods: a single
    # range is an index-only scan of member_current_joined_idx, an OR two bitmap scans that
    # visit the table (city, this year and last: 23,000 heap pages, 180 ms → 40 ms).
    rows = (
        _members_in_scope(actor, organization)
        .filter(status__in=CURRENT_STATUSES, joined_on__range=(min(p[0] for p in live.values()),
                                                               max(p[1] for p in live.values())))
        .annotate(month=TruncMonth("joined_on")).order_by().values_list("month")
        .annotate(**{f"n{i}": Count("id", filter=Q(joined_on__range=p)) for i, p in live.items()})
    )
    joined = dict(zip(whole, found["joined"], strict=True)) | dict.fromkeys(live, 0)
    by_month = {}
    for month, *counts in rows:
        if not any(counts):  # a month between the periods: in the range, in none of them
            continue
        for i, n in zip(live, counts, strict=True):
            joined[i] += n
        by_month[month] = counts[0]
    return {**found, "joined": [joined[i] for i in range(len(periods))], "by_month": by_month}


# --- changes of the roll over a period (reports) -------------------------------------------

LEFT_STATUSES = (MemberStatus.WITHDRAWN, MemberStatus.DECEASED)
CHANGE_FIGURES = ("joined", "transferred_in", "transferred_out", "left")


def _day_bounds(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's first moment and the moment after its last day, in the portal's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def membership_changes(*, actor, date_from: datetime.date, date_to: datetime.date) -> dict[tuple, dict[str, int]]:
    """How the roll changed in scope over the days date_from–date_to, per county and month:
    {(county_id, first day of the month): {"joined", "transferred_in", "transferred_out", "left"}}.

    - joined: memberships whose joining date lies in the period (a transfer's new row keeps
      the original joining date, so a transfer is not a joining);
    - transferred in / out: confirmed transfers decided in the period, counted at the
      receiving / the sending union (a move between two unions of one county is both);
    - left: memberships withdrawn or ended by death whose status changed in the period.
    Four grouped queries; county_id None is the city's own level."""
    start, end = _day_bounds(date_from, date_to)
    members = scope_queryset(Member.objects.all(), actor)
    confirmed = Transfer.objects.filter(status=Transfer.Status.CONFIRMED, decided_at__gte=start, decided_at__lt=end)
    sources = {
        "joined": (members.filter(joined_on__gte=date_from, joined_on__lte=date_to),
                   "organization__county_id", TruncMonth("joined_on")),
        "transferred_in": (scope_queryset(confirmed, actor, via="to_organization"),
                           "to_organization__county_id", TruncMonth("decided_at", output_field=DateField())),
        "transferred_out": (scope_queryset(confirmed, actor, via="from_organization"),
                            "from_organization__county_id", TruncMonth("decided_at", output_field=DateField())),
        "left": (members.filter(status__in=LEFT_STATUSES, status_changed_on__gte=date_from,
                                status_changed_on__lte=date_to),
                 "organization__county_id", TruncMonth("status_changed_on")),
    }
    result: dict[tuple, dict[str, int]] = {}
    for figure, (queryset, county, month) in sources.items():
        rows = queryset.order_by().annotate(month=month).values_list(county, "month").annotate(n=Count("id"))
        for county_id, first_day, n in rows:
            key = (county_id, first_day)
            result.setdefault(key, dict.fromkeys(CHANGE_FIGURES, 0))[figure] += n
    return result


# --- the access log ------------------------------------------------------------------


def sensitive_access_list(*, actor) -> QuerySet[SensitiveAccess]:
    """Who read whose protected data in full, newest first, in the actor's scope."""
    return scope_queryset(SensitiveAccess.objects.all(), actor).select_related("actor", "organization")


# --- the annual statistical return (reports, issue 20 item 6) ------------------------------


def unit_member_figures(*, actor, kinds, year: int, organization: Organization | None = None,
                        by_county: bool = False) -> dict[int | None, dict[str, int]]:
    """The member figures of each active organization of `kinds` in the actor's scope (or of
    `organization` alone), of its own members, not its subtree's: {organization_id (county_id
    with `by_county`): figures}. Figures: "members" (current: active or retained), one per
    worker category, "new_members" (current members who joined in `year`), "women_members";
    and last year's figures as the roll gives them today, "previous_*": current members who
    had joined by the end of `year` − 1 (members, each category), and "previous_new_members"
    (joined in `year` − 1).

    Two grouped queries whatever the number of members: the kept counts (at most the
    ALL_YEARS row and the rows of `year` − 1 onwards per organization) and one count of the
    roll's current women members."""
    orgs = visible_organizations(actor).filter(kind__in=kinds, status=Organization.Status.ACTIVE)
    if organization is not None:
        orgs = orgs.filter(pk=organization.pk)
    key = "organization__county_id" if by_county else "organization_id"
    every, since = Q(joined_year=ALL_YEARS), Q(joined_year__gte=year)
    categories = WorkerCategory.values
    # Aggregates named apart from the columns they sum ("f_"), which Django would take for them.
    sums = {"f_members": Sum(_CURRENT, filter=every), "f_since": Sum(_CURRENT, filter=since),
            "f_new_members": Sum(_CURRENT, filter=Q(joined_year=year)),
            "f_previous_new_members": Sum(_CURRENT, filter=Q(joined_year=year - 1))}
    for category in categories:
        sums[f"f_{category}"] = Sum(category, filter=every)
        sums[f"f_since_{category}"] = Sum(category, filter=since)
    kept = (OrganizationMemberCount.objects.filter(Q(joined_year=ALL_YEARS) | Q(joined_year__gte=year - 1),
                                                    organization__in=orgs.values("pk"))
            .order_by().values(key).annotate(**sums))
    result: dict = {}
    for row in kept:
        figures = {name: row[f"f_{name}"] or 0 for name in ("members", "new_members", "previous_new_members",
                                                            *categories)}
        figures["previous_members"] = figures["members"] - (row["f_since"] or 0)
        for category in categories:
            figures[f"previous_{category}"] = figures[category] - (row[f"f_since_{category}"] or 0)
        result[row[key]] = figures
    women = (Member.objects.filter(organization__in=orgs.values("pk"), status__in=CURRENT_STATUSES, sex="F")
             .order_by().values_list(key).annotate(n=Count("id")))
    for group, n in women:
        result.setdefault(group, {}).setdefault("members", 0)
        result[group]["women_members"] = n
    return result
