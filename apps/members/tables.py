"""The member list table: masked identifiers, birth year only, sortable on indexed columns."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.privacy import birth_year, mask_id_number, mask_phone

from .models import Member


class MemberTable(tables.Table):
    region_label = _("Members")  # the name of its scroll region
    name = tables.LinkColumn(
        "members:detail", args=[tables.A("pk")], verbose_name=pgettext_lazy("person", "name"), order_by=("name", "id")
    )
    id_number = tables.Column(verbose_name=_("resident ID number"), orderable=False)
    sex = tables.Column(verbose_name=_("sex"), orderable=False)
    birth_date = tables.Column(verbose_name=_("year of birth"), order_by=("birth_date", "id"))
    phone = tables.Column(verbose_name=_("mobile phone"), orderable=False)
    organization = tables.Column(
        verbose_name=_("union organization"), accessor="organization__name", orderable=False
    )
    worker_category = tables.Column(verbose_name=_("worker category"), orderable=False)
    joined_on = tables.DateColumn(verbose_name=_("joined on"), order_by=("joined_on", "id"))
    status = tables.Column(verbose_name=_("status"), orderable=False)

    class Meta:
        model = Member
        fields = (
            "name",
            "id_number",
            "sex",
            "birth_date",
            "phone",
            "organization",
            "worker_category",
            "joined_on",
            "status",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "id": "member-table"}
        template_name = "members/_member_table.html"  # rows written from the record
        empty_text = _("No members match.")
        order_by = ("-id",)

    def render_id_number(self, value):
        return mask_id_number(value)

    def render_birth_date(self, value):
        return birth_year(value)

    def render_phone(self, value):
        return mask_phone(value)


class AccessLogTable(tables.Table):
    """Who saw whose record in full, and when; never the value itself."""
    region_label = _("Access log")  # the name of its scroll region

    created_at = tables.DateTimeColumn(verbose_name=_("time"), orderable=False)
    actor = tables.Column(verbose_name=_("user"), accessor="actor__username", orderable=False)
    action = tables.Column(verbose_name=_("action"), orderable=False)
    subject_label = tables.Column(verbose_name=_("record"), orderable=False)
    organization = tables.Column(
        verbose_name=_("union organization"), accessor="organization__name", orderable=False
    )
    detail = tables.Column(verbose_name=_("detail"), orderable=False)

    class Meta:
        attrs = {"class": "table table-sm table-hover", "id": "access-log-table"}
        empty_text = _("Nobody has seen protected data in full yet.")
