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
