"""The file list table: masked ID numbers, the county, the step and since when."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.privacy import mask_id_number

from .models import HardshipFile


class FileTable(tables.Table):
    head_name = tables.LinkColumn("assistance:file_detail", args=[tables.A("pk")], verbose_name=_("head of household"),
                                  order_by=("head_name", "id"))
    head_id_number = tables.Column(verbose_name=_("resident ID number"), orderable=False)
    organization = tables.Column(verbose_name=_("union organization"), accessor="organization__name", orderable=False)
    county = tables.Column(verbose_name=_("county/district"), accessor="organization__county__name", orderable=False)
    category = tables.Column(verbose_name=_("category"), orderable=False)
    income_per_head = tables.Column(verbose_name=_("income per head"), order_by=("income_per_head", "id"))
    status = tables.Column(verbose_name=_("status"), orderable=False)
    # Plain columns with render methods: django-tables2's Date(Time)Column renders a template
    # per cell, a third of the page's time at 25 rows.
    status_changed_at = tables.Column(verbose_name=_("at this step since"), order_by=("status_changed_at", "id"))
    valid_until = tables.Column(verbose_name=_("re-verification due"), order_by=("valid_until", "id"))

    class Meta:
        model = HardshipFile
        fields = ("head_name", "head_id_number", "organization", "county", "category", "income_per_head", "status",
                  "status_changed_at", "valid_until")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "file-table"}
        template_name = "assistance/_file_table.html"  # rows written from the record
        empty_text = _("No hardship files match.")

    def render_head_id_number(self, value):
        return mask_id_number(value)

    def render_status_changed_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d")

    def render_valid_until(self, value):
        return value.isoformat()
