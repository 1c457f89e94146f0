import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Organization
from .scope import is_in_scope

STATUS_BADGES = {
    Organization.Status.ACTIVE: "text-bg-success",
    Organization.Status.MERGED: "text-bg-secondary",
    Organization.Status.DISSOLVED: "text-bg-dark",
}


def org_link(org: Organization):
    return format_html('<a href="{}">{}</a>', reverse("organizations:detail", args=[org.code]), org)


class OrganizationTable(tables.Table):
    region_label = _("Union organizations")  # the name of its scroll region
    code = tables.Column(verbose_name=_("code"), order_by=("path",), linkify=("organizations:detail", {"code": tables.A("code")}))
    name = tables.Column(verbose_name=_("name"))
    kind = tables.Column(verbose_name=_("kind"))
    county = tables.Column(verbose_name=_("county/district"), order_by=("county__code", "path"))
    parent = tables.Column(verbose_name=_("parent organization"), order_by=("parent__code", "path"))
    status = tables.Column(verbose_name=_("status"))

    class Meta:
        model = Organization
        fields = ("code", "name", "kind", "county", "parent", "status")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "organization-table"}
        empty_text = _("No organization matches.")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def render_parent(self, value, record):
        # The scope root's parent lies above the user's scope: do not name it.
        if self.user is not None and not is_in_scope(self.user, value):
            return "—"
        return org_link(value)

    def render_status(self, value, record):
        return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(record.status, "text-bg-light"), value)
