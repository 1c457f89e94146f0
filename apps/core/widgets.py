"""Form widgets shared by every app."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .validators import parse_date

_DIGITS_ONLY = re.compile(r"^\s*\d+(\.\d+)?\s*$")


class DateInput(forms.DateInput):
    """The date box of every form and filter: text showing 2023-01-15.

    A browser's <input type="date"> draws its own mm/dd/yyyy or dd/mm/yyyy from the browser's
    locale, whatever the page's language, so a Chinese clerk could meet 01/15/2023. This is a
    text box that shows yyyy-mm-dd and takes what DESIGN.md lists for forms — 2023-01-15,
    2023/1/15, 2023.1.15, 2023年1月15日 — handing the field an ISO date. Bare numbers stay as
    typed (and fail as a date): "2023" is a year someone began, not Excel's day 2023.
    """

    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {"placeholder": _("yyyy-mm-dd"), "autocomplete": "off", "maxlength": "20", **(attrs or {})}
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if not isinstance(value, str) or not value.strip() or _DIGITS_ONLY.match(value):
            return value
        try:
            return parse_date(value).isoformat()
        except ValidationError:
            return value  # the field says it is not a date
