"""The dashboard's choice of scope (a city for province users, a county for users whose scope spans
counties) and period."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.widgets import DateInput
from apps.organizations.models import Organization
from apps.organizations.picker import OrganizationChoiceField

from . import periods


class DashboardForm(forms.Form):
    """Only draws the choices; the view reads the query string itself (a county outside the
    scope answers 404 there, before any form), so an invalid value never changes the figures."""

    city = OrganizationChoiceField(label=Organization.Kind.CITY_FEDERATION.label, required=False)
    county = OrganizationChoiceField(label=_("county/district"), required=False)
    period = forms.ChoiceField(label=_("period"), choices=periods.CHOICES, required=False)
    month = forms.ChoiceField(label=_("month"), required=False)

    def __init__(self, *args, actor, months, pick_county: bool, pick_city: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if pick_city:  # a province user (issue 21)
            self.fields["city"].limit_to(actor, kinds=(Organization.Kind.CITY_FEDERATION,))
        else:
            del self.fields["city"]
        if pick_county:
            self.fields["county"].limit_to(actor, kinds=(Organization.Kind.COUNTY_FEDERATION,))
        else:
            del self.fields["county"]
        # The query string's names (periods.parse_period), which are Python keywords.
        self.fields["from"] = forms.DateField(label=_("from"), required=False, widget=DateInput())
        self.fields["to"] = forms.DateField(label=_("to"), required=False, widget=DateInput())
        self.fields["month"].choices = [(m.strftime("%Y-%m"), m.strftime("%Y-%m")) for m in months]
