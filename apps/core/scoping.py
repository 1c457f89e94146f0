"""The one scoping function: which organizations, and so which rows, a user may see.

Every list, detail, search, count, export and report starts here. A user sees their
organization and everything under it (the materialized path prefix); superusers see
everything; anybody else sees nothing. Rows outside the scope answer 404, never 403,
so their existence does not leak.
"""

from django.db.models import Model, QuerySet
from django.http import Http404

from apps.organizations.models import Organization


def scope_root_path(user) -> str | None:
    """The path prefix of the user's scope, "" for everything, None for nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    org = user.organization
    if org is None:
        return None
    return org.path


def scope_queryset(queryset: QuerySet, user, *, via: str = "organization") -> QuerySet:
    """Restrict `queryset` to rows whose organization (reached through `via`) is in scope.

    `via` is the lookup from the model to its Organization: "organization",
    "employer__covering_union"; "" when the queryset is of Organization itself.
    """
    root = scope_root_path(user)
    if root is None:
        return queryset.none()
    if root in ("", "/"):
        return queryset
    lookup = f"{via}__path__startswith" if via else "path__startswith"
    return queryset.filter(**{lookup: root})


def visible_organizations(user) -> QuerySet[Organization]:
    """The user's organization and everything under it."""
    return scope_queryset(Organization.objects.all(), user, via="")


def get_visible_or_404(queryset: QuerySet, user, *, via: str = "organization", **lookup) -> Model:
    """One row by `lookup`, or 404 when it does not exist or lies outside the user's scope."""
    try:
        return scope_queryset(queryset, user, via=via).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def is_in_scope(user, organization: Organization) -> bool:
    root = scope_root_path(user)
    return root is not None and organization.path.startswith(root)
