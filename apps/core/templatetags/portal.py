"""Template helpers shared by every page."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.core import privacy

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


@register.filter
def yuan(value):
    """{{ amount|yuan }}: money as Chinese accounts write it, 1,234,567.80 — grouped in thousands
    (千分位) with two decimals. Django's zh_Hans format sets no thousands separator, and the portal
    must not group every number (IDs, years, codes), so only amounts use this. Empty stays empty."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return value
    return f"{amount:,.2f}"


# Masks for lists whose rows a template writes (members/_member_table.html): the same
# functions as everywhere else (apps.core.privacy), never a second copy of the rule.
register.filter("masked_id", privacy.mask_id_number)
register.filter("masked_phone", privacy.mask_phone)
register.filter("birth_year", privacy.birth_year)
