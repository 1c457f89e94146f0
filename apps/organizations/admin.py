from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organization, OrganizationChange


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "county", "status")
    list_filter = ("kind", "status")
    list_select_related = ("county",)
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth")
    raw_id_fields = ("parent", "county")


@admin.register(OrganizationChange)
class OrganizationChangeAdmin(admin.ModelAdmin):
    list_display = ("organization", "kind", "target", "by", "at", "employers_moved", "children_moved")
    list_filter = ("kind",)
    list_select_related = ("organization", "target", "by")
    raw_id_fields = ("organization", "target", "by")
    readonly_fields = ("at",)
