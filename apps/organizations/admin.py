from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "county", "status")
    list_filter = ("kind", "status")
    list_select_related = ("county",)
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth")
    raw_id_fields = ("parent", "county")
