"""Every write to the union tree: create, edit, merge, dissolve.

Each service checks the actor's capability and scope itself (apps.organizations.scope),
so a view is never the only guard. Merging or dissolving moves what other apps hang on
the node through MOVE_HOOKS (employers, members), so this app imports none of them.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Case, F, Value, When
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from .models import Organization, OrganizationChange
from .scope import ensure_visible, require_in_scope

K = Organization.Kind

# Which kinds may sit directly under which. The city federation is the root, or the
# provincial federation above several cities when a province runs the portal;
# county/district federations sit only under the city, so nothing at county level or
# above can be created under a township; grassroots unions may hold sub-unions.
ALLOWED_CHILDREN: dict[str, tuple[str, ...]] = {
    # A provincial federation (issue 21) holds the cities and its own industry unions.
    K.PROVINCE_FEDERATION: (K.CITY_FEDERATION, K.INDUSTRY_FEDERATION, K.GRASSROOTS),
    K.CITY_FEDERATION: (
        K.COUNTY_FEDERATION, K.INDUSTRY_FEDERATION, K.REGIONAL_FEDERATION, K.GRASSROOTS, K.JOINT_GRASSROOTS,
    ),
    K.COUNTY_FEDERATION: (
        K.TOWNSHIP_FEDERATION, K.INDUSTRY_FEDERATION, K.REGIONAL_FEDERATION, K.GRASSROOTS, K.JOINT_GRASSROOTS,
    ),
    K.TOWNSHIP_FEDERATION: (K.REGIONAL_FEDERATION, K.GRASSROOTS, K.JOINT_GRASSROOTS, K.VILLAGE),
    K.INDUSTRY_FEDERATION: (K.GRASSROOTS, K.JOINT_GRASSROOTS),
    K.REGIONAL_FEDERATION: (K.GRASSROOTS, K.JOINT_GRASSROOTS),
    K.GRASSROOTS: (K.GRASSROOTS,),
    K.JOINT_GRASSROOTS: (K.GRASSROOTS,),
    K.VILLAGE: (),
}
ROOT_KINDS: tuple[str, ...] = (K.CITY_FEDERATION, K.PROVINCE_FEDERATION)
# Kinds that define a level of the tree (the city, a county's subtree): never changed by an edit.
LEVEL_KINDS = frozenset({K.PROVINCE_FEDERATION, K.CITY_FEDERATION, K.COUNTY_FEDERATION})


def allowed_child_kinds(parent: Organization | None) -> tuple[str, ...]:
    """The kinds a new node under `parent` may have (None: a root, i.e. the city or provincial federation)."""
    if parent is None:
        return ROOT_KINDS
    return ALLOWED_CHILDREN.get(parent.kind, ())


def check_kind_fits(*, kind: str, parent: Organization | None) -> None:
    """Raise a ValidationError on `kind` when it may not sit under `parent`."""
    if kind not in allowed_child_kinds(parent):
        kind_label = Organization.Kind(kind).label if kind in Organization.Kind.values else kind
        if parent is None:
            message = _("A %(kind)s cannot be a top-level organization.") % {"kind": kind_label}
        else:
            message = _("A %(kind)s cannot be placed under a %(parent_kind)s (%(parent)s).") % {
                "kind": kind_label, "parent_kind": parent.get_kind_display(), "parent": parent,
            }
        raise ValidationError({"kind": message})


@transaction.atomic
def create_organization(*, code: str, name: str, kind: str, parent: Organization | None, **fields) -> Organization:
    """Create a node under `parent`; path, depth and county always derive from the parent."""
    return _insert(Organization(code=code, name=name, kind=kind, parent=parent, **fields))


def _insert(org: Organization) -> Organization:
    org.set_path_from_parent()
    org.full_clean()
    org.save()
    if org.kind == Organization.Kind.COUNTY_FEDERATION and org.county_id != org.pk:
        org.county = org
        org.save(update_fields=["county"])
    return org


def _check_actor_may_write(actor, capability: str, parent: Organization | None) -> None:
    if not actor.has_capability(capability):
        raise PermissionDenied
    if parent is None:
        if not actor.is_superuser:
            raise ValidationError({"parent": _("Only a system administrator can create a top-level organization.")})
    else:
        require_in_scope(actor, parent=parent)


@transaction.atomic
def add_organization(*, actor, parent: Organization | None, code: str, name: str, kind: str) -> Organization:
    """A user creates a node: the parent must be in their scope, the kind must fit under the
    parent (ALLOWED_CHILDREN) and the code must be new. History records the actor."""
    _check_actor_may_write(actor, "organizations.create", parent)
    check_kind_fits(kind=kind, parent=parent)
    if Organization.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": _("The code %(code)s is already used by another organization.") % {"code": code}})
    org = Organization(code=code, name=name, kind=kind, parent=parent)
    org._history_user = actor  # also outside a request (shell, tasks)
    return _insert(org)


@transaction.atomic
def update_organization(*, actor, organization: Organization, name: str, kind: str, status: str) -> Organization:
    """A user edits a node in their scope: name, kind and status. The code never changes
    (it is in URLs, files and the path); the parent changes only through a move or merge.
    The new kind must fit under the parent and over every existing child, and a node
    cannot become or stop being a county/district federation (that would re-home its subtree)."""
    org = Organization.objects.select_for_update(of=("self",)).select_related("parent").get(pk=organization.pk)
    if not actor.has_capability("organizations.edit"):
        raise PermissionDenied
    ensure_visible(actor, org)
    if kind != org.kind:
        _check_kind_change(org, kind)
    org.name = name
    org.kind = kind
    org.status = status
    org._history_user = actor
    org.full_clean()
    org.save()
    return org


def _check_kind_change(org: Organization, kind: str) -> None:
    if kind in LEVEL_KINDS or org.kind in LEVEL_KINDS:
        raise ValidationError({"kind": _("A city or county/district federation keeps its kind.")})
    check_kind_fits(kind=kind, parent=org.parent)
    allowed = set(ALLOWED_CHILDREN.get(kind, ()))
    misfits = org.children.exclude(kind__in=allowed).values_list("kind", flat=True).distinct()
    bad = [Organization.Kind(k).label for k in misfits]
    if bad:
        raise ValidationError(
            {"kind": _("A %(kind)s cannot hold its existing children of kind: %(kinds)s.")
             % {"kind": Organization.Kind(kind).label, "kinds": ", ".join(str(b) for b in bad)}}
        )


# --- merge and dissolve ---------------------------------------------------------------

# Other apps register `hook(*, source, target, actor, reason) -> dict` here from their
# AppConfig.ready() (target is None when dissolving); each moves its own rows, raises a
# ValidationError when the change cannot be done, and returns counts for the change log,
# e.g. {"members": 120}.
MOVE_HOOKS: list[Callable[..., dict]] = []


def _lock(*orgs: Organization) -> None:
    ids = sorted(o.pk for o in orgs)
    list(Organization.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    for org in orgs:
        org.refresh_from_db()


def _move_subtree(*, source: Organization, target: Organization, actor, reason: str) -> int:
    """Re-parent source's children under target; one UPDATE rewrites every descendant's path,
    then each moved node gets a history row (new parent/county, who, why)."""
    new_county = target.pk if target.kind == K.COUNTY_FEDERATION else target.county_id
    fk = BigIntegerField()
    subtree = Organization.objects.filter(path__startswith=source.path).exclude(pk=source.pk)
    moved_ids = list(subtree.values_list("pk", flat=True))
    subtree.update(
        path=Concat(Value(target.path), Substr("path", len(source.path) + 1)),
        depth=F("depth") - source.depth + target.depth,
        parent=Case(When(parent=source.pk, then=Value(target.pk)), default=F("parent"), output_field=fk),
        county=Value(new_county, output_field=fk),
    )
    Organization.history.bulk_history_create(
        list(Organization.objects.filter(pk__in=moved_ids)),
        update=True,
        default_user=actor,
        default_change_reason=reason,
    )
    return len(moved_ids)


def _run_hooks(**kwargs) -> dict:
    extra = {}
    for hook in MOVE_HOOKS:
        extra.update(hook(**kwargs) or {})
    return extra


def _close(org: Organization, *, status: str, actor, reason: str) -> None:
    org.status = status
    org._history_user = actor
    org._change_reason = reason
    org.save(update_fields=["status", "updated_at"])


def _check_may_change(actor, *, source: Organization, target: Organization | None, reason: str) -> None:
    if not actor.has_capability("organizations.merge"):
        raise PermissionDenied
    ensure_visible(actor, source)
    require_in_scope(actor, target=target)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})


@transaction.atomic
def merge_organization(*, actor, source: Organization, target: Organization, reason: str) -> OrganizationChange:
    """Merge `source` into `target`: its children and, through MOVE_HOOKS, its employers and
    members move to `target`; `source` becomes "merged". Only a holder of organizations.merge
    whose scope holds both; both must be active; `target` may not lie inside `source`; a
    reason is required."""
    _check_may_change(actor, source=source, target=target, reason=reason)
    if source.pk == target.pk:
        raise ValidationError({"target": _("An organization cannot be merged into itself.")})
    _lock(source, target)
    if source.status != Organization.Status.ACTIVE or target.status != Organization.Status.ACTIVE:
        raise ValidationError(_("Only active organizations can be merged."))
    if target.path.startswith(source.path):
        raise ValidationError(
            {"target": _("An organization cannot be merged into one of its own sub-organizations.")}
        )
    if source.parent_id is None:
        raise ValidationError(_("The top organization cannot be merged."))
    extra = _run_hooks(source=source, target=target, actor=actor, reason=reason)
    children_moved = Organization.objects.filter(parent=source).count()
    _move_subtree(source=source, target=target, actor=actor, reason=reason)
    _close(source, status=Organization.Status.MERGED, actor=actor, reason=reason)
    return OrganizationChange.objects.create(
        organization=source,
        kind=OrganizationChange.Kind.MERGED,
        target=target,
        reason=reason,
        by=actor,
        employers_moved=extra.pop("employers", 0),
        children_moved=children_moved,
        extra=extra,
    )


@transaction.atomic
def dissolve_organization(*, actor, organization: Organization, reason: str) -> OrganizationChange:
    """Dissolve `organization`: refused while it has active child organizations, or while a
    hook refuses (employers lying in it as county/township, current members); the employers
    it covered become uncovered, with history; the status becomes "dissolved". Only a
    holder of organizations.merge whose scope holds it; a reason is required."""
    org = organization
    _check_may_change(actor, source=org, target=None, reason=reason)
    _lock(org)
    if org.status != Organization.Status.ACTIVE:
        raise ValidationError(_("Only an active organization can be dissolved."))
    if org.parent_id is None:
        raise ValidationError(_("The top organization cannot be dissolved."))
    children = Organization.objects.filter(parent=org, status=Organization.Status.ACTIVE).count()
    if children:
        raise ValidationError(
            _("%(count)d active organizations lie under this one; merge or dissolve them first.")
            % {"count": children}
        )
    extra = _run_hooks(source=org, target=None, actor=actor, reason=reason)
    _close(org, status=Organization.Status.DISSOLVED, actor=actor, reason=reason)
    return OrganizationChange.objects.create(
        organization=org,
        kind=OrganizationChange.Kind.DISSOLVED,
        reason=reason,
        by=actor,
        employers_moved=extra.pop("employers", 0),
        extra=extra,
    )
