"""Every read of the membership roll that lists, searches or counts; each starts from scope.

Sized for 856,000 members: the list never counts the whole table to paginate (see
views), name search is a trigram-indexed contains, ID search is an exact match on 18
characters or a suffix match on 4-6 trailing characters through the reverse(id_number)
index, and counts for organization pages are one aggregate query.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, Count, DateField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Reverse, TruncMonth
from django.utils import timezone
from django.http import Http404

from apps.accounts.models import SensitiveAccess
from apps.core.history import HistoryEntry, history_entries
from apps.core.validators import clean_text, normalize_resident_id
from apps.organizations.models import Organization
from apps.organizations.scope import (
    get_visible_or_404,
    is_in_scope,
    scope_queryset,
    visible_organizations,
)

from .models import CURRENT_STATUSES, Member, MemberStatus, NameBigrams, Transfer, WorkerCategory, id_number_is

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
    return qs if qs.query.order_by else qs.order_by("-id")


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


# --- counts for organization pages (issue 4 item 8) ---------------------------------


def members_count_by_organization(*, actor, orgs) -> dict[int, dict[str, int]]:
    """Current members (and new-employment-form members) in each organization's subtree,
    {org_id: {"members": n, "new_employment": m}}, for the organizations in scope.

    One query grouped by union (an index-only pass over member_org_status_idx's rows),
    rolled up the path in Python: a COUNT(*) FILTER per organization would test every
    row against every organization's path."""
    orgs = [o for o in orgs if is_in_scope(actor, o)]
    if not orgs:
        return {}
    roots = [o for o in orgs if not any(o.path.startswith(p.path) and o.path != p.path for p in orgs)]
    under_roots = Q()
    for root in {r.path for r in roots}:
        under_roots |= Q(organization__path__startswith=root)
    groups = (
        scope_queryset(Member.objects.filter(status__in=CURRENT_STATUSES), actor)
        .filter(under_roots)
        .values("organization__path")
        .annotate(
            members=Count("id"),
            new_employment=Count("id", filter=Q(worker_category=WorkerCategory.NEW_EMPLOYMENT)),
        )
        .order_by()
    )
    wanted = {o.path: {"members": 0, "new_employment": 0} for o in orgs}
    for group in groups:
        path = group["organization__path"]
        # every ancestor prefix of the union's path ("/C/", "/C/CA/", ...) that was asked for
        end = path.find("/", 1)
        while end != -1:
            totals = wanted.get(path[: end + 1])
            if totals is not None:
                totals["members"] += group["members"]
                totals["new_employment"] += group["new_employment"]
            end = path.find("/", end + 1)
    return {o.pk: dict(wanted[o.path]) for o in orgs}


# The count box lists a node's children this many at a time (a county has 147, a
# township up to 175), with "more" as in the tree.
COUNTS_PAGE_SIZE = 50
_NO_MEMBERS = {"members": 0, "new_employment": 0}


@dataclass
class CountsBox:
    total: dict[str, int]  # the organization's subtree
    children: list[tuple[Organization, dict[str, int]]]  # this page of its children
    children_count: int
    children_total: dict[str, int]  # every child's subtree, not only this page's
    direct: dict[str, int]  # members of the organization itself: total = children_total + direct
    next_offset: int | None  # None on the last page


def member_counts_box(*, actor, organization: Organization, offset: int = 0, limit: int = COUNTS_PAGE_SIZE) -> CountsBox:
    """The member counts of an organization and of each of its children in scope, one page
    of children at a time, with totals over all of them; three queries whatever the page.

    Every child is read (a few hundred at most) and counted in the one grouped query of
    members_count_by_organization: the children's total needs them all, and the grouped
    count costs the same for one child as for all (it reads the subtree's members once)."""
    children = list(
        visible_organizations(actor).filter(parent=organization).order_by("name", "code").only("code", "name", "path")
    )
    counts = members_count_by_organization(actor=actor, orgs=[organization, *children])
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
    )


def members_count_by_county(*, actor, county: Organization | None = None) -> list[dict]:
    """Current and new-employment-form members per county/district in scope (or in one
    county), one query: [{"county_id", "county_name", "members", "new_employment"}], largest first."""
    current = scope_queryset(Member.objects.filter(status__in=CURRENT_STATUSES), actor)
    if county is not None:
        current = current.filter(organization__county=county)
    rows = (
        current
        .values("organization__county_id", "organization__county__name")
        .annotate(
            members=Count("id"),
            new_employment=Count("id", filter=Q(worker_category=WorkerCategory.NEW_EMPLOYMENT)),
        )
        .order_by("-members")
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
    qs = scope_queryset(
        Member.objects.filter(status__in=CURRENT_STATUSES, worker_category=WorkerCategory.NEW_EMPLOYMENT),
        actor,
    )
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    return qs.count()


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
