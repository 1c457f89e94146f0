from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DemonstrationSite, DemonstrationTarget, Employer, InstructorVisit, WorkInstructor


@admin.register(Employer)
class EmployerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "social_credit_code", "county", "headcount", "covering_union", "status")
    list_filter = ("status", "is_new_sector", "industry")
    list_select_related = ("county", "covering_union")
    search_fields = ("name", "social_credit_code")
    raw_id_fields = ("county", "township", "covering_union")


class InstructorVisitInline(admin.TabularInline):
    model = InstructorVisit
    extra = 0
    raw_id_fields = ("employer", "recorded_by")


@admin.register(WorkInstructor)
class WorkInstructorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "county", "sent_by", "started_on", "ended_on", "status")
    list_filter = ("status",)
    list_select_related = ("county", "sent_by")
    search_fields = ("name",)
    raw_id_fields = ("county", "sent_by", "employers")
    inlines = [InstructorVisitInline]


@admin.register(DemonstrationSite)
class DemonstrationSiteAdmin(SimpleHistoryAdmin):
    list_display = ("organization", "level", "year_named", "status")
    list_filter = ("level", "status")
    list_select_related = ("organization",)
    raw_id_fields = ("organization",)


@admin.register(DemonstrationTarget)
class DemonstrationTargetAdmin(admin.ModelAdmin):
    list_display = ("county", "minimum", "maximum")
    raw_id_fields = ("county",)
