"""Input for the assistance screens. The rules are the services' (clean_file_input and the
money rules of services_aid); forms parse and show the errors on the right field."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.privacy import mask_id_number
from apps.core.widgets import DateInput

from .choices import (
    AssistanceKind,
    AttachmentKind,
    CaseOutcome,
    CaseStage,
    Category,
    Cause,
    DisputeKind,
    ExitReason,
    FundSource,
    Health,
    Relation,
    Season,
)
from .selectors import visible_organization_by_code

_DATE = DateInput()
_MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class OrganizationCodeMixin:
    """A union organization typed as its code, resolved against the actor's scope."""

    def resolve_org(self, field: str):
        code = self.cleaned_data.get(field)
        if not code:
            return None
        org = visible_organization_by_code(self.actor, code)
        if org is None:
            self.add_error(field, _("No union organization with this code in your scope."))
        return org


class FileForm(OrganizationCodeMixin, forms.Form):
    organization = forms.CharField(label=_("Union organization code"), max_length=32)
    head_name = forms.CharField(label=_("head of household"), max_length=60)
    head_id_number = forms.CharField(label=_("resident ID number"), max_length=40)
    head_phone = forms.CharField(label=_("contact phone"), max_length=20, required=False)
    employer_name = forms.CharField(label=_("employer"), max_length=200, required=False)
    address = forms.CharField(label=_("address"), max_length=200)
    household_size = forms.IntegerField(label=_("household size"), min_value=1, max_value=30,
                                        help_text=_("The head and the household members listed below."))
    monthly_income = forms.DecimalField(label=_("household income per month"), **_MONEY)
    income_per_head = forms.DecimalField(label=_("income per head per month"), **_MONEY,
                                         help_text=_("Household income divided by its size, to the fen."))
    file_date = forms.DateField(label=_("figures as of"), widget=_DATE, initial=timezone.localdate)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices,
                                 help_text=_("Suggested from income per head against the county's minimum "
                                             "living standard."))
    category_reason = forms.CharField(label=_("reason for the category"), max_length=300, required=False,
                                      help_text=_("Needed when the category is not the one suggested."))
    causes = forms.MultipleChoiceField(label=_("causes"), choices=Cause.choices,
                                       widget=forms.CheckboxSelectMultiple)
    cause_note = forms.CharField(label=_("about the causes"), max_length=300, required=False)
    bank_name = forms.CharField(label=_("bank"), max_length=100, required=False)
    bank_account = forms.CharField(label=_("bank account for payments"), max_length=40, required=False)

    def __init__(self, *args, actor, file=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.file = file
        if file is not None:
            del self.fields["organization"]
            # The edit form never prints the full ID number or account (that is the audited
            # "show"): empty keeps what is stored.
            for field, stored in (("head_id_number", file.head_id_number), ("bank_account", file.bank_account)):
                self.fields[field].required = False
                if stored:
                    self.fields[field].help_text = _("Leave empty to keep %(masked)s.") % {
                        "masked": mask_id_number(stored)
                    }
        else:
            self.fields["organization"].initial = getattr(actor.organization, "code", "")

    def clean(self):
        data = super().clean()
        if "organization" in self.fields:
            data["organization"] = self.resolve_org("organization")
        if self.file is not None:
            for field in ("head_id_number", "bank_account"):
                if not data.get(field):
                    data[field] = getattr(self.file, field)
        return data


class HouseholdMemberForm(forms.Form):
    """One row of the household table: its column headers are the labels (aria-label)."""

    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=60)
    # A blank first choice and a default health, so an untouched empty row is "unchanged"
    # and left out (a preselected relation would make every empty row a member without a name).
    relation = forms.ChoiceField(label=_("relation"), choices=[("", "---------"), *Relation.choices])
    id_number = forms.CharField(label=_("resident ID number"), max_length=40, required=False)
    health = forms.ChoiceField(label=_("health"), choices=Health.choices, initial=Health.HEALTHY)
    occupation = forms.CharField(label=_("work or school"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs.update({"class": css, "aria-label": field.label})


HouseholdFormSet = forms.formset_factory(HouseholdMemberForm, extra=2, can_delete=True, max_num=29,
                                         validate_max=True)


def household_rows(formset) -> list[dict]:
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class StepForm(forms.Form):
    """A workflow step: the version the clerk saw, and a note or a reason."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class ExitForm(StepForm):
    reason = forms.ChoiceField(label=_("reason for the exit"), choices=ExitReason.choices,
                               widget=forms.Select(attrs={"class": "form-select form-select-sm", "id": "exit-reason"}))


class ReverificationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    household_size = forms.IntegerField(label=_("household size"), min_value=1, max_value=30)
    monthly_income = forms.DecimalField(label=_("household income per month"), **_MONEY)
    income_per_head = forms.DecimalField(label=_("income per head per month"), **_MONEY)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    category_reason = forms.CharField(label=_("reason for the category"), max_length=300, required=False)
    note = forms.CharField(label=_("what changed"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Submit the re-verification"))


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=AttachmentKind.choices,
                             widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    upload = forms.FileField(label=_("document (PDF, JPEG or PNG)"))


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=AssistanceKind.choices)
    amount = forms.DecimalField(label=_("amount (yuan)"), **_MONEY, required=False)
    goods = forms.CharField(label=_("goods or services"), max_length=200, required=False)
    given_on = forms.DateField(label=_("date"), widget=_DATE, initial=timezone.localdate)
    fund_source = forms.ChoiceField(label=_("fund source"), choices=FundSource.choices)
    delivered_by = forms.CharField(label=_("delivered by"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the assistance"))


class DeliveryForm(forms.Form):
    amount = forms.DecimalField(label=_("amount (yuan)"), **_MONEY, required=False)
    goods = forms.CharField(label=_("goods or services"), max_length=200, required=False)
    given_on = forms.DateField(label=_("date"), widget=_DATE, initial=timezone.localdate)
    fund_source = forms.ChoiceField(label=_("fund source"), choices=FundSource.choices)
    delivered_by = forms.CharField(label=_("delivered by"), max_length=100)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("visited on"), widget=_DATE, initial=timezone.localdate)
    visitors = forms.CharField(label=_("visitors"), max_length=200)
    findings = forms.CharField(label=_("what was found"), widget=forms.Textarea(attrs={"rows": 3}))
    problem_1 = forms.CharField(label=_("problem raised"), max_length=300, required=False)
    due_1 = forms.DateField(label=_("to be solved by"), widget=_DATE, required=False)
    problem_2 = forms.CharField(label=_("another problem"), max_length=300, required=False)
    due_2 = forms.DateField(label=_("to be solved by"), widget=_DATE, required=False)
    problem_3 = forms.CharField(label=_("another problem"), max_length=300, required=False)
    due_3 = forms.DateField(label=_("to be solved by"), widget=_DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the visit"))

    def problems(self) -> list[dict]:
        return [
            {"description": self.cleaned_data.get(f"problem_{n}"), "due_on": self.cleaned_data.get(f"due_{n}")}
            for n in (1, 2, 3)
            if self.cleaned_data.get(f"problem_{n}")
        ]


class FollowUpForm(forms.Form):
    slipped_back = forms.BooleanField(label=_("slipped back into hardship"), required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class LegalCaseForm(OrganizationCodeMixin, forms.Form):
    organization = forms.CharField(label=_("Union organization code"), max_length=32)
    worker_name = forms.CharField(label=_("worker"), max_length=60)
    worker_id_number = forms.CharField(label=_("resident ID number"), max_length=40, required=False)
    dispute_kind = forms.ChoiceField(label=_("dispute"), choices=DisputeKind.choices)
    handler = forms.CharField(label=_("handled by"), max_length=100)
    stage = forms.ChoiceField(label=_("stage"), choices=CaseStage.choices)
    outcome = forms.ChoiceField(label=_("outcome"), choices=CaseOutcome.choices, required=False)
    amount_recovered = forms.DecimalField(label=_("amount recovered (yuan)"), **_MONEY, required=False)
    opened_on = forms.DateField(label=_("accepted on"), widget=_DATE, initial=timezone.localdate)
    closed_on = forms.DateField(label=_("closed on"), widget=_DATE, required=False)
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, actor, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if case is not None:
            del self.fields["organization"]
            self.fields["worker_id_number"].help_text = _("Leave empty to keep %(masked)s.") % {
                "masked": mask_id_number(case.worker_id_number)
            } if case.worker_id_number else ""
        else:
            self.fields["organization"].initial = getattr(actor.organization, "code", "")
        self.case = case
        self.helper = _helper(_("Save"))

    def clean(self):
        data = super().clean()
        if "organization" in self.fields:
            data["organization"] = self.resolve_org("organization")
        if self.case is not None and not data.get("worker_id_number"):
            data["worker_id_number"] = self.case.worker_id_number
        return data


class CampaignForm(OrganizationCodeMixin, forms.Form):
    organizer = forms.CharField(label=_("organizer (union organization code)"), max_length=32)
    season = forms.ChoiceField(label=_("season"), choices=Season.choices)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    name = forms.CharField(label=_("name"), max_length=100)
    budget = forms.DecimalField(label=_("budget (yuan)"), **_MONEY)

    def __init__(self, *args, actor, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["organizer"].initial = getattr(actor.organization, "code", "")
        self.counties = list(counties)
        for county in self.counties:
            self.fields[f"share_{county.pk}"] = forms.DecimalField(
                label=_("share of %(county)s") % {"county": county.name}, required=False, **_MONEY
            )
        self.helper = _helper(_("Create the campaign"))

    def clean(self):
        data = super().clean()
        data["organizer"] = self.resolve_org("organizer")
        return data

    def allocations(self) -> dict:
        return {c: self.cleaned_data.get(f"share_{c.pk}") for c in self.counties if self.cleaned_data.get(f"share_{c.pk}")}


class WorkerRecipientForm(OrganizationCodeMixin, forms.Form):
    organization = forms.CharField(label=_("Union organization code"), max_length=32)
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=60)
    worker_note = forms.CharField(label=_("outdoor or new-sector work"), max_length=100)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean(self):
        data = super().clean()
        data["organization"] = self.resolve_org("organization")
        return data
