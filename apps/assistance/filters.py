"""The file list's filter form (django-filter): parsing only; selectors.file_list filters,
so the list, the queues and the export narrow rows the same way."""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import Category, Cause, FileStatus
from .models import HardshipFile
from .selectors import (
    QUEUE_MY_STEP,
    QUEUE_NEVER_ASSISTED,
    QUEUE_REVERIFICATION_DUE,
    QUEUE_STALE,
    FileFilters,
    file_list,
    visible_organization_by_code,
)

QUEUE_CHOICES = [
    (QUEUE_MY_STEP, _("waiting at my step")),
    (QUEUE_REVERIFICATION_DUE, _("re-verification due within 30 days")),
    (QUEUE_NEVER_ASSISTED, _("active files never assisted")),
    (QUEUE_STALE, _("unchanged for 12 months")),
]


def refuse_full_id_number(value: str) -> None:
    """A full ID number never travels in a query string (address bar, history, server logs)."""
    text = (value or "").replace(" ", "")
    if len(text) >= 15 and text[:-1].isdigit():
        raise ValidationError(_("Search by the last 4-6 characters of the ID number, never the whole number."),
                              code="full_id_in_url")


class FileFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="_unused", validators=[refuse_full_id_number],
                                  help_text=_("Part of the name, or the last 4-6 characters of the ID number."))
    org = django_filters.CharFilter(label=_("Union organization code"), method="_unused")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FileStatus.choices, method="_unused")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices, method="_unused")
    cause = django_filters.ChoiceFilter(label=_("Cause"), choices=Cause.choices, method="_unused")
    queue = django_filters.ChoiceFilter(label=_("Queue"), choices=QUEUE_CHOICES, method="_unused")

    class Meta:
        model = HardshipFile
        fields: list = []

    def __init__(self, data=None, *, actor, **kwargs):
        self.actor = actor
        super().__init__(data, queryset=None, **kwargs)

    def _unused(self, queryset, name, value):  # pragma: no cover - filtering is file_list's
        return queryset

    def filters_value(self) -> FileFilters:
        form = self.form
        data = form.cleaned_data if form.is_valid() else {
            k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors
        }
        code = data.get("org") or ""
        return FileFilters(
            organization=visible_organization_by_code(self.actor, code) if code else None,
            status=data.get("status") or "", category=data.get("category") or "", cause=data.get("cause") or "",
            queue=data.get("queue") or "", q=data.get("q") or "",
        )

    @property
    def unknown_organization(self) -> bool:
        code = self.form.cleaned_data.get("org") if self.form.is_valid() else ""
        return bool(code) and self.filters_value().organization is None

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = file_list(actor=self.actor, filters=self.filters_value())
            if self.unknown_organization:
                self._qs = self._qs.none()
        return self._qs
