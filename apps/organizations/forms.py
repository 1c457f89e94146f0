"""Input for the create and edit screens. The rules (scope, kind under parent, code
unique) live in the services; forms narrow the choices and show the messages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organization, code_validator
from .scope import visible_organizations
from .selectors import parent_choices
from .services import LEVEL_KINDS, allowed_child_kinds

# The city has ~11,000 organizations: above this many the merge target is typed by code.
MAX_TARGET_CHOICES = 300


def _kind_choices(kinds):
    return [(k, label) for k, label in Organization.Kind.choices if k in kinds]


class _Crispy:
    def _setup_helper(self, label):
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", label))


class OrganizationCreateForm(_Crispy, forms.Form):
    parent = forms.ModelChoiceField(
        label=_("parent organization"), queryset=Organization.objects.none(), required=False, to_field_name="code",
        help_text=_("The new organization is placed under this one."),
    )
    code = forms.CharField(
        label=_("code"), max_length=32, validators=[code_validator],
        help_text=_("Cannot be changed later: it is used in addresses and files."),
    )
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=Organization.Kind.choices)

    def __init__(self, *args, user, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices limited to the scope; a forged parent outside it fails as "not one of the choices".
        field = self.fields["parent"]
        field.queryset = parent_choices(actor=user, federations_only=parent is None)
        field.required = not user.is_superuser
        if parent is not None:
            field.initial = parent.code
            field.widget = forms.HiddenInput()
            self.fields["kind"].choices = _kind_choices(allowed_child_kinds(parent))
            if Organization.Kind.GRASSROOTS in allowed_child_kinds(parent):
                self.fields["kind"].initial = Organization.Kind.GRASSROOTS  # what is added most often
        self._setup_helper(_("Create"))


class OrganizationEditForm(_Crispy, forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=Organization.Kind.choices)
    status = forms.ChoiceField(label=_("status"), choices=Organization.Status.choices)

    def __init__(self, *args, organization, **kwargs):
        kwargs.setdefault("initial", {"name": organization.name, "kind": organization.kind, "status": organization.status})
        super().__init__(*args, **kwargs)
        if organization.kind in LEVEL_KINDS:
            kinds = {organization.kind}
        else:
            kinds = set(allowed_child_kinds(organization.parent)) | {organization.kind}
        self.fields["kind"].choices = _kind_choices(kinds)
        self._setup_helper(_("Save"))


class OrganizationChangeForm(_Crispy, forms.Form):
    """Confirmation of a merge (with a target) or a dissolution (without)."""

    target = forms.ModelChoiceField(
        label=_("merge into"), queryset=Organization.objects.none(), to_field_name="code"
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=_("I understand this cannot be undone here."), required=True)

    def __init__(self, *args, user, source, merging: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if merging:
            field = self.fields["target"]
            field.queryset = visible_organizations(user).filter(status=Organization.Status.ACTIVE).exclude(path__startswith=source.path).order_by("path")
            # The city has ~11,000 organizations: above a few hundred the target is typed by code.
            if field.queryset.count() > MAX_TARGET_CHOICES:
                field.widget = forms.TextInput(attrs={"placeholder": _("organization code")})
                field.label = _("merge into (organization code)")
        else:
            del self.fields["target"]
        self._setup_helper(_("Merge") if merging else _("Dissolve"))
