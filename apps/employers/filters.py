import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.widgets import DateInput
from apps.organizations.models import Organization
from apps.organizations.picker import OrganizationPicker
from apps.organizations.scope import visible_organizations
from apps.organizations.selectors import find_organization

from .models import (
    COVERING_KINDS,
    DemonstrationSite,
    Employer,
    Industry,
    NewSectorKind,
    Ownership,
    WorkInstructor,
)
from .selectors import visible_counties

HEADCOUNT_BRACKETS = {
    "lt25": (_("fewer than 25"), Q(headcount__lt=25)),
    "25to49": (_("25 to 49"), Q(headcount__gte=25, headcount__lt=50)),
    "50to99": (_("50 to 99"), Q(headcount__gte=50, headcount__lt=100)),
    "100to999": (_("100 to 999"), Q(headcount__gte=100, headcount__lt=1000)),
    "1000plus": (_("1000 or more"), Q(headcount__gte=1000)),
    "ge25": (_("25 or more"), Q(headcount__gte=25)),
    "ge50": (_("50 or more"), Q(headcount__gte=50)),
}


def _counties(request):
    return visible_counties(request.user) if request else Organization.objects.none()


def _townships(request):
    if request is None:
        return Organization.objects.none()
    return (
        visible_organizations(request.user)
        .filter(kind=Organization.Kind.TOWNSHIP_FEDERATION)
        .order_by("path")
    )


class EmployerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or credit code"), method="search")
    county = django_filters.ModelChoiceFilter(label=_("county/district"), queryset=_counties)
    township = django_filters.ModelChoiceFilter(label=_("township/street"), queryset=_townships)
    industry = django_filters.ChoiceFilter(label=_("industry"), choices=Industry.choices)
    ownership = django_filters.ChoiceFilter(label=_("ownership"), choices=Ownership.choices)
    headcount = django_filters.ChoiceFilter(
        label=_("headcount"), choices=[(k, v[0]) for k, v in HEADCOUNT_BRACKETS.items()], method="bracket"
    )
    covered = django_filters.ChoiceFilter(
        label=_("covered by a union"),
        choices=[("yes", _("covered")), ("no", _("not covered"))],
        method="coverage",
    )
    new_sector_kind = django_filters.ChoiceFilter(label=_("new sector kind"), choices=NewSectorKind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Employer.Status.choices)
    union = django_filters.CharFilter(label=_("covering union"), method="covered_by", widget=OrganizationPicker)
    # The dashboard's "unions established" figure links here (issue 19).
    established_from = django_filters.DateFilter(
        label=_("union established from"), field_name="union_established_on", lookup_expr="gte", widget=DateInput()
    )
    established_to = django_filters.DateFilter(
        label=_("union established until"), field_name="union_established_on", lookup_expr="lte", widget=DateInput()
    )

    class Meta:
        model = Employer
        fields = [
            "q",
            "county",
            "township",
            "industry",
            "ownership",
            "headcount",
            "covered",
            "new_sector_kind",
            "status",
            "union",
            "established_from",
            "established_to",
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["union"].field.widget.limit_to(request.user, kinds=COVERING_KINDS, active_only=False)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(social_credit_code=value.upper()))

    def bracket(self, queryset, name, value):
        return queryset.filter(HEADCOUNT_BRACKETS[value][1])

    def coverage(self, queryset, name, value):
        return queryset.filter(covering_union__isnull=(value == "no"))

    def covered_by(self, queryset, name, value):
        """The covering union by its code, or by its exact name as the picker sends a typed
        text; any union, as the employers themselves are scoped already."""
        union = find_organization(Organization.objects.all(), value)
        return queryset.filter(covering_union=union) if union is not None else queryset.none()


class InstructorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    county = django_filters.ModelChoiceFilter(label=_("county/district"), queryset=_counties)
    status = django_filters.ChoiceFilter(label=_("status"), choices=WorkInstructor.Status.choices)

    class Meta:
        model = WorkInstructor
        fields = ["q", "county", "status"]


class DemonstrationSiteFilter(django_filters.FilterSet):
    """The site list's filters; its export takes the same ones."""

    county = django_filters.ModelChoiceFilter(
        label=_("county/district"), queryset=_counties, field_name="organization__county"
    )

    class Meta:
        model = DemonstrationSite
        fields = ["county", "level", "status"]
