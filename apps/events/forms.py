"""Input for one screen each; rules live in services (forms repeat them only for the message)."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.widgets import DateInput
from apps.organizations.picker import OrganizationChoiceField

from .choices import EventKind, EventStatus, HazardState, Mode, Severity, TargetGroup
from .selectors import employers_for_hazards, lecturers_usable_by, venues_usable_by


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class TimeBox(forms.TimeInput):
    input_type = "text"

    def __init__(self):
        super().__init__(attrs={"placeholder": "hh:mm", "maxlength": "5", "autocomplete": "off",
                                "inputmode": "numeric"}, format="%H:%M")


def _combine(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time), timezone.get_current_timezone())


class EventForm(forms.Form):
    organization = OrganizationChoiceField(label=_("organizer"))
    kind = forms.ChoiceField(label=_("kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    day = forms.DateField(label=_("date"), widget=DateInput())
    start_time = forms.TimeField(label=_("starts at"), widget=TimeBox())
    end_day = forms.DateField(label=_("ends on"), widget=DateInput(), required=False,
                              help_text=_("Empty: the same day."))
    end_time = forms.TimeField(label=_("ends at"), widget=TimeBox())
    mode = forms.ChoiceField(label=_("mode"), choices=Mode.choices, initial=Mode.OFFLINE)
    venue = forms.ModelChoiceField(label=_("venue"), queryset=None, required=False)
    place = forms.CharField(label=_("place"), max_length=200, required=False,
                            help_text=_("Where, when not a registry venue."))
    speakers = forms.ModelMultipleChoiceField(label=_("speakers"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    target_group = forms.ChoiceField(label=_("target group"), choices=[("", "—"), *TargetGroup.choices],
                                     required=False)
    expected_attendance = forms.IntegerField(label=_("expected attendance"), min_value=0, required=False)
    online_views = forms.IntegerField(label=_("live-stream views"), min_value=0, required=False)
    registration_open = forms.BooleanField(label=_("members may register themselves"), required=False,
                                           initial=True)

    def __init__(self, *args, actor, event=None, **kwargs):
        if event is not None and "initial" not in kwargs:
            local_start, local_end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
            kwargs["initial"] = {
                "organization": event.organization, "kind": event.kind, "title": event.title,
                "day": local_start.date(), "start_time": local_start.time(),
                "end_day": local_end.date() if local_end.date() != local_start.date() else None,
                "end_time": local_end.time(), "mode": event.mode, "venue": event.venue, "place": event.place,
                "speakers": list(event.speakers.all()), "target_group": event.target_group,
                "expected_attendance": event.expected_attendance, "online_views": event.online_views,
                "registration_open": event.registration_open,
            }
        super().__init__(*args, **kwargs)
        self.fields["organization"].limit_to(actor)
        if event is not None:
            self.fields["organization"].disabled = True
        self.fields["venue"].queryset = venues_usable_by(actor).filter(active=True).order_by("name")
        self.fields["speakers"].queryset = lecturers_usable_by(actor).filter(active=True).order_by("group", "name")
        self.fields["speakers"].label_from_instance = str
        self.helper = _helper(_("Save"))

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            data["starts_at"] = _combine(day, start)
            data["ends_at"] = _combine(data.get("end_day") or day, end)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", _("The event must end after it starts."))
        return data


class HeldForm(forms.Form):
    report = forms.CharField(label=_("short report"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    reported_attendance = forms.IntegerField(
        label=_("audience on site (organizer's figure)"), min_value=0, required=False,
        help_text=_("Used only when nobody checked in by phone; the check-ins count otherwise."))
    online_views = forms.IntegerField(label=_("live-stream views"), min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Mark held"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), max_length=300)


class PhotoForm(forms.Form):
    upload = forms.FileField(label=_("photo (JPEG or PNG)"))


class MemberRegistrationForm(forms.Form):
    id_number = forms.CharField(label=_("member's resident ID number"), max_length=18)


class GroupRegistrationForm(forms.Form):
    group = forms.CharField(label=_("group"), max_length=200, help_text=_("e.g. the union or workshop sending them."))
    people = forms.CharField(
        label=_("people"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line: the name, a space, and the last 4 characters of the ID number or phone."))

    def clean_people(self):
        people = []
        for line in self.cleaned_data["people"].splitlines():
            parts = line.replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            if len(parts) < 2:
                raise forms.ValidationError(_("%(line)s: add the last 4 characters.") % {"line": line.strip()})
            people.append(("".join(parts[:-1]), parts[-1]))
        if not people:
            raise forms.ValidationError(_("Write one person per line."))
        if len(people) > 500:
            raise forms.ValidationError(_("At most 500 people at once."))
        return people


class CheckInForm(forms.Form):
    name = forms.CharField(label=_("your name"), max_length=50,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    last4 = forms.CharField(label=_("last 4 characters of your ID number or phone"), min_length=4, max_length=4,
                            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text",
                                                          "size": "4"}))


class TrainingFiguresForm(forms.Form):
    """One line per employer: credit code or name, sessions, trainees; or a line "合计 sessions trainees"."""

    lines = forms.CharField(
        label=_("sessions and trainees"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One line per employer unit: its credit code or name, sessions, trainees — e.g. "
                    "“91371302MA3C4XXXX1 2 45”. A line starting with 合计 (total) records figures without an employer."))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_lines(self):
        rows = []
        employers = employers_for_hazards(self.actor)
        for line in self.cleaned_data["lines"].splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) < 3 or not parts[-1].isdigit() or not parts[-2].isdigit():
                raise forms.ValidationError(_("%(line)s: write the employer, then sessions and trainees as "
                                              "whole numbers.") % {"line": line.strip()})
            who = " ".join(parts[:-2])
            if who in ("合计", "total", "Total"):
                employer = None
            else:
                employer = employers.filter(social_credit_code=who.upper()).first() or employers.filter(
                    name=who).first()
                if employer is None:
                    raise forms.ValidationError(_("%(who)s: no employer unit with this credit code or name in "
                                                  "your scope.") % {"who": who})
            rows.append({"employer": employer, "sessions": int(parts[-2]), "trainees": int(parts[-1])})
        return rows


class JobFairForm(forms.Form):
    employers = forms.IntegerField(label=_("employers taking part"), min_value=0)
    positions = forms.IntegerField(label=_("positions offered"), min_value=0)
    applicants = forms.IntegerField(label=_("applicants"), min_value=0)
    hires = forms.IntegerField(label=_("hires"), min_value=0)

    def clean(self):
        data = super().clean()
        if data.get("hires") is not None and data.get("applicants") is not None and data["hires"] > data["applicants"]:
            self.add_error("hires", _("There cannot be more hires than applicants."))
        return data


class LecturerForm(forms.Form):
    organization = OrganizationChoiceField(label=_("kept by"))
    name = forms.CharField(label=_("name"), max_length=50)
    group = forms.CharField(label=_("lecture group"), max_length=100, required=False,
                            help_text=_("e.g. 沂蒙劳模宣讲团"))
    title = forms.CharField(label=_("title or honor"), max_length=200, required=False)
    is_model_worker = forms.BooleanField(label=_("model worker"), required=False)
    phone = forms.CharField(label=_("mobile phone"), max_length=11, required=False)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)
    talks = forms.CharField(label=_("talks"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                            help_text=_("One talk title per line."))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].limit_to(actor)
        self.helper = _helper(_("Save"))


class VenueForm(forms.Form):
    organization = OrganizationChoiceField(label=_("kept by"))
    name = forms.CharField(label=_("name"), max_length=200)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    capacity = forms.IntegerField(label=_("seats"), min_value=0, required=False)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].limit_to(actor)
        self.helper = _helper(_("Save"))


class HazardForm(forms.Form):
    organization = OrganizationChoiceField(label=_("recorded by union"))
    employer = forms.CharField(label=_("employer unit"), max_length=200,
                               help_text=_("Its unified social credit code, or its name as the ledger has it."))
    found_on = forms.DateField(label=_("found on"), widget=DateInput(), initial=timezone.localdate)
    place = forms.CharField(label=_("place"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, initial=Severity.GENERAL)
    deadline = forms.DateField(label=_("rectification deadline"), widget=DateInput())

    def __init__(self, *args, actor, hazard=None, **kwargs):
        if hazard is not None and "initial" not in kwargs:
            kwargs["initial"] = {"organization": hazard.organization, "employer": hazard.employer.name,
                                 "found_on": hazard.found_on, "place": hazard.place,
                                 "description": hazard.description, "severity": hazard.severity,
                                 "deadline": hazard.deadline}
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["organization"].limit_to(actor)
        if hazard is not None:
            self.fields["organization"].disabled = True
        self.helper = _helper(_("Save"))

    def clean_employer(self):
        text = self.cleaned_data["employer"].strip()
        employers = employers_for_hazards(self.actor)
        found = list(employers.filter(social_credit_code=text.upper())[:1]) or list(employers.filter(name=text)[:2])
        if not found:
            raise forms.ValidationError(_("No employer unit with this credit code or name in your scope."))
        if len(found) > 1:
            raise forms.ValidationError(_("Several employer units have this name; write the credit code."))
        return found[0]

    def clean(self):
        data = super().clean()
        if data.get("found_on") and data.get("deadline") and data["deadline"] < data["found_on"]:
            self.add_error("deadline", _("The deadline cannot be before the hazard was found."))
        return data


class RectificationForm(forms.Form):
    rectified_on = forms.DateField(label=_("rectified on"), widget=DateInput(), initial=timezone.localdate)
    rectification = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 3}))


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=[("", _("every kind")), *EventKind.choices], required=False)
    status = forms.ChoiceField(label=_("status"), choices=[("", _("every status")), *EventStatus.choices],
                               required=False)
    mode = forms.ChoiceField(label=_("mode"), choices=[("", _("every mode")), *Mode.choices], required=False)
    org = forms.CharField(label=_("Union organization code"), required=False, max_length=32)
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("month"), required=False, min_value=1, max_value=12)
    county = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    stream = forms.BooleanField(label=_("live streams only"), required=False)
    model_worker = forms.BooleanField(label=_("model-worker lectures only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _date_range_fields(self)


class HazardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("state"), choices=[("", _("every state")), *HazardState.choices],
                              required=False)
    severity = forms.ChoiceField(label=_("severity"), choices=[("", _("every severity")), *Severity.choices],
                                 required=False)
    org = forms.CharField(label=_("Union organization code"), required=False, max_length=32)
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
    county = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    # Set by the dashboard's links: the month of the year found in, and rectified ones (verified or not).
    month = forms.IntegerField(required=False, min_value=1, max_value=12, widget=forms.HiddenInput)
    rectified = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _date_range_fields(self)


def _date_range_fields(form) -> None:
    """Set by the dashboard's links: its period, from … to … (kept by the filter form)."""
    form.fields["from"] = forms.DateField(required=False, widget=forms.HiddenInput)
    form.fields["to"] = forms.DateField(required=False, widget=forms.HiddenInput)


def date_range(data: dict) -> dict:
    """The filters' start and end when both are given, in order (else no date filter)."""
    start, end = data.get("from"), data.get("to")
    return {"start": start, "end": end} if start and end and start <= end else {}
