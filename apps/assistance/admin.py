"""For the system administrator: the county standards and the city's settings are edited
here (with history); files are read here, changed only through the portal's workflow."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AssistanceSettings, HardshipFile, LivingStandard


@admin.register(LivingStandard)
class LivingStandardAdmin(SimpleHistoryAdmin):
    list_display = ("county", "effective_from", "monthly_amount", "note")
    list_filter = ("county",)
    raw_id_fields = ("county",)
    list_select_related = ("county",)


@admin.register(AssistanceSettings)
class AssistanceSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "approval_threshold", "step_limit_days")

    def has_add_permission(self, request):
        return not AssistanceSettings.objects.exists()  # one row: the city's


@admin.register(HardshipFile)
class HardshipFileAdmin(admin.ModelAdmin):
    """Read-only: a step taken here would skip the workflow's rules and its timeline."""

    list_display = ("head_name", "organization", "status", "category", "valid_until")
    list_filter = ("status", "category")
    search_fields = ("head_name",)  # never the ID number: the admin's search is a GET
    list_select_related = ("organization",)
    show_full_result_count = False
    exclude = ("head_id_number", "bank_account", "head_phone")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
