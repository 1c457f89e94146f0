"""The download centre's request form: kind, scope (the organization picker, the user's own
scope only) and the period the kind covers."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.widgets import DateInput
from apps.organizations.picker import OrganizationChoiceField

from .kinds import MONTH, RANGE, YEAR, report_kinds
from .periods import month_period, year_period

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("report"))
    organization = OrganizationChoiceField(label=_("for (organization and everything under it)"))
    month = forms.CharField(label=_("month"), required=False, max_length=10,
                            help_text=_("For monthly statistics, e.g. 2026-11."),
                            widget=forms.TextInput(attrs={"placeholder": "yyyy-mm", "autocomplete": "off"}))
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100,
                              help_text=_("For the annual work statistics."))
    date_from = forms.DateField(label=_("from"), required=False, widget=DateInput(),
                                help_text=_("For the ledger and the membership change report."))
    date_to = forms.DateField(label=_("to"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = [
            (kind.key, kind.label) for kind in report_kinds()
            if not kind.capability or user.has_capability(kind.capability)
        ]
        self.fields["organization"].limit_to(user)
        if not self.is_bound and getattr(user, "organization", None) is not None:
            self.initial.setdefault("organization", user.organization)
        today = timezone.localdate()
        last_month = today.replace(day=1) - datetime.timedelta(days=1)
        self.initial.setdefault("month", f"{last_month:%Y-%m}")
        self.initial.setdefault("year", today.year - 1 if today.month < 3 else today.year)
        self.kinds = {kind.key: kind for kind in report_kinds()}

    def clean(self):
        data = super().clean()
        kind = self.kinds.get(data.get("kind"))
        if kind is None:
            return data
        if kind.period == MONTH:
            match = _MONTH.match(data.get("month") or "")
            if not match or not 1 <= int(match.group(2)) <= 12:
                self.add_error("month", _("Write the month as 2026-11."))
                return data
            data["period_start"], data["period_end"] = month_period(int(match.group(1)), int(match.group(2)))
        elif kind.period == YEAR:
            if not data.get("year"):
                self.add_error("year", _("Write the year, e.g. 2026."))
                return data
            data["period_start"], data["period_end"] = year_period(data["year"])
        elif kind.period == RANGE:
            start, end = data.get("date_from"), data.get("date_to")
            if not start:
                self.add_error("date_from", _("Write the first day of the period."))
            if not end:
                self.add_error("date_to", _("Write the last day of the period."))
            if not (start and end):
                return data
            data["period_start"], data["period_end"] = start, end
        else:  # pragma: no cover - a kind registers one of the three
            raise ValidationError(f"unknown period {kind.period}")
        return data
