"""The lists the city edits (key industries, honor kinds) and the special fund's budget."""

from django.contrib import admin

from .models import HonorKind, KeyIndustry, SpecialFund


@admin.register(KeyIndustry)
class KeyIndustryAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "active")
    list_editable = ("position", "active")


@admin.register(HonorKind)
class HonorKindAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "collective", "position", "active")
    list_editable = ("position", "active")


@admin.register(SpecialFund)
class SpecialFundAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "budget")
    raw_id_fields = ("owner",)
