from django import template

from apps.core.history import change_reason_display

register = template.Library()


@register.filter
def change_reason(reason):
    """{{ record.history_change_reason|change_reason }}: "demo data", never "seed_demo"."""
    return change_reason_display(reason)
