"""The member list's filter form (django-filter), turned into selectors.MemberFilters.

The FilterSet only parses and validates the query string; the filtering itself is
selectors.member_list, so the list, the count and the export narrow rows the same way.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Member, MemberStatus, PoliticalStatus, Sex, WorkerCategory
from .selectors import (
    STATUS_CURRENT,
    MemberFilters,
    count_members,
    looks_like_full_id_number,
    member_list,
    visible_organization_by_code,
)

STATUS_CHOICES = [
    (STATUS_CURRENT, _("current (active or retained)")),
    *MemberStatus.choices,
    ("all", _("all")),
]
_DATE = forms.DateInput(attrs={"type": "date"})


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
    q = django_filters.CharFilter(
        label=_("Search"),
        method="_unused",
        help_text=_("Part of a name, or the last 4-6 characters of the resident ID number."),
        validators=[refuse_full_id_number],
    )
    org = django_filters.CharFilter(label=_("Union organization code"), method="_unused")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="_unused", empty_label=None
    )
    worker_category = django_filters.ChoiceFilter(
        label=_("Worker category"), choices=WorkerCategory.choices, method="_unused"
    )
    political_status = django_filters.ChoiceFilter(
        label=_("Political status"), choices=PoliticalStatus.choices, method="_unused"
    )
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices, method="_unused")
    age_min = django_filters.NumberFilter(label=_("Age from"), method="_unused", min_value=0, max_value=130)
    age_max = django_filters.NumberFilter(label=_("Age to"), method="_unused", min_value=0, max_value=130)
    joined_from = django_filters.DateFilter(label=_("Joined from"), method="_unused", widget=_DATE)
    joined_to = django_filters.DateFilter(label=_("Joined until"), method="_unused", widget=_DATE)

    class Meta:
        model = Member
        fields: list = []

    def __init__(self, data=None, *, actor, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", STATUS_CURRENT)
        self.actor = actor
        super().__init__(data, queryset=None, **kwargs)

    def _unused(self, queryset, name, value):  # pragma: no cover - filtering is member_list's
        return queryset

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
        organization = visible_organization_by_code(self.actor, org_code) if org_code else None
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
