"""Input for the create and edit screens. The rules (scope, kind under parent, code
unique) live in the services; forms narrow the choices and show the messages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organization, code_validator
from .picker import OrganizationChoiceField
from .selectors import FEDERATION_KINDS
from .services import LEVEL_KINDS, allowed_child_kinds


def _kind_choices(kinds):
    return [(k, label) for k, label in Organization.Kind.choices if k in kinds]


class _Crispy:
    def _setup_helper(self, label):
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", label))


class OrganizationCreateForm(_Crispy, forms.Form):
    parent = OrganizationChoiceField(
        label=_("parent organization"), required=False,
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
        field.limit_to(user, kinds=FEDERATION_KINDS if parent is None else ())
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

    target = OrganizationChoiceField(label=_("merge into"))
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=_("I understand this cannot be undone here."), required=True)

    def __init__(self, *args, user, source, merging: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if merging:
            # Active organizations in scope, never the source or anything under it.
            self.fields["target"].limit_to(user, exclude=source)
        else:
            del self.fields["target"]
        self._setup_helper(_("Merge") if merging else _("Dissolve"))
