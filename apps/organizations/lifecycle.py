"""Merging an organization into another, or dissolving it, without losing its history.

What belongs to the organization moves with a record of who did it and why:
- its child organizations (the whole subtree's paths are rewritten in one UPDATE);
- the employers it covers, or that lie in it as county/township (history rows per employer);
- whatever other apps hang on it (members …), through MOVE_HOOKS.

The node itself stays (status merged/dissolved) so that old records keep pointing at it,
and an OrganizationChange row records the action.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Case, F, Value, When
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from .ledger.models import COVERING_KINDS
from .models import Employer, Organization, OrganizationChange

# Other apps register `hook(*, source, target, by, reason) -> dict` here (target is None
# when dissolving); each moves its own rows and returns counts for the change log,
# e.g. {"members": 120}. The members app appends its hook from its AppConfig.ready().
MOVE_HOOKS: list[Callable[..., dict]] = []

K = Organization.Kind
# Which employer field points at an organization of which kinds.
_EMPLOYER_LINKS = (
    ("county", (K.COUNTY_FEDERATION,)),
    ("township", (K.TOWNSHIP_FEDERATION,)),
    ("covering_union", COVERING_KINDS),
)


def _lock(*orgs: Organization) -> None:
    ids = sorted(o.pk for o in orgs)
    list(Organization.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    for org in orgs:
        org.refresh_from_db()


def _move_employers(*, source, target, by, reason) -> int:
    """Point every employer linked to `source` at `target` (None: uncovered), with history."""
    moved: dict[int, Employer] = {}
    changed_fields = set()
    for field, kinds in _EMPLOYER_LINKS:
        linked = list(Employer.objects.filter(**{field: source}))
        if not linked:
            continue
        if target is None and field != "covering_union":
            raise ValidationError(
                _("%(count)d employers lie in this organization; move them to another county/township first.")
                % {"count": len(linked)}
            )
        if target is not None and target.kind not in kinds:
            raise ValidationError(
                _(
                    "%(count)d employers are linked to this organization as %(field)s, which %(target)s cannot be."
                )
                % {
                    "count": len(linked),
                    "field": Employer._meta.get_field(field).verbose_name,
                    "target": target,
                }
            )
        for employer in linked:
            employer = moved.setdefault(employer.pk, employer)
            setattr(employer, field, target)
            if field == "covering_union" and target is None:
                employer.union_established_on = None
                changed_fields.add("union_established_on")
        changed_fields.add(field)
    if moved:
        bulk_update_with_history(
            list(moved.values()),
            Employer,
            sorted(changed_fields),
            default_user=by,
            default_change_reason=reason,
        )
    return len(moved)


def _move_subtree(*, source: Organization, target: Organization, by, reason: str) -> int:
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
        default_user=by,
        default_change_reason=reason,
    )
    return len(moved_ids)


def _run_hooks(**kwargs) -> dict:
    extra = {}
    for hook in MOVE_HOOKS:
        extra.update(hook(**kwargs) or {})
    return extra


def _close(org: Organization, *, status: str, by, reason: str) -> None:
    org.status = status
    org._history_user = by
    org._change_reason = reason
    org.save(update_fields=["status", "updated_at"])


@transaction.atomic
def merge_organization(*, source: Organization, target: Organization, by, reason: str) -> OrganizationChange:
    """Merge `source` into `target`: its children, employers (and, through MOVE_HOOKS, members)
    move to `target`; `source` becomes "merged". Both must be active; `target` may not lie
    inside `source`; a reason is required."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
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
    employers_moved = _move_employers(source=source, target=target, by=by, reason=reason)
    children_moved = Organization.objects.filter(parent=source).count()
    _move_subtree(source=source, target=target, by=by, reason=reason)
    extra = _run_hooks(source=source, target=target, by=by, reason=reason)
    _close(source, status=Organization.Status.MERGED, by=by, reason=reason)
    return OrganizationChange.objects.create(
        organization=source,
        kind=OrganizationChange.Kind.MERGED,
        target=target,
        reason=reason,
        by=by,
        employers_moved=employers_moved,
        children_moved=children_moved,
        extra=extra,
    )


@transaction.atomic
def dissolve_organization(*, org: Organization, by, reason: str) -> OrganizationChange:
    """Dissolve `org`: refused while it has active child organizations or employers lying in it
    (as county/township); the employers it covered become uncovered, with history; the status
    becomes "dissolved". A reason is required."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
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
    employers_moved = _move_employers(source=org, target=None, by=by, reason=reason)
    extra = _run_hooks(source=org, target=None, by=by, reason=reason)
    _close(org, status=Organization.Status.DISSOLVED, by=by, reason=reason)
    return OrganizationChange.objects.create(
        organization=org,
        kind=OrganizationChange.Kind.DISSOLVED,
        reason=reason,
        by=by,
        employers_moved=employers_moved,
        extra=extra,
    )
