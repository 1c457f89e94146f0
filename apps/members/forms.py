"""Input for the member screens; the rules are apps.members.cleaning's (the upload's)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.privacy import mask_id_number, mask_phone
from apps.core.widgets import DateInput
from apps.organizations.models import Organization
from apps.organizations.picker import OrganizationChoiceField

from .cleaning import clean_member_input
from .models import Education, PoliticalStatus, Sex, WorkerCategory
from .services import MANUAL_STATUSES


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class OrganizationCodeField(forms.CharField):
    """A union organization typed as its code; resolved in the form's clean against scope."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Union organization code"))
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)


class MemberForm(forms.Form):
    """Create (with the union) or edit a member; errors come from clean_member_input."""

    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=60)
    id_number = forms.CharField(label=_("resident ID number"), max_length=40)
    sex = forms.ChoiceField(
        label=_("sex"),
        choices=[("", "---------"), *Sex.choices],
        required=False,
        help_text=_("Optional: derived from the ID number; if given it must agree."),
    )
    phone = forms.CharField(label=_("mobile phone"), max_length=20, required=False)
    ethnicity = forms.CharField(
        label=_("ethnicity"), max_length=20, required=False, help_text=_("A name of GB 3304, e.g. 汉族 or 回族.")
    )
    political_status = forms.ChoiceField(
        label=_("political status"), choices=[("", "---------"), *PoliticalStatus.choices], required=False
    )
    education = forms.ChoiceField(
        label=_("education"), choices=[("", "---------"), *Education.choices], required=False
    )
    employer_name = forms.CharField(label=_("employer"), max_length=200, required=False)
    joined_on = forms.CharField(
        label=_("joined on"),
        required=False,
        widget=DateInput(),
        help_text=_("For example 2023-01-15 or 2023年1月15日."),
    )
    worker_category = forms.ChoiceField(
        label=_("worker category"), choices=WorkerCategory.choices, initial=WorkerCategory.REGULAR
    )
    card_number = forms.CharField(label=_("member card number"), max_length=32, required=False)

    def __init__(self, *args, actor, with_organization: bool, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if with_organization:
            organization = OrganizationChoiceField(
                label=_("union organization"), initial=getattr(actor.organization, "code", "")
            ).limit_to(actor)
            self.fields = {"organization": organization, **self.fields}
        if member is not None:
            # Editing never prints the full ID or phone into the page (that is the audited
            # "show" action): the fields start empty, and empty keeps the stored value.
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("Leave empty to keep %(masked)s.") % {
                "masked": mask_id_number(member.id_number)
            }
            if member.phone:
                self.fields["phone"].help_text = _("Leave empty to keep %(masked)s.") % {
                    "masked": mask_phone(member.phone)
                }
        self.keeps_when_empty = ("id_number", "phone") if member is not None else ()
        self.helper = _helper(_("Save"))

    def clean(self):
        data = super().clean()
        raw = {
            k: data.get(k)
            for k in self.base_fields
            if k in data and not (k in self.keeps_when_empty and not data.get(k))
        }
        try:
            self.member_data = clean_member_input(raw)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("new status"), choices=[(s.value, s.label) for s in MANUAL_STATUSES])
    on = forms.DateField(label=_("date"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Change status"))


class TransferOutForm(forms.Form):
    """The sending side: move this member to another union."""

    to_organization = OrganizationCodeField(label=_("receiving union organization code"))
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.helper = _helper(_("Request transfer"))

    def clean_to_organization(self):
        # The receiving union may lie outside the sender's scope: any active union by code.
        code = self.cleaned_data["to_organization"].strip()
        org = Organization.objects.filter(code=code, status=Organization.Status.ACTIVE).first()
        if org is None:
            raise ValidationError(_("No active union organization with this code."))
        return org


class TransferInForm(forms.Form):
    """The receiving side: ask for a person who is a current member elsewhere."""

    id_number = forms.CharField(label=_("resident ID number"), max_length=40)
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=60)
    to_organization = OrganizationChoiceField(label=_("receiving union organization"))
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["to_organization"].limit_to(actor)
        self.fields["to_organization"].initial = getattr(actor.organization, "code", "")
        self.helper = _helper(_("Request transfer"))

    def clean(self):
        data = super().clean()
        try:
            cleaned = clean_member_input({"id_number": data.get("id_number"), "name": data.get("name")})
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                self.add_error(field, errors)
            return data
        data.update(cleaned)
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class FindForm(forms.Form):
    id_number = forms.CharField(label=_("resident ID number"), max_length=40)
