"""The list tables (django-tables2, the shared portal template)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Competition, Honor, InnovationEnterprise

_ATTRS = {"class": "table table-sm table-hover align-middle"}


class CompetitionTable(tables.Table):
    name = tables.LinkColumn("competitions:detail", args=[tables.A("pk")], verbose_name=_("name"), orderable=False)
    kind = tables.Column(verbose_name=_("kind"), orderable=False)
    level = tables.Column(verbose_name=_("level"), orderable=False)
    host = tables.Column(verbose_name=_("host organization"), accessor="host__name", orderable=False)
    county = tables.Column(verbose_name=_("county/district"), accessor="host__county__name", orderable=False,
                           default="—")
    starts_on = tables.Column(verbose_name=_("starts on"), orderable=False)
    ends_on = tables.Column(verbose_name=_("ends on"), orderable=False)
    status = tables.Column(verbose_name=_("status"), orderable=False)

    class Meta:
        model = Competition
        fields = ("name", "kind", "level", "host", "county", "starts_on", "ends_on", "status")
        attrs = {**_ATTRS, "id": "competition-table"}
        template_name = "competitions/_competition_table.html"  # rows written from the record
        empty_text = _("No competitions match.")

    region_label = _("Competitions")


class HonorTable(tables.Table):
    honoree = tables.Column(verbose_name=_("honoree"), orderable=False)
    kind = tables.Column(verbose_name=_("honor"), accessor="kind__name", orderable=False)
    level = tables.Column(verbose_name=_("level"), orderable=False)
    year = tables.Column(verbose_name=_("year"), orderable=False)
    organization = tables.Column(verbose_name=_("union organization"), accessor="organization__name",
                                 orderable=False)
    county = tables.Column(verbose_name=_("county/district"), accessor="organization__county__name",
                           orderable=False, default="—")
    title = tables.Column(verbose_name=_("post or job"), orderable=False, default="—")

    class Meta:
        model = Honor
        fields = ("honoree", "kind", "level", "year", "organization", "county", "title")
        attrs = {**_ATTRS, "id": "honor-table"}
        template_name = "competitions/_honor_table.html"
        empty_text = _("No honors match.")

    region_label = _("Honors")


class EnterpriseTable(tables.Table):
    employer = tables.LinkColumn("competitions:enterprise_detail", args=[tables.A("pk")], accessor="employer__name",
                                 verbose_name=_("employer unit"), orderable=False)
    county = tables.Column(verbose_name=_("county/district"), accessor="employer__county__name", orderable=False,
                           default="—")
    level = tables.Column(verbose_name=_("level"), orderable=False)
    year_named = tables.Column(verbose_name=_("year named"), orderable=False)
    granted = tables.Column(verbose_name=_("fund granted (yuan)"), orderable=False, attrs={"td": {"class": "text-end"}})
    paid = tables.Column(verbose_name=_("paid (yuan)"), orderable=False, default="0.00",
                         attrs={"td": {"class": "text-end"}})

    class Meta:
        model = InnovationEnterprise
        fields = ("employer", "county", "level", "year_named", "granted", "paid")
        attrs = {**_ATTRS, "id": "enterprise-table"}
        template_name = "competitions/_enterprise_table.html"
        empty_text = _("No innovation enterprises match.")

    region_label = _("All-staff innovation enterprises")
