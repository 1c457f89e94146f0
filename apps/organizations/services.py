"""Every write to the union tree."""

from django.db import transaction

from .models import Organization


@transaction.atomic
def create_organization(*, code: str, name: str, kind: str, parent: Organization | None, **fields) -> Organization:
    """Create a node under `parent`; path, depth and county always derive from the parent."""
    org = Organization(code=code, name=name, kind=kind, parent=parent, **fields)
    org.set_path_from_parent()
    org.full_clean()
    org.save()
    if org.kind == Organization.Kind.COUNTY_FEDERATION and org.county_id != org.pk:
        org.county = org
        org.save(update_fields=["county"])
    return org
