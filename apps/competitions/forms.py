"""Input for the competitions pages; the rules are the services' (forms only parse)."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from apps.core.widgets import DateInput
from apps.organizations.models import Organization
from apps.organizations.picker import OrganizationChoiceField
from apps.organizations.scope import visible_organizations

from .choices import (
    AwardGrade,
    EnterpriseLevel,
    HonorLevel,
    Kind,
    Level,
    OutcomeKind,
    Status,
)
from .models import HonorKind, KeyIndustry

_MONEY = {"max_digits": 12, "decimal_places": 2}
THIS_YEAR = datetime.date.today().year


def _helper(label, form_id="") -> FormHelper:
    helper = FormHelper()
    if form_id:
        helper.form_id = form_id
    helper.add_input(Submit("submit", label))
    return helper


def _year_field(label=_("year"), required=True):
    return forms.IntegerField(label=label, min_value=1949, max_value=2100, required=required)


class CompetitionForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.choices)
    level = forms.ChoiceField(label=_("level"), choices=Level.choices)
    host = OrganizationChoiceField(label=_("host organization"))
    industry = forms.ModelChoiceField(label=_("key industry or project served"), required=False,
                                      queryset=KeyIndustry.objects.filter(active=True))
    project = forms.CharField(label=_("key project"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("ends on"), widget=DateInput)
    rules = forms.CharField(label=_("rules"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    weight_safety = forms.IntegerField(label=_("weight: safety (比安全)"), min_value=0, max_value=100, initial=20)
    weight_quality = forms.IntegerField(label=_("weight: quality (比质量)"), min_value=0, max_value=100, initial=20)
    weight_progress = forms.IntegerField(label=_("weight: progress (比进度)"), min_value=0, max_value=100, initial=20)
    weight_innovation = forms.IntegerField(label=_("weight: innovation (比创新)"), min_value=0, max_value=100,
                                           initial=15)
    weight_management = forms.IntegerField(label=_("weight: management (比管理)"), min_value=0, max_value=100,
                                           initial=15)
    weight_excellence = forms.IntegerField(label=_("weight: quality project (创优质工程)"), min_value=0,
                                           max_value=100, initial=10,
                                           help_text=_("Key-project competitions only; the six add up to 100."))

    def __init__(self, *args, actor, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].limit_to(actor)
        if editing:
            del self.fields["host"]
            del self.fields["level"]
        self.helper = _helper(_("Save"), "competition-form")


class ParticipationForm(forms.Form):
    organization = OrganizationChoiceField(label=_("union organization"))
    counted_people = forms.IntegerField(label=_("participants counted (without names)"), min_value=0, initial=0)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].limit_to(actor)


class TeamForm(forms.Form):
    organization = OrganizationChoiceField(label=_("union organization"))
    name = forms.CharField(label=_("team"), max_length=200)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].limit_to(actor)


class ParticipantForm(forms.Form):
    id_number = forms.CharField(label=_("member's resident ID number"), max_length=20, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    name = forms.CharField(label=_("or the person's name"), max_length=50, required=False)
    organization = OrganizationChoiceField(label=_("union organization (named person)"), required=False)
    team = forms.ModelChoiceField(label=_("team"), queryset=None, required=False)
    result = forms.CharField(label=_("result"), max_length=200, required=False)

    def __init__(self, *args, actor, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].limit_to(actor)
        self.fields["team"].queryset = competition.teams.order_by("name")


class StageForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("competition", "stage"), max_length=100)


class QuotaForm(forms.Form):
    county = forms.ModelChoiceField(label=_("county/district"), queryset=None)
    quota = forms.IntegerField(label=_("awards allowed"), min_value=0)

    def __init__(self, *args, actor, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = (visible_organizations(actor)
                                          .filter(kind=Organization.Kind.COUNTY_FEDERATION)
                                          .order_by("code"))


class AwardForm(forms.Form):
    grade = forms.ChoiceField(label=_("award"), choices=AwardGrade.choices)


class RulesUploadForm(forms.Form):
    upload = forms.FileField(label=_("rules document (PDF, JPEG or PNG)"))


class HonorForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("honor"), queryset=HonorKind.objects.filter(active=True))
    level = forms.ChoiceField(label=_("level"), choices=HonorLevel.choices)
    year = _year_field()
    organization = OrganizationChoiceField(label=_("union organization"))
    id_number = forms.CharField(label=_("resident ID number (a person)"), max_length=20, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}),
                                help_text=_("A member is found by it; for a collective leave it empty."))
    honoree = forms.CharField(label=_("name (a person who is not a member, or the collective)"), max_length=200,
                              required=False)
    title = forms.CharField(label=_("post or job"), max_length=200, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].limit_to(actor)
        self.fields["year"].initial = THIS_YEAR
        self.helper = _helper(_("Record the honor"), "honor-form")


class EnterpriseForm(forms.Form):
    credit_code = forms.CharField(label=_("employer's unified social credit code"), max_length=18)
    level = forms.ChoiceField(label=_("level"), choices=EnterpriseLevel.choices)
    year_named = _year_field(_("year named"))
    granted = forms.DecimalField(label=_("fund granted (yuan)"), min_value=0, initial=0, **_MONEY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year_named"].initial = THIS_YEAR
        self.helper = _helper(_("Name the enterprise"), "enterprise-form")


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("amount (yuan)"), **_MONEY)
    paid_on = forms.DateField(label=_("paid on"), widget=DateInput)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class OutcomeForm(forms.Form):
    year = _year_field()
    kind = forms.ChoiceField(label=_("kind"), choices=OutcomeKind.choices)
    count = forms.IntegerField(label=_("count"), min_value=1)
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = THIS_YEAR


# --- list filters: parsing only, the selectors filter ---------------------------------------


def _county_choices(actor):
    rows = (visible_organizations(actor)
            .filter(kind__in=(Organization.Kind.COUNTY_FEDERATION, Organization.Kind.CITY_FEDERATION))
            .order_by("depth", "code").values_list("code", "name", "kind"))
    return [("", _("every county"))] + [
        (code, _("%(name)s (city level)") % {"name": name} if kind == Organization.Kind.CITY_FEDERATION else name)
        for code, name, kind in rows
    ]


class _Filter(forms.Form):
    year = forms.IntegerField(label=_("year"), required=False, min_value=1949, max_value=2100)
    county = forms.ChoiceField(label=_("county/district"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = _county_choices(actor)
        # Set by the dashboard's links: its period, from … to … (kept by the filter form).
        self.fields["from"] = forms.DateField(required=False, widget=forms.HiddenInput)
        self.fields["to"] = forms.DateField(required=False, widget=forms.HiddenInput)

    def value(self, name, default=None):
        if not self.is_bound:
            return default
        self.is_valid()
        return self.cleaned_data.get(name) or default

    def dates(self) -> tuple | None:
        """(from, to) when both are given, in order; else None (no date filter)."""
        start, end = self.value("from"), self.value("to")
        return (start, end) if start and end and start <= end else None


class CompetitionFilter(_Filter):
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", _("every kind")), *Kind.choices])
    level = forms.ChoiceField(label=_("level"), required=False, choices=[("", _("every level")), *Level.choices])
    status = forms.ChoiceField(label=_("status"), required=False, choices=[("", _("every status")), *Status.choices])
    q = forms.CharField(label=_("name"), required=False, max_length=100)


class ParticipationFilter(_Filter):
    pass


class HonorFilter(_Filter):
    level = forms.ChoiceField(label=_("level"), required=False,
                              choices=[("", _("every level")), *HonorLevel.choices])
    kind = forms.ModelChoiceField(label=_("honor"), required=False, queryset=HonorKind.objects.all(),
                                  empty_label=_("every honor"))
    org = forms.CharField(label=_("union organization code"), required=False, max_length=32)
    q = forms.CharField(label=_("honoree"), required=False, max_length=100)


class EnterpriseFilter(_Filter):
    level = forms.ChoiceField(label=_("level"), required=False,
                              choices=[("", _("every level")), *EnterpriseLevel.choices])
    q = forms.CharField(label=_("employer unit"), required=False, max_length=100)


class PaymentFilter(_Filter):
    pass


class StatisticsForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=1949, max_value=2100)
