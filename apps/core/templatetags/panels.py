from django import template

from apps.core.panels import panel_urls

register = template.Library()


@register.inclusion_tag("core/_panels.html")
def panels(slot: str, obj=None, css_class: str = "col-12"):
    """{% panels "organization" org %}: a placeholder per registered panel, filled by htmx on load."""
    return {"panels": panel_urls(slot, obj), "css_class": css_class}
