"""The one way a form chooses a union organization: a search box listing matches by name or
code (htmx, /organizations/search/), limited to the user's scope and to the kinds the form
allows — never a drop-down of 11,000 nodes, never a code typed from memory (issue 14).

    field = OrganizationChoiceField(label=_("covering union"), required=False)
    field.limit_to(user, kinds=COVERING_KINDS)          # in the form's __init__

`limit_to` sets both what the field accepts (a ModelChoiceField over
selectors.organization_choices) and what the search lists, from the same arguments, so
the two cannot disagree; the search endpoint applies the user's scope again by itself.

The widget posts the chosen code under the field's name and the visible text under
"<name>__text". Nothing picked (no JavaScript, or a code typed and Enter pressed): the text
is taken as a code, or as the exact name of one organization (selectors.find_organization).
"""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Organization
from .selectors import find_organization, organization_choices

TEXT_SUFFIX = "__text"


def search_query(*, kinds=(), active_only: bool = True, exclude: Organization | None = None) -> dict:
    """The search URL's narrowing parameters (views.organization_search reads them back)."""
    query = {}
    if kinds:
        query["kinds"] = ",".join(kinds)
    if not active_only:
        query["active"] = "0"
    if exclude is not None:
        query["exclude"] = exclude.code
    return query


class OrganizationPicker(forms.Widget):
    """A hidden input with the chosen code, a search box and the listbox htmx fills.

    `limit_to` (called by OrganizationChoiceField.limit_to, or by a list's filter on a plain
    code field) says what it lists; the chosen one is named from it when the form is shown
    again: one query."""

    template_name = "organizations/widgets/organization_picker.html"
    queryset: QuerySet | None = None

    class Media:
        js = ["js/org_picker.js"]

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.search = {}

    def value_from_datadict(self, data, files, name):
        code = (data.get(name) or "").strip()
        return code or (data.get(name + TEXT_SUFFIX) or "").strip() or None

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + TEXT_SUFFIX not in data

    def limit_to(self, actor, *, kinds=(), active_only: bool = True, exclude: Organization | None = None):
        """List (and name) only these organizations: selectors.organization_choices."""
        self.queryset = organization_choices(actor=actor, kinds=kinds, active_only=active_only, exclude=exclude)
        self.search = search_query(kinds=kinds, active_only=active_only, exclude=exclude)
        return self

    def chosen(self, value) -> Organization | None:
        if isinstance(value, Model):
            return value
        queryset = self.queryset
        if value in (None, "") or queryset is None:
            return None
        if isinstance(value, int):  # a model form's initial value is the primary key
            return queryset.filter(pk=value).select_related("county").first()
        return find_organization(queryset.select_related("county"), str(value))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        org = self.chosen(value)
        widget = context["widget"]
        attrs = widget["attrs"]
        widget_id = attrs.get("id") or f"id_{name}"
        attrs["id"] = widget_id
        classes = attrs.get("class", "").split()
        attrs["class"] = " ".join(classes if "form-control" in classes else ["form-control", *classes])
        url = reverse("organizations:search")
        widget.update(
            organization=org,
            code=org.code if org else "",
            text=org.name if org else (value or ""),
            text_name=name + TEXT_SUFFIX,
            listbox_id=f"{widget_id}-listbox",
            search_url=f"{url}?{urlencode(self.search)}" if self.search else url,
        )
        return context


class OrganizationChoiceField(forms.ModelChoiceField):
    """An organization chosen through OrganizationPicker; the value is the organization.

    Accepts what organization_choices gave it (limit_to); anything else — outside the
    scope, the wrong kind, merged — is "not one of the choices" on this field."""

    widget = OrganizationPicker
    default_error_messages = {
        "invalid_choice": _(
            "Choose one of the organizations the list offers: type part of its name or its code."
        ),
    }

    def __init__(self, queryset=None, **kwargs):
        # Always the code, also where a model form's foreign key offers its primary key
        # (Meta.field_classes): the hidden input carries the code.
        kwargs["to_field_name"] = "code"
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset if queryset is not None else Organization.objects.none(), **kwargs)

    def limit_to(self, actor, *, kinds=(), active_only: bool = True, exclude: Organization | None = None):
        """Accept, list and search only selectors.organization_choices(...) of these arguments."""
        self.widget.limit_to(actor, kinds=kinds, active_only=active_only, exclude=exclude)
        self.queryset = self.widget.queryset
        return self

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Organization):
            return value
        found = find_organization(self.queryset, value)
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found

