import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Organization
from .selectors import county_choices


def _counties(request):
    # Only counties inside the user's scope: a forged id outside it makes the form invalid.
    if request is None:
        return Organization.objects.none()
    return county_choices(actor=request.user)


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Organization.Kind.choices)
    county = django_filters.ModelChoiceFilter(label=_("county/district"), queryset=_counties)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Organization.Status.choices)

    class Meta:
        model = Organization
        fields = ["q", "kind", "county", "status"]

    def search(self, queryset, name, value):
        """Name contains the words; code starts with them (codes are hierarchical, so a
        prefix finds a node and its coded descendants)."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__istartswith=value))
