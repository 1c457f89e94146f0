from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Member, Transfer


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
