"""Template helpers shared by every page."""

import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django import forms, template
from django.conf import settings
from django.utils.html import conditional_escape, format_html, format_html_join
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


# --- filter fields ---------------------------------------------------------------------------
# Widgets crispy-bootstrap5's field.html renders another way (a check box beside its label, radio
# lists, files, fieldsets, wrapped widgets): filter_field hands them to crispy itself.
_CRISPY_ONLY_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput,
                        forms.MultiWidget)


def _crispy_renders_differently(field) -> bool:
    widget = field.field.widget
    return (field.is_hidden or isinstance(widget, _CRISPY_ONLY_WIDGETS) or field.use_fieldset
            or hasattr(widget, "widget") or hasattr(widget, "widgets")
            or getattr(field.form, "helper", None) is not None)


def _add_crispy_classes(widget, classes: str) -> None:
    """What crispy's {% crispy_field field 'class' '...' %} does to the widget: its class name
    in lower case (after CRISPY_CLASS_CONVERTERS), then each of `classes` not yet there."""
    class_name = widget.__class__.__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for name in classes.split():
        if name not in css_class.split():
            css_class += f" {name}"
    widget.attrs["class"] = css_class


# Django's own widget templates that widget_html writes in Python: the inputs (each of these
# files is `{% include "django/forms/widgets/input.html" %}`) and the single or multiple select.
_INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{name}.html" for name in (
    "text", "number", "email", "url", "password", "search", "tel", "date", "datetime", "time", "color"))
_INPUT, _ATTRS = "django/forms/widgets/input.html", "django/forms/widgets/attrs.html"
_SELECT, _OPTION = "django/forms/widgets/select.html", "django/forms/widgets/select_option.html"
_DJANGO_FORM_TEMPLATES = str(Path(forms.__file__).parent / "templates")


@functools.lru_cache(maxsize=64)
def _djangos_own_templates(renderer, names: tuple) -> bool:
    """Whether `renderer` finds Django's own files for these widget templates: a project or an
    app that overrides one gets its template, not widget_html's copy of Django's."""
    try:
        origins = [renderer.get_template(name).origin.name for name in names]
    except Exception:  # noqa: BLE001 - a renderer without origins (Jinja2): render as usual
        return False
    return all(str(origin).startswith(_DJANGO_FORM_TEMPLATES) for origin in origins)


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name."""
    return mark_safe("".join(  # noqa: S308 - each part built by format_html
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items() if value is not False))


def widget_html(field) -> str:
    """str(field) — BoundField.as_widget() — with Django's input and select templates written
    here: a select's template includes one template per option and each of those the attrs
    template, which cost more than the rest of a filter form. The output is the same string
    (tests/core/test_filter_field.py); any other widget, a widget with its own render(), or a
    renderer that finds other templates for these names is rendered by Django as usual."""
    bound = field
    widget = bound.field.widget
    names = (widget.template_name, _INPUT, _ATTRS) if widget.template_name in _INPUT_TEMPLATES else (
        (_SELECT, _OPTION, _ATTRS) if widget.template_name == _SELECT
        and getattr(widget, "option_template_name", None) == _OPTION else None)
    renderer = bound.form.renderer
    if names is None or type(widget).render is not forms.Widget.render or renderer is None \
            or not _djangos_own_templates(renderer, names):
        return conditional_escape(str(bound))
    # BoundField.as_widget(), then Widget.render() with the template written out
    if bound.field.localize:
        widget.is_localized = True
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    if names[0] == _SELECT:
        html = format_html('<select name="{}"{}>', context["name"], _attrs_html(context["attrs"]))
        for group_name, options, _index in context["optgroups"]:
            if group_name:
                html += format_html('\n  <optgroup label="{}">', group_name)
            for option in options:
                html += format_html('\n  <option value="{}"{}>{}</option>\n', option["value"],
                                    _attrs_html(option["attrs"]), option["label"])
            if group_name:
                html += "\n  </optgroup>"
        return mark_safe(html + "\n</select>")  # noqa: S308 - built by format_html
    value = context["value"]
    return format_html('<input type="{}" name="{}"{}{}>', context["type"], context["name"],
                       format_html(' value="{}"', value) if value is not None else "",
                       _attrs_html(context["attrs"]))


@register.filter
def filter_field(field):
    """{{ field|filter_field }}: the markup of `{{ field|as_crispy_field }}` (crispy-bootstrap5's
    field.html: wrapper, label, widget with Bootstrap's classes, errors, help text), written
    here instead of through field.html and its five nested includes. Every list's filter form
    shows ten or so fields on every view, and those templates were a third of the member
    list's time (docs/PERFORMANCE.md). Only the inter-tag whitespace differs
    (tests/core/test_filter_field.py compares the two); a widget crispy treats specially is
    rendered by crispy."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    if _crispy_renders_differently(field):
        return as_crispy_field(field)
    widget = field.field.widget
    errors = field.errors
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    _add_crispy_classes(widget, bootstrap + (" is-invalid" if errors else ""))
    required = field.field.required
    parts = []
    if field.label:
        parts.append(format_html(
            '<label {}class="form-label{}">{}{}</label>',
            format_html('for="{}" ', field.id_for_label) if field.id_for_label else "",
            " requiredField" if required else "",
            field.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        ))
    parts.append(widget_html(field))
    if errors:
        parts.append(format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>', errors.field_id,
            format_html_join("", '<p id="error_{}_{}"><strong>{}</strong></p>',
                             ((n, field.auto_id, error) for n, error in enumerate(errors, start=1)))))
    if field.help_text:
        parts.append(format_html(
            '<div {}class="form-text">{}</div>',
            format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else "",
            mark_safe(field.help_text),  # noqa: S308 - crispy's |safe: help texts are the code's own strings
        ))
    css_classes = field.css_classes()
    return format_html('<div id="div_{}" class="mb-3{}">{}</div>', field.auto_id,
                       f" {css_classes}" if css_classes else "", mark_safe("".join(parts)))  # noqa: S308
