"""The member list table: masked identifiers, birth year only, sortable on indexed columns."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.privacy import birth_year, mask_id_number, mask_phone

from .models import Member


def _or_dash(value):
    return value or "—"


# One row: the link to the member, then the other eight cells (format_html escapes each value).
_ROW = '<tr>\n  <td><a href="{}">{}</a></td>\n' + "  <td>{}</td>\n" * 8 + "</tr>"


def _labels(field: str) -> dict:
    """A choice field's labels in the active language, as get_<field>_display gives them (a
    value outside the choices shows as itself); looked up once per page, not once per cell
    (get_FOO_display rebuilds and hashes the whole choice list on every call)."""
    return {value: str(label) for value, label in Member._meta.get_field(field).flatchoices}


def _row(m: Member, labels: dict) -> SafeString:
    joined = date_format(m.joined_on, "SHORT_DATE_FORMAT") if m.joined_on else ""
    return format_html(
        _ROW, reverse("members:detail", args=[m.pk]), m.name, _or_dash(mask_id_number(m.id_number)),
        _or_dash(labels["sex"].get(m.sex, m.sex)), _or_dash(birth_year(m.birth_date)),
        _or_dash(mask_phone(m.phone)), _or_dash(m.organization.name),
        _or_dash(labels["worker_category"].get(m.worker_category, m.worker_category)),
        _or_dash(joined), _or_dash(labels["status"].get(m.status, m.status)),
    )


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

    def rows_html(self) -> SafeString:
        """The page's rows (members/_member_table.html), written here in one pass instead of
        a template per row: the list is the page clerks open most, and even a flat row
        template was a third of its time (docs/PERFORMANCE.md). The same columns, in the same
        order, through the same privacy functions as the render_* methods; "—" for empty."""
        labels = {field: _labels(field) for field in ("sex", "worker_category", "status")}
        rows = [_row(row.record, labels) for row in self.paginated_rows]
        if not rows and self.empty_text:
            rows.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(self.columns), self.empty_text))
        return mark_safe("".join(rows))  # noqa: S308 - every value went through format_html's escaping


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
