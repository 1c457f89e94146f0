"""Input for the ledger screens. Validation lives in the model (clean) and the services;
forms only narrow the choices to the user's scope."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.validators import normalize_phone
from apps.core.widgets import DateInput
from apps.organizations.models import Organization
from apps.organizations.picker import OrganizationChoiceField
from apps.organizations.selectors import FEDERATION_KINDS

from .models import COVERING_KINDS, DemonstrationSite, Employer, WorkInstructor
from .selectors import county_choices_for, employers_visible_to
from .services import EMPLOYER_FIELDS

K = Organization.Kind


class _CrispyMixin:
    submit_label = _("Save")

    def _setup_helper(self):
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class EmployerForm(_CrispyMixin, forms.ModelForm):
    class Meta:
        model = Employer
        fields = list(EMPLOYER_FIELDS)
        widgets = {"union_established_on": DateInput()}
        # Picked by name or code from the scope: a city has hundreds of townships and
        # thousands of grassroots unions (issue 14).
        field_classes = {"township": OrganizationChoiceField, "covering_union": OrganizationChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = county_choices_for(user)
        self.fields["township"].limit_to(user, kinds=(K.TOWNSHIP_FEDERATION,))
        self.fields["covering_union"].limit_to(user, kinds=COVERING_KINDS)
        self._setup_helper()


class WorkInstructorForm(_CrispyMixin, forms.ModelForm):
    class Meta:
        model = WorkInstructor
        fields = [
            "name",
            "phone",
            "sent_by",
            "county",
            "employers",
            "started_on",
            "ended_on",
            "status",
            "notes",
        ]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
        }
        field_classes = {"sent_by": OrganizationChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_by"].limit_to(user, kinds=FEDERATION_KINDS)
        self.fields["county"].queryset = county_choices_for(user)
        self.fields["employers"].queryset = (
            employers_visible_to(user).filter(is_new_sector=True).order_by("name")
        )
        self.fields["employers"].help_text = _("New-sector employers the instructor guides.")
        self._setup_helper()

    def clean_phone(self):

        phone = self.cleaned_data["phone"]
        return normalize_phone(phone) if phone else ""


class InstructorVisitForm(_CrispyMixin, forms.Form):
    submit_label = _("Record visit")

    visited_on = forms.DateField(label=_("visited on"), widget=DateInput())
    employer = forms.ModelChoiceField(
        label=_("employer unit"), queryset=Employer.objects.none(), required=False
    )
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, instructor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = instructor.employers.order_by("name")
        self._setup_helper()


class DemonstrationSiteForm(_CrispyMixin, forms.ModelForm):
    class Meta:
        model = DemonstrationSite
        fields = ["organization", "level", "year_named", "demonstrates", "status"]
        field_classes = {"organization": OrganizationChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].limit_to(user)
        self._setup_helper()
