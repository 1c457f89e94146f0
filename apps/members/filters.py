"""The member list's filter form (django-filter), turned into selectors.MemberFilters.

The FilterSet only parses and validates the query string; the filtering itself is
selectors.member_list, so the list, the count and the export narrow rows the same way.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.widgets import DateInput
from apps.organizations.picker import OrganizationPicker
from apps.organizations.scope import visible_organizations
from apps.organizations.selectors import find_organization

from .models import Member, MemberStatus, PoliticalStatus, Sex, WorkerCategory
from .selectors import (
    STATUS_CURRENT,
    MemberFilters,
    count_members,
    looks_like_full_id_number,
    member_list,
)

STATUS_CHOICES = [
    (STATUS_CURRENT, _("current (active or retained)")),
    *MemberStatus.choices,
    ("all", _("all")),
]


def refuse_full_id_number(value: str) -> None:
    """A full ID number never travels in a query string (it would sit in the address bar,
    the browser history and every server log): it is searched by POST (member_find)."""
    if looks_like_full_id_number(value):
        raise ValidationError(
            _(
                'Search a full resident ID number with "Find by resident ID number", '
                "so that it never appears in an address or a log."
            ),
            code="full_id_in_url",
        )


class MemberFilter(django_filters.FilterSet):
    """Parses and validates; `qs` hands the cleaned values to selectors.member_list, so
    django-filter's own per-filter filtering (filter_queryset) never runs."""

    q = django_filters.CharFilter(
        label=_("Search"),
        help_text=_("Part of a name, or the last 4-6 characters of the resident ID number."),
        validators=[refuse_full_id_number],
    )
    org = django_filters.CharFilter(label=_("union organization"), widget=OrganizationPicker)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=None
    )
    worker_category = django_filters.ChoiceFilter(
        label=_("Worker category"), choices=WorkerCategory.choices
    )
    political_status = django_filters.ChoiceFilter(
        label=_("Political status"), choices=PoliticalStatus.choices
    )
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices)
    age_min = django_filters.NumberFilter(label=_("Age from"), min_value=0, max_value=130)
    age_max = django_filters.NumberFilter(label=_("Age to"), min_value=0, max_value=130)
    joined_from = django_filters.DateFilter(label=_("Joined from"), widget=DateInput())
    joined_to = django_filters.DateFilter(label=_("Joined until"), widget=DateInput())

    class Meta:
        model = Member
        fields: list = []

    def __init__(self, data=None, *, actor, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", STATUS_CURRENT)
        self.actor = actor
        super().__init__(data, queryset=None, **kwargs)
        # Picked by name or code from the scope; the value stays the code (or the typed text).
        self.filters["org"].field.widget.limit_to(actor, active_only=False)

    def filters_value(self) -> MemberFilters:
        """The cleaned filters; an invalid field counts as not given (the form shows its error).
        Worked out once (the organization is one query), however often the view asks."""
        if not hasattr(self, "_filters_value"):
            self._filters_value = self._clean_filters()
        return self._filters_value

    def _clean_filters(self) -> MemberFilters:
        data = (
            self.form.cleaned_data
            if self.form.is_valid()
            else {
                k: v for k, v in getattr(self.form, "cleaned_data", {}).items() if k not in self.form.errors
            }
        )
        org_code = data.get("org") or ""
        organization = find_organization(visible_organizations(self.actor), org_code) if org_code else None
        status = data.get("status") or STATUS_CURRENT
        return MemberFilters(
            organization=organization,
            status="" if status == "all" else status,
            worker_category=data.get("worker_category") or "",
            political_status=data.get("political_status") or "",
            sex=data.get("sex") or "",
            age_min=int(data["age_min"]) if data.get("age_min") is not None else None,
            age_max=int(data["age_max"]) if data.get("age_max") is not None else None,
            joined_from=data.get("joined_from"),
            joined_to=data.get("joined_to"),
            q=data.get("q") or "",
        )

    @property
    def unknown_organization(self) -> bool:
        """An organization code was given that is not in scope (or does not exist)."""
        code = self.form.cleaned_data.get("org") if self.form.is_valid() else ""
        return bool(code) and self.filters_value().organization is None

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = member_list(actor=self.actor, filters=self.filters_value())
            if self.unknown_organization:
                self._qs = self._qs.none()
        return self._qs

    def count(self) -> int:
        """How many members `qs` holds, from the kept figures where they answer the filters."""
        if self.unknown_organization:
            return 0
        return count_members(actor=self.actor, filters=self.filters_value())
