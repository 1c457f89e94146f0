"""The one scope module: which organizations, and so which rows, a user may see or touch.

Every list, detail, search, count, export, task and report starts here (DESIGN.md "Who
uses it"). A user sees their organization and everything under it (the materialized
path prefix); a superuser sees everything; anybody else — anonymous, inactive, without
an organization — sees nothing.

Two guards, one per way a target arrives:
- an object named in a URL (or acted on by a service) lies outside the scope → Http404,
  never 403, so its existence does not leak (`get_visible_or_404`, `ensure_visible`);
- an organization chosen in a form lies outside the scope → a ValidationError on that
  field, so the form says which choice is wrong (`require_in_scope`).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, F, Func, Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Organization

EVERYTHING = ""


def scope_root_path(user) -> str | None:
    """The path prefix of the user's scope: EVERYTHING ("") for a superuser, None for nothing.

    The superuser rule lives here and nowhere else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return EVERYTHING
    org = user.organization
    if org is None:
        return None
    return org.path


def sees_everything(user) -> bool:
    return scope_root_path(user) == EVERYTHING


def scope_queryset(queryset: QuerySet, user, *, via: str = "organization", ids_first: bool = False) -> QuerySet:
    """Restrict `queryset` to rows whose organization (reached through `via`) is in scope.

    `via` is the lookup from the model to its Organization: "organization",
    "employer__covering_union"; "" when the queryset is of Organization itself.

    `ids_first`: the same rows, with the scope's organization ids read first on their own
    (`IN (SELECT id … path LIKE … OFFSET 0)`, the path index, then hashed), for a table
    small next to the tree (a year's events, files, honors). Joined, the planner may merge
    it with the whole tree along the primary key, priced as stopping at the table's last
    organization; when those rows lie in one city of a province it walks every later
    city's organizations testing the path (issue 21: 75,000 rows, 10-15 ms a query, where
    the county's 1,700 ids take 1 ms). OFFSET 0 keeps the subquery planned apart.
    """
    root = scope_root_path(user)
    if root is None:
        return queryset.none()
    if root == EVERYTHING:
        return queryset
    if ids_first and via:
        ids = Organization.objects.filter(path__startswith=root).order_by().values("pk").query
        sql, params = ids.sql_with_params()
        return queryset.filter(**{f"{via}__in": RawSQL(f"{sql} OFFSET 0", params)})
    lookup = f"{via}__path__startswith" if via else "path__startswith"
    return queryset.filter(**{lookup: root})


