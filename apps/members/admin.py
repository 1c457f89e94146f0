from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from . import counts
from .models import Member, OrganizationMemberCount, Transfer


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    """For the system administrator; clerks use the member pages (scoped, masked)."""

    list_display = ("name", "organization", "status", "worker_category", "joined_on")
    list_filter = ("status", "worker_category")
    # By name only: the admin's search is a GET, and a full ID number never goes into a URL.
    search_fields = ("name",)
    raw_id_fields = ("organization", "employer")
    list_select_related = ("organization",)
    show_full_result_count = False  # no COUNT(*) over 860k rows on every page

    # An administrator's edit or deletion is a write to the roll like any other: the kept
    # member figures change with it, in the same transaction (apps.members.counts).
    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = counts.locked_keys([obj.pk]) if change else []
        super().save_model(request, obj, form, change)
        counts.record_change(removed=before, added=[counts.key_of(obj)])

    @transaction.atomic
    def delete_model(self, request, obj):
        before = counts.locked_keys([obj.pk])
        super().delete_model(request, obj)
        counts.record_change(removed=before)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        before = counts.locked_keys(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        counts.record_change(removed=before)


@admin.register(OrganizationMemberCount)
class OrganizationMemberCountAdmin(admin.ModelAdmin):
    """Read-only: the figures are written by apps.members.counts alone (repair: recount_members)."""

    list_display = ("organization", "joined_year", "active", "retained", "new_employment")
    raw_id_fields = ("organization",)
    list_select_related = ("organization",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ("member", "from_organization", "to_organization", "status", "requested_at")
    list_filter = ("status",)
    raw_id_fields = (
        "member",
        "from_organization",
        "to_organization",
        "requested_by",
        "decided_by",
        "resulting_member",
    )
    list_select_related = ("member", "from_organization", "to_organization")
