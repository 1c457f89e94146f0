"""Every read of the union tree: starts from the user's scope (apps.organizations.scope).

Each function runs a fixed number of queries whatever the size of the tree, so pages
built on them stay bounded at 11,000 nodes.
"""

from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from apps.core.history import HistoryEntry, history_entries
from apps.core.validators import clean_text

from .models import PATH_SEPARATOR, Organization, OrganizationChange
from .scope import EVERYTHING, get_visible_or_404, scope_root_path, visible_organizations

# A county can have hundreds of children; the tree shows them a page at a time.
TREE_PAGE_SIZE = 50
HISTORY_SIZE = 10


def organization_list(*, actor) -> QuerySet[Organization]:
    """The organization list: the user's subtree with what the table shows joined in."""
    return visible_organizations(actor).select_related("parent", "county").order_by("path")


def county_choices(*, actor) -> QuerySet[Organization]:
    """Counties/districts a user may filter by: those inside their scope."""
    return visible_organizations(actor).filter(kind=Organization.Kind.COUNTY_FEDERATION).order_by("code")


def organization_counts_by_county(*, actor) -> dict[int | None, int]:
    """Active organizations in scope per county/district ({county_id: n}; None: the city
    and the unions directly under it), one grouped query."""
    rows = (
        visible_organizations(actor).filter(status=Organization.Status.ACTIVE)
        .order_by().values_list("county_id").annotate(n=Count("id"))
    )
    return dict(rows)


# The kinds city_and_county_federations() gives.
CITY_AND_COUNTY_KINDS = (Organization.Kind.PROVINCE_FEDERATION, Organization.Kind.CITY_FEDERATION,
                         Organization.Kind.COUNTY_FEDERATION)


def city_and_county_federations() -> list[Organization]:
    """The active province (when one runs the portal), city and county/district federations,
    top down in code order: the scopes the monthly statistics are scheduled for and whose
    dashboards are kept (by the system, so no user's scope)."""
    return list(Organization.objects.filter(kind__in=CITY_AND_COUNTY_KINDS, status=Organization.Status.ACTIVE)
                .order_by("depth", "code"))


FEDERATION_KINDS = (
    Organization.Kind.PROVINCE_FEDERATION,
    Organization.Kind.CITY_FEDERATION,
    Organization.Kind.COUNTY_FEDERATION,
    Organization.Kind.TOWNSHIP_FEDERATION,
    Organization.Kind.INDUSTRY_FEDERATION,
    Organization.Kind.REGIONAL_FEDERATION,
)


def get_organization(*, actor, code: str) -> Organization:
    """One organization by code, 404 outside the user's scope."""
    return get_visible_or_404(
        Organization.objects.select_related("parent", "county"), actor, via="", code=code
    )


def scope_counts_by_kind(*, actor) -> list[tuple[str, str, int]]:
    """(kind, label, count) of the organizations in scope, in the order of Kind; one query."""
    rows = dict(visible_organizations(actor).order_by().values_list("kind").annotate(n=Count("id")))
    return [(kind, label, rows[kind]) for kind, label in Organization.Kind.choices if rows.get(kind)]


def active_counts_by_kind(*, actor, organization: Organization | None = None) -> list[tuple[str, str, int]]:
    """(kind, label, count) of the active organizations in scope (in `organization`'s subtree
    when given), in the order of Kind, kinds with none left out; one grouped query. The
    organization list filtered by kind, status active (and the county) shows the same rows."""
    qs = visible_organizations(actor).filter(status=Organization.Status.ACTIVE)
    if organization is not None:
        qs = qs.filter(path__startswith=organization.path)
    rows = dict(qs.order_by().values_list("kind").annotate(n=Count("id")))
    return [(kind, label, rows[kind]) for kind, label in Organization.Kind.choices if rows.get(kind)]


def active_counts_and_counties(*, actor, organization: Organization | None = None
                               ) -> tuple[list[tuple[str, str, int]], list[Organization]]:
    """(active_counts_by_kind, county_choices as (pk, code, name) rows) in one query (a UNION
    ALL): what the dashboard reads of organizations."""
    qs = visible_organizations(actor).filter(status=Organization.Status.ACTIVE)
    if organization is not None:
        qs = qs.filter(path__startswith=organization.path)
    none_int, none_text = Cast(Value(None), IntegerField()), Cast(Value(None), CharField())
    counts = (qs.order_by().annotate(t=F("kind"), i=none_int, c=none_text, nm=none_text)
              .values_list("t", "i", "c", "nm").annotate(n=Count("id")))
    counties = (county_choices(actor=actor).order_by()
                .annotate(t=Value(COUNTY_ROW), i=F("id"), c=F("code"), nm=F("name"), n=Value(0))
                .values_list("t", "i", "c", "nm", "n"))
    rows, found = {}, []
    for kind, pk, code, name, n in counts.union(counties, all=True):
        if kind == COUNTY_ROW:
            found.append(Organization(pk=pk, code=code, name=name, kind=Organization.Kind.COUNTY_FEDERATION))
        else:
            rows[kind] = n
    kinds = [(kind, label, rows[kind]) for kind, label in Organization.Kind.choices if rows.get(kind)]
    return kinds, sorted(found, key=lambda c: c.code)


