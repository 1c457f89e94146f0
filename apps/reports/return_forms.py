"""Input of the annual statistical return: opening a year's return, a unit's figures, a
federation's correction of one figure."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.widgets import DateInput

from .return_checks import CHECKS, DEFAULT_MODES, DEFAULT_TOLERANCE, MODES
from .return_figures import FIGURES


class ReturnSettingsForm(forms.Form):
    """The return's deadline and checks (set when it is opened, changed later by the city)."""

    deadline = forms.DateField(label=_("deadline"), widget=DateInput())
    tolerance_percent = forms.IntegerField(
        label=_("year-over-year tolerance (%)"), min_value=0, max_value=1000, initial=DEFAULT_TOLERANCE,
        help_text=_("A figure that moved more than this since last year is flagged."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("deadline", timezone.localdate() + datetime.timedelta(days=30))
        for code, label in CHECKS:
            self.fields[f"check_{code}"] = forms.ChoiceField(label=label, choices=MODES, initial=DEFAULT_MODES[code])

    @property
    def check_modes(self) -> dict:
        return {code: self.cleaned_data.get(f"check_{code}") for code, _label in CHECKS}


class OpenReturnForm(ReturnSettingsForm):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial.setdefault("year", today.year if today.month >= 10 else today.year - 1)
        self.order_fields(["year"])


class UnitFiguresForm(forms.Form):
    note = forms.CharField(label=_("explanation (for a flagged figure)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        figures = {f.key: forms.IntegerField(label=f.label, min_value=0, max_value=10_000_000, required=False,
                                             widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control form-control-sm"}))
                   for f in FIGURES}
        self.fields = {**figures, "note": self.fields["note"]}

    @property
    def values(self) -> dict:
        return {f.key: self.cleaned_data.get(f.key) for f in FIGURES}


class CorrectionForm(forms.Form):
    figure = forms.ChoiceField(label=_("figure"), choices=[(f.key, f.label) for f in FIGURES])
    value = forms.IntegerField(label=_("corrected value"), min_value=0, max_value=10_000_000, required=False)
    reason = forms.CharField(label=_("reason"), max_length=500)
