"""Every read of the union tree: starts from the user's scope (apps.organizations.scope).

Each function runs a fixed number of queries whatever the size of the tree, so pages
built on them stay bounded at 11,000 nodes.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from apps.core.history import change_reason_display
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


FEDERATION_KINDS = (
    Organization.Kind.CITY_FEDERATION,
    Organization.Kind.COUNTY_FEDERATION,
    Organization.Kind.TOWNSHIP_FEDERATION,
    Organization.Kind.INDUSTRY_FEDERATION,
    Organization.Kind.REGIONAL_FEDERATION,
)


def parent_choices(*, actor, federations_only: bool = False) -> QuerySet[Organization]:
    """Active organizations in scope that may take a new child.

    `federations_only` keeps a drop-down short (a few hundred at city size, not 11,000);
    a sub-union under a grassroots union is added from that union's page."""
    qs = visible_organizations(actor).filter(status=Organization.Status.ACTIVE)
    if federations_only:
        qs = qs.filter(kind__in=FEDERATION_KINDS)
    return qs.order_by("path")


def get_organization(*, actor, code: str) -> Organization:
    """One organization by code, 404 outside the user's scope."""
    return get_visible_or_404(
        Organization.objects.select_related("parent", "county"), actor, via="", code=code
    )


def scope_counts_by_kind(*, actor) -> list[tuple[str, str, int]]:
    """(kind, label, count) of the organizations in scope, in the order of Kind; one query."""
    rows = dict(visible_organizations(actor).order_by().values_list("kind").annotate(n=Count("id")))
    return [(kind, label, rows[kind]) for kind, label in Organization.Kind.choices if rows.get(kind)]


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


@dataclass
class HistoryEntry:
    when: object
    who: object
    action: str
    changes: list[tuple[str, object, object]]  # (field label, old, new)
    reason: str = ""  # why, as the reader should see it ("demo data", not "seed_demo")


_HISTORY_ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
_SHOWN_FIELDS = ("name", "kind", "status", "code")


def _display(field, value):
    return dict(field.flatchoices).get(value, value) if field.choices else value


def recent_history(*, organization: Organization, limit: int = HISTORY_SIZE) -> list[HistoryEntry]:
    """The latest changes to a node, who made them and what changed (one query)."""
    records = list(organization.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for record, older in zip(records[:limit], records[1:] + [None]):
        changes = []
        if older is not None:
            delta = record.diff_against(older, included_fields=_SHOWN_FIELDS)
            for change in delta.changes:
                field = Organization._meta.get_field(change.field)
                changes.append((field.verbose_name, _display(field, change.old), _display(field, change.new)))
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=_HISTORY_ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
                reason=change_reason_display(record.history_change_reason),
            )
        )
    return entries


def organization_changes(*, organization: Organization) -> list[OrganizationChange]:
    """Merges and dissolutions the organization took part in, as source or target."""
    return list(
        OrganizationChange.objects.filter(Q(organization=organization) | Q(target=organization))
        .select_related("organization", "target", "by")
    )
