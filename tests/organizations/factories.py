import factory

from apps.organizations.models import Organization
from apps.organizations.services import create_organization


class OrganizationFactory(factory.Factory):
    """Builds nodes through the service, so path, depth and county are always right."""

    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试工会{n}")
    kind = Organization.Kind.GRASSROOTS
    parent = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return create_organization(**kwargs)


def bulk_children(parent: Organization, count: int, *, prefix: str = "B", kind=Organization.Kind.GRASSROOTS):
    """`count` children under `parent` in one INSERT (for size tests; no history rows)."""
    county = parent if parent.kind == Organization.Kind.COUNTY_FEDERATION else parent.county
    rows = [
        Organization(
            code=f"{prefix}{i:05d}", name=f"批量工会{prefix}{i}", kind=kind, parent=parent, county=county,
            path=Organization.build_path(parent.path, f"{prefix}{i:05d}"), depth=parent.depth + 1,
        )
        for i in range(count)
    ]
    return Organization.objects.bulk_create(rows)