class _EqualsAny(Func):
    """`column = ANY(ARRAY(subquery))`, a condition."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def scope_queryset_any(queryset: QuerySet, user, *, vias: tuple[str, ...], few_rows: bool = False) -> QuerySet:
    """Rows whose organization through *any* of `vias` lies in the user's scope (an employer
    is visible through its county, its township or its covering union).

    The same rule as OR-ing scope_queryset(via=...) over each via, written as id arrays
    of visible_organizations(): the OR of three LIKE filters over three joined copies of the
    tree cost 160 ms for a county on the city data (30,000 employers); the hashed subqueries
    cost a few ms. The whole city needs no filter.

    `few_rows`: the queryset's own filters already leave a few thousand rows at most, of
    the whole portal (a year's innovation enterprises or fund payments). Then each row's
    organizations are joined by primary key and their paths tested: a constant cost per row.
    The id arrays below cost, for every row outside the scope, a walk of the scope's whole
    array per via (PostgreSQL 15 hashes no runtime array): under a province the city's
    statistics tested 700 other cities' enterprises against 11,000 ids three times (issue 21).
    """
    root = scope_root_path(user)
    if root is None:
        return queryset.none()
    if root == EVERYTHING:
        return queryset
    if few_rows:
        condition = Q()
        for via in vias:
            condition |= Q(**{f"{via}__path__startswith": root})
        return queryset.filter(condition)
    visible = ArraySubquery(visible_organizations(user).order_by().values("pk"))
    condition = Q()
    for via in vias:
        # "via = ANY(ARRAY(…))", not "via IN (…)": the IN form is a hashed subplan the
        # planner can only apply to a scan of the whole table, which under a province
        # (issue 21) is every city's (210,000 employers: a county's list 48 → 131 ms);
        # ANY over an array is a bitmap index scan of each via, the scope's rows only (15 ms).
        condition |= Q(_EqualsAny(F(via), visible))
    return queryset.filter(condition)


def visible_organizations(user) -> QuerySet[Organization]:
    """The user's organization and everything under it."""
    return scope_queryset(Organization.objects.all(), user, via="")


def get_visible_or_404(queryset: QuerySet, user, *, via: str = "organization", **lookup) -> Model:
    """One row by `lookup`, or 404 when it does not exist or lies outside the user's scope."""
    try:
        return scope_queryset(queryset, user, via=via).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


# Kinds of union that usually have no organization under them; federations always do.
_USUALLY_LEAVES = frozenset({Organization.Kind.GRASSROOTS, Organization.Kind.JOINT_GRASSROOTS,
                             Organization.Kind.VILLAGE})


def single_organization_scope(user) -> Organization | None:
    """The user's organization when their scope is that organization alone (no organization
    under it), else None. A hint for the planner, never a wider or narrower scope: a query
    keeps scope_queryset's filter and may add `organization = this one`, which then says the
    same. One index-only probe of parent_id, asked only for the kinds of union that are
    usually leaves (a federation's scope is never one organization)."""
    if scope_root_path(user) in (None, EVERYTHING):
        return None
    org = user.organization
    if org.kind not in _USUALLY_LEAVES or Organization.objects.filter(parent_id=org.pk).exists():
        return None
    return org


def is_in_scope(user, organization: Organization) -> bool:
    root = scope_root_path(user)
    return root is not None and organization.path.startswith(root)


def ensure_visible(user, organization: Organization) -> None:
    """A service's guard for the object it acts on: outside the scope answers 404."""
    if not is_in_scope(user, organization):
        raise Http404


def require_in_scope(user, **targets: Organization | None) -> None:
    """A service's guard for organizations chosen in a form: each named target (None is
    allowed) must lie in the user's scope, else one ValidationError naming every bad field."""
    errors = {
        field: _("%(name)s lies outside your scope.") % {"name": organization}
        for field, organization in targets.items()
        if organization is not None and not is_in_scope(user, organization)
    }
    if errors:
        raise ValidationError(errors)


class NarrowedActor:
    """`user` reading as if their scope were `organization`, a part of it (issue 21: a
    province user's dashboard for one city). Everything but the scope is the user's own
    (role, capabilities, id); the scope is the organization's subtree, superuser or not,
    so every selector that starts from the scope reads that city and nothing else.
    For reads only: services are given the real user."""

    def __init__(self, user, organization: Organization):
        ensure_visible(user, organization)
        self._user = user
        self.organization = organization
        self.organization_id = organization.pk
        self.is_superuser = False

    def __getattr__(self, name):
        return getattr(self._user, name)


def narrowed_to(user, organization: Organization) -> NarrowedActor:
    """The user with their scope narrowed to `organization` (404 when it lies outside it)."""
    return NarrowedActor(user, organization)


@dataclass(frozen=True)
class ScopeViewer:
    """Nobody in particular, reading with `organization`'s eyes: exactly what a user of that
    organization sees (it and everything under it), with no right to change anything. For
    figures computed without a person asking — a scheduled report, the dashboard's kept
    figures — that must equal what that organization's own staff see."""

    organization: object
    is_authenticated: bool = True
    is_active: bool = True
    is_superuser: bool = False
    pk: None = None
    role: str = ""

    def has_capability(self, capability: str) -> bool:
        return False

    def get_username(self) -> str:
        return f"report:{self.organization.code}"
