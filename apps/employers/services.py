"""Every write to the ledger: employers, instructors and their visits, demonstration sites,
and what a merge or dissolution of an organization does to them.

A user writes only with the right (employers.edit) and inside their scope: the record
changed must be visible to them (else 404) and the organizations it points at (county,
township, covering union, sending federation, site organization) must lie in their scope
(else a form error on that field).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from apps.core.permissions import require_capability
from apps.organizations.models import Organization
from apps.organizations.scope import require_in_scope

from .models import COVERING_KINDS, DemonstrationSite, Employer, InstructorVisit, WorkInstructor
from .selectors import demonstration_sites_visible_to, employers_visible_to, instructors_visible_to

EMPLOYER_FIELDS = (
    "name",
    "social_credit_code",
    "county",
    "township",
    "industry",
    "ownership",
    "headcount",
    "is_new_sector",
    "new_sector_kind",
    "covering_union",
    "union_established_on",
    "status",
)


def _require_in_scope(actor, **organizations) -> None:
    """Every named organization (None allowed) lies in the actor's scope, else a field error.

    An employer is visible through its county, township or covering union, so a write
    must not point any of them outside the writer's subtree. Exception: the county may be
    the actor's own county when the actor sits below it (a township clerk)."""
    own_county = getattr(getattr(actor, "organization", None), "county_id", None)
    county = organizations.get("county")
    if county is not None and county.pk == own_county:
        organizations = {**organizations, "county": None}
    require_in_scope(actor, **organizations)


def _require_visible(queryset, obj) -> None:
    """The record a service changes must be one the actor sees (a URL object: else 404)."""
    if obj.pk is not None and not queryset.filter(pk=obj.pk).exists():
        raise Http404


def _save(instance, *, actor, reason: str | None = None):
    instance.full_clean()
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.save()
    return instance


@transaction.atomic
def create_employer(*, actor, **fields) -> Employer:
    """Create an employer in the actor's scope; the credit code is validated and unique when present."""
    require_capability(actor, "employers.edit")
    employer = Employer(**{k: v for k, v in fields.items() if k in EMPLOYER_FIELDS})
    _require_in_scope(
        actor, county=employer.county, township=employer.township, covering_union=employer.covering_union
    )
    return _save(employer, actor=actor)


@transaction.atomic
def update_employer(*, actor, employer: Employer, **fields) -> Employer:
    """Change an employer; it must stay in the actor's scope. History records who changed what."""
    require_capability(actor, "employers.edit")
    _require_visible(employers_visible_to(actor), employer)
    for key, value in fields.items():
        if key in EMPLOYER_FIELDS:
            setattr(employer, key, value)
    _require_in_scope(
        actor, county=employer.county, township=employer.township, covering_union=employer.covering_union
    )
    return _save(employer, actor=actor)


@transaction.atomic
def save_work_instructor(*, actor, instructor: WorkInstructor, employers=None) -> WorkInstructor:
    """Create or change a work instructor; sending federation and county must be in scope,
    and the assigned employers must be visible to the actor."""
    require_capability(actor, "employers.edit")
    _require_visible(instructors_visible_to(actor), instructor)
    if employers is not None:
        visible = set(employers_visible_to(actor).filter(pk__in=[e.pk for e in employers]).values_list("pk", flat=True))
        if any(e.pk not in visible for e in employers):
            raise ValidationError({"employers": _("Choose employers within your scope.")})
    _require_in_scope(actor, county=instructor.county, sent_by=instructor.sent_by)
    _save(instructor, actor=actor)
    if employers is not None:
        instructor.employers.set(employers)
    return instructor


@transaction.atomic
def record_instructor_visit(
    *, actor, instructor: WorkInstructor, visited_on, summary: str, employer: Employer | None = None
) -> InstructorVisit:
    """Log one visit of an instructor; the employer, when given, must be one the instructor is assigned to."""
    require_capability(actor, "employers.edit")
    _require_visible(instructors_visible_to(actor), instructor)
    if employer is not None and not instructor.employers.filter(pk=employer.pk).exists():
        raise ValidationError({"employer": _("The instructor is not assigned to this employer.")})
    visit = InstructorVisit(
        instructor=instructor, employer=employer, visited_on=visited_on, summary=summary, recorded_by=actor
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def save_demonstration_site(*, actor, site: DemonstrationSite) -> DemonstrationSite:
    """Create or change a demonstration site; its organization must be in the actor's scope.
    A county-level user cannot name a city-level site."""
    # The right its pages ask for (a site is a mark on the organization, not an employer).
    require_capability(actor, "organizations.edit")
    _require_visible(demonstration_sites_visible_to(actor), site)
    _require_in_scope(actor, organization=site.organization)
    if site.level == DemonstrationSite.Level.CITY and not actor.is_superuser:
        org = actor.organization
        if org is None or org.parent_id is not None:
            raise ValidationError({"level": _("Only the city federation names city-level sites.")})
    return _save(site, actor=actor)


# --- merge and dissolve (registered in organizations.services.MOVE_HOOKS) -------------

K = Organization.Kind
# Which employer field points at an organization of which kinds.
_EMPLOYER_LINKS = (
    ("county", (K.COUNTY_FEDERATION,)),
    ("township", (K.TOWNSHIP_FEDERATION,)),
    ("covering_union", COVERING_KINDS),
)


def move_employers_on_merge_or_dissolve(*, source, target, actor, reason) -> dict:
    """Merge: every employer linked to `source` (as county, township or covering union) is
    linked to `target` instead, with history; refused when `target` cannot be that link.
    Dissolve (`target` None): covered employers become uncovered; refused while employers
    lie in `source` as their county or township."""
    return {"employers": _move_employer_links(source=source, target=target, actor=actor, reason=reason)}


def _move_employer_links(*, source, target, actor, reason) -> int:
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
            default_user=actor,
            default_change_reason=reason,
        )
    return len(moved)
