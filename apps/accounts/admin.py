from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import User
from .services import deactivate_user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "role", "organization", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    list_select_related = ("organization",)
    search_fields = (
        "username", "first_name", "last_name", "email", "organization__name", "organization__code",
    )
    autocomplete_fields = ("organization",)
    fieldsets = BaseUserAdmin.fieldsets + ((_("Portal"), {"fields": ("role", "organization", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Portal"), {"fields": ("role", "organization")}),)
    actions = ["deactivate_selected"]

    def save_model(self, request, obj, form, change):
        # Disabling goes through the service so the user's sessions end with it.
        disabling = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if disabling:
            deactivate_user(user=obj, by=request.user)

    @admin.action(description=_("Disable selected users and end their sessions"))
    def deactivate_selected(self, request, queryset):
        users = list(queryset)
        for user in users:
            deactivate_user(user=user, by=request.user)
        count = len(users)
        self.message_user(
            request,
            ngettext("%(count)d user disabled.", "%(count)d users disabled.", count) % {"count": count},
            messages.SUCCESS,
        )
