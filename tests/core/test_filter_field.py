"""{{ field|filter_field }} (apps/core/templatetags/portal.py) writes what crispy-bootstrap5's
field.html writes for the same field — wrapper, label, Bootstrap classes, errors, help text —
apart from the whitespace between tags: compared field by field with crispy's own output."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.http import QueryDict
from django.utils import translation

from apps.core.templatetags.portal import filter_field, widget_html
from apps.core.widgets import DateInput
from apps.members.filters import MemberFilter

_BETWEEN_TAGS = re.compile(r">\s+")
_BEFORE_TAGS = re.compile(r"\s+<")
_RUNS = re.compile(r"\s+")


def normalized(html) -> str:
    """Whitespace a browser ignores here: around tags, and runs of it."""
    return _RUNS.sub(" ", _BEFORE_TAGS.sub("<", _BETWEEN_TAGS.sub(">", str(html)))).strip()


def both(form_factory, name):
    """The field rendered by crispy and by filter_field, each from a fresh form (crispy adds
    its classes to the widget, so rendering one after the other would hide a difference)."""
    return normalized(as_crispy_field(form_factory()[name])), normalized(filter_field(form_factory()[name]))


class Everything(forms.Form):
    error_css_class = "has-error"
    required_css_class = "is-required"

    text = forms.CharField(label="Name <b>", help_text="Part of a <em>name</em>.",
                           max_length=5)
    number = forms.IntegerField(label="Age", required=False, min_value=0)
    date = forms.DateField(label="Joined", required=False, widget=DateInput())
    choice = forms.ChoiceField(label="Kind", choices=[("", "---"), ("a", "A & B"), ("b", "B")],
                               required=False)
    many = forms.MultipleChoiceField(label="Kinds", choices=[("a", "A"), ("b", "B")], required=False)
    classed = forms.CharField(label="Classed", required=False,
                              widget=forms.TextInput(attrs={"class": "extra textinput-wide"}))
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)
    unlabelled = forms.CharField(label="", required=False)
    # crispy's own path (filter_field hands these back to it)
    flag = forms.BooleanField(label="Flag", required=False)
    radio = forms.ChoiceField(label="Radio", choices=[("a", "A")], widget=forms.RadioSelect, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


VALID = {"text": "王", "number": "3", "date": "2023-01-15", "choice": "a", "many": ["a", "b"],
         "classed": "x", "notes": "n", "flag": "on", "radio": "a"}
INVALID = {"text": "toolongvalue", "number": "-1", "date": "2023-02-30", "choice": "zzz", "many": ["zzz"],
           "radio": "zzz"}


@pytest.mark.parametrize("data", [None, {}, VALID, INVALID], ids=["unbound", "empty", "valid", "invalid"])
@pytest.mark.parametrize("name", list(Everything.base_fields))
def test_filter_field_writes_what_crispy_writes(name, data):
    def make():
        form = Everything(QueryDict(mutable=True) if data == {} else data)
        if data is not None:
            form.is_valid()
        return form

    crispy, ours = both(make, name)
    assert ours == crispy
    assert str(widget_html(make()[name])) == str(make()[name])  # the widget alone: the same string


class Grouped(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False, choices=[
        ("", "any"), ("Work", [("a", "A <1>"), ("b", "B")]), ("Home", [(3, "three")])])
    many = forms.MultipleChoiceField(label="Many", required=False, choices=[("x", "X"), ("y", "Y")],
                                     widget=forms.SelectMultiple(attrs={"size": 2, "data-flag": True,
                                                                        "off": False}))
    localized = forms.DecimalField(label="Sum", required=False, localize=True)


@pytest.mark.parametrize("data", [None, {"kind": "3", "many": ["x", "y"], "localized": "1.5"},
                                  {"kind": "zz"}])
def test_widget_html_writes_djangos_select_and_input_templates(data):
    for name in Grouped.base_fields:
        assert str(widget_html(Grouped(data)[name])) == str(Grouped(data)[name]), name


def test_a_widget_with_its_own_template_is_rendered_by_django():
    class Own(forms.TextInput):
        template_name = "django/forms/widgets/textarea.html"

    class OwnForm(forms.Form):
        text = forms.CharField(widget=Own)

    assert "<textarea" in str(widget_html(OwnForm()["text"]))


def test_an_invalid_field_carries_bootstrap_error_markup():
    form = Everything(INVALID)
    form.is_valid()
    html = str(filter_field(form["text"]))
    assert 'class="textinput form-control is-invalid"' in html
    assert 'id="id_text_error" class="invalid-feedback"' in html and 'id="error_1_id_text"' in html
    wrapper = re.match(r'<div id="div_id_text" class="mb-3 ([^"]+)">', html)
    assert wrapper and set(wrapper[1].split()) == {"has-error", "is-required"}  # Django joins a set
    assert '<span class="asteriskField">*</span>' in html
    assert "Name &lt;b&gt;" in html and "Part of a <em>name</em>." in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("query", [
    "",
    "q=%E7%8E%8B&status=all&worker_category=migrant&political_status=&sex=f&age_min=20&age_max=30"
    "&joined_from=2023%2F1%2F15&joined_to=2023-02-01&org=nonexistent",
    # errors: a full ID number in the address, ages out of range, not a date, not a choice
    "q=11010519491231002X&status=nope&sex=x&age_min=-1&age_max=abc&joined_from=2023-02-30&joined_to=2023",
], ids=["first-page", "every-filter", "errors"])
def test_member_filter_form_fields_match_crispy(city_staff, language, query):
    with translation.override(language):
        for name in MemberFilter.base_filters:
            crispy, ours = both(lambda: MemberFilter(QueryDict(query), actor=city_staff).form, name)
            assert ours == crispy, name
            form = MemberFilter(QueryDict(query), actor=city_staff).form
            assert str(widget_html(form[name])) == str(form[name]), name