COUNTY_ROW = "~county"  # not a kind: a county row of active_counts_and_counties' union


# --- choosing an organization in a form (picker.py) ------------------------------------

# What the picker lists for one search: enough to recognise the one meant, few enough to read.
PICKER_RESULTS = 20


def organization_choices(
    *, actor, kinds=(), active_only: bool = True, exclude: Organization | None = None
) -> QuerySet[Organization]:
    """The organizations a form may choose from: the user's scope, narrowed to `kinds`, to
    active ones, and without `exclude`'s subtree (a merge target is never the source or
    below it). The form's field validates against this; the search lists from it."""
    qs = visible_organizations(actor)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if active_only:
        qs = qs.filter(status=Organization.Status.ACTIVE)
    if exclude is not None:
        qs = qs.exclude(path__startswith=exclude.path)
    return qs


def search_organizations(choices: QuerySet[Organization], text: str, *, limit: int = PICKER_RESULTS) -> list[Organization]:
    """At most `limit` + 1 of `choices` whose name contains `text` or whose code starts with
    it (codes are hierarchical: a prefix finds a node and its coded descendants); an exact
    code first, then code prefixes, then names, the higher levels first. The extra row
    tells the picker there are more. Empty text: the first ones in tree order.

    One query; at city size (11,000 organizations) a sequential scan of the tree in a
    few ms, so no index of its own (each index costs every write to the tree)."""
    name = " ".join(str(text or "").split())
    code = clean_text(text)  # digits typed full-width by a Chinese input method count too
    qs = choices
    if name:
        qs = qs.filter(Q(name__icontains=name) | Q(code__istartswith=code)).annotate(
            rank=Case(
                When(code__iexact=code, then=Value(0)),
                When(code__istartswith=code, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        qs = qs.order_by("rank", "depth", "path")
    else:
        qs = qs.order_by("depth", "path")
    return list(qs.select_related("county")[: limit + 1])


def find_organization(choices: QuerySet[Organization], text: str) -> Organization | None:
    """The organization of `choices` a typed text names: its code, else its exact name when
    only one has it (what a picker falls back to when nothing was picked from its list)."""
    code, name = clean_text(text), " ".join(str(text or "").split())
    if not code:
        return None
    found = choices.filter(code=code).first()
    if found is None:
        named = list(choices.filter(name=name)[:2])
        found = named[0] if len(named) == 1 else None
    return found


def ancestors_in_scope(*, actor, organization: Organization) -> list[Organization]:
    """The parent chain from the user's scope root down to the node's parent, in one query.

    Ancestors above the user's root are not returned: they lie outside the scope."""
    codes = [c for c in organization.path.split(PATH_SEPARATOR) if c][:-1]
    if not codes:
        return []
    return list(visible_organizations(actor).filter(code__in=codes).order_by("depth").only("code", "name", "path"))


def _with_child_count(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(child_count=Count("children")).order_by("path")


def tree_roots(*, actor) -> list[Organization]:
    """Where the tree browser starts: the user's organization (superusers: every root)."""
    root = scope_root_path(actor)
    if root is None:
        return []
    qs = visible_organizations(actor)
    qs = qs.filter(parent__isnull=True) if root == EVERYTHING else qs.filter(path=root)
    return list(_with_child_count(qs))


@dataclass
class ChildrenPage:
    parent: Organization
    children: list[Organization]
    next_offset: int | None  # None when this is the last page


def tree_children(*, actor, parent: Organization, offset: int = 0, limit: int = TREE_PAGE_SIZE) -> ChildrenPage:
    """One page of a node's children, each with its own child count: one query.

    Fetches one row more than the page to know whether a "more" link is needed
    without counting."""
    offset = max(offset, 0)
    qs = _with_child_count(visible_organizations(actor).filter(parent=parent))
    rows = list(qs[offset : offset + limit + 1])
    more = len(rows) > limit
    return ChildrenPage(parent=parent, children=rows[:limit], next_offset=offset + limit if more else None)


def children_summary(*, organization: Organization) -> dict:
    """Direct children by kind and the size of the subtree below the node (two queries).

    Everything under a node in scope is in scope too, so no further filter is needed."""
    by_kind = dict(organization.children.order_by().values_list("kind").annotate(n=Count("id")))
    below = Organization.objects.filter(path__startswith=organization.path).exclude(pk=organization.pk).count()
    return {
        "by_kind": [(label, by_kind[kind]) for kind, label in Organization.Kind.choices if by_kind.get(kind)],
        "children": sum(by_kind.values()),
        "descendants": below,
    }


_SHOWN_FIELDS = ("name", "kind", "status", "code")


def recent_history(*, organization: Organization, limit: int = HISTORY_SIZE) -> list[HistoryEntry]:
    """The latest changes to a node, who made them and what changed (one query)."""
    records = organization.history.select_related("history_user").order_by("-history_date", "-history_id")
    return history_entries(records[: limit + 1], model=Organization, limit=limit, included_fields=_SHOWN_FIELDS)


def organization_changes(*, organization: Organization) -> list[OrganizationChange]:
    """Merges and dissolutions the organization took part in, as source or target."""
    return list(
        OrganizationChange.objects.filter(Q(organization=organization) | Q(target=organization))
        .select_related("organization", "target", "by")
    )
