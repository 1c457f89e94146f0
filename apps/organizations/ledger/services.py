"""Every write to the ledger: employers, instructors and their visits, demonstration sites.

A user writes only inside their scope: the organizations a record points at (county,
township, covering union, sending federation, site organization) must be visible to them.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.scoping import is_in_scope

from .models import DemonstrationSite, Employer, InstructorVisit, WorkInstructor

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
    errors = {}
    own_county = getattr(getattr(actor, "organization", None), "county_id", None)
    for field, organization in organizations.items():
        if organization is None or is_in_scope(actor, organization):
            continue
        if field == "county" and organization.pk == own_county:
            continue
        errors[field] = _("%(name)s lies outside your scope.") % {"name": organization}
    if errors:
        raise ValidationError(errors)


def _save(instance, *, actor, reason: str | None = None):
    instance.full_clean()
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.save()
    return instance


@transaction.atomic
def employer_create(*, actor, **fields) -> Employer:
    """Create an employer in the actor's scope; the credit code is validated and unique when present."""
    employer = Employer(**{k: v for k, v in fields.items() if k in EMPLOYER_FIELDS})
    _require_in_scope(
        actor, county=employer.county, township=employer.township, covering_union=employer.covering_union
    )
    return _save(employer, actor=actor)


@transaction.atomic
def employer_update(*, actor, employer: Employer, **fields) -> Employer:
    """Change an employer; it must stay in the actor's scope. History records who changed what."""
    for key, value in fields.items():
        if key in EMPLOYER_FIELDS:
            setattr(employer, key, value)
    _require_in_scope(
        actor, county=employer.county, township=employer.township, covering_union=employer.covering_union
    )
    return _save(employer, actor=actor)


@transaction.atomic
def instructor_save(*, actor, instructor: WorkInstructor, employers=None) -> WorkInstructor:
    """Create or change a work instructor; sending federation and county must be in scope,
    and the assigned employers must be visible to the actor."""
    _require_in_scope(actor, county=instructor.county, sent_by=instructor.sent_by)
    _save(instructor, actor=actor)
    if employers is not None:
        instructor.employers.set(employers)
    return instructor


@transaction.atomic
def instructor_visit_record(
    *, actor, instructor: WorkInstructor, visited_on, summary: str, employer: Employer | None = None
) -> InstructorVisit:
    """Log one visit of an instructor; the employer, when given, must be one the instructor is assigned to."""
    if employer is not None and not instructor.employers.filter(pk=employer.pk).exists():
        raise ValidationError({"employer": _("The instructor is not assigned to this employer.")})
    visit = InstructorVisit(
        instructor=instructor, employer=employer, visited_on=visited_on, summary=summary, recorded_by=actor
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def demonstration_site_save(*, actor, site: DemonstrationSite) -> DemonstrationSite:
    """Create or change a demonstration site; its organization must be in the actor's scope.
    A county-level user cannot name a city-level site."""
    _require_in_scope(actor, organization=site.organization)
    if site.level == DemonstrationSite.Level.CITY and not actor.is_superuser:
        org = actor.organization
        if org is None or org.parent_id is not None:
            raise ValidationError({"level": _("Only the city federation names city-level sites.")})
    return _save(site, actor=actor)
