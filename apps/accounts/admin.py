from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "role", "organization", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    fieldsets = BaseUserAdmin.fieldsets + ((_("Portal"), {"fields": ("role", "organization", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Portal"), {"fields": ("role", "organization")}),)
