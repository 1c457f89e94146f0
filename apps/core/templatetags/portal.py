"""Template helpers shared by every page."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def filters_applied(form, query) -> bool:
    """Whether the query string sets one of the form's filters (sorting and paging do not count)."""
    return any(value for name in form.fields for value in query.getlist(name))


class ScrollRegionNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist = nodelist
        self.label = label

    def render(self, context):
        return format_html(
            '<div class="table-responsive table-scroll" tabindex="0" role="region" aria-label="{}">{}</div>',
            self.label.resolve(context),
            mark_safe(self.nodelist.render(context)),  # noqa: S308 - the template's own rendered output
        )


@register.tag
def scroll_region(parser, token):
    """{% scroll_region label %}<table>…</table>{% endscroll_region %}: the one wrapper of every
    wide table. It scrolls sideways inside its own box instead of widening the page, and a
    keyboard can reach it (tabindex=0) to scroll it; `label` names it for screen readers."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("scroll_region takes one argument, the region's label")
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, parser.compile_filter(bits[1]))
