"""Every write to the union tree."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.scoping import is_in_scope

from .models import Organization

K = Organization.Kind

# Which kinds may sit directly under which. The city federation is the only root;
# county/district federations sit only under the city, so nothing at county level or
# above can be created under a township; grassroots unions may hold sub-unions.
ALLOWED_CHILDREN: dict[str, tuple[str, ...]] = {
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
ROOT_KINDS: tuple[str, ...] = (K.CITY_FEDERATION,)
# Kinds that define a level of the tree (the city, a county's subtree): never changed by an edit.
LEVEL_KINDS = frozenset({K.CITY_FEDERATION, K.COUNTY_FEDERATION})


def allowed_child_kinds(parent: Organization | None) -> tuple[str, ...]:
    """The kinds a new node under `parent` may have (None: a root, i.e. the city federation)."""
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
    elif not is_in_scope(actor, parent):
        raise ValidationError({"parent": _("The parent organization must lie within your scope.")})


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
    if not is_in_scope(actor, org):
        raise ValidationError(_("This organization lies outside your scope."))
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
