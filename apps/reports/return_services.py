"""Every write of the annual statistical return (统计年报): opening the year's return, a unit
saving and confirming its form, a federation above correcting a figure, reminders.

The rules follow the union's statistical survey (工会统计调查, a departmental survey under the
Statistics Law): a full survey organized by the city federation, each grassroots union fills
its own form, the federations above review and total their units level by level; a figure
once reported is changed only with its reason on record (who, when, old → new).
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.permissions import require_capability
from apps.notifications.delivery import create_notifications
from apps.organizations.models import Organization
from apps.organizations.scope import ensure_visible, visible_organizations

from .return_checks import CHECKS, MODES, Finding, blocking_error, run_checks
from .return_figures import FIGURE_KEYS, FIGURES, UNIT_KINDS, figure_label
from .return_models import ReturnCorrection, ReturnUnit, StatisticalReturn
from .return_selectors import live_figures_by_unit, previous_confirmed, unconfirmed_recipients

BATCH = 2000
# The reminder rule's code (return_reminders.py): the rule's daily task also sends the e-mails
# still pending of its kind, so "remind now"'s e-mails go out with it (reports may not import
# the notifications' tasks or services; the in-app notification is there at once).
REMIND_KIND = "reports.return_unconfirmed"


def _city_of(actor) -> Organization:
    """The city federation the return is opened for: the actor's own (the city organizes it)."""
    org = getattr(actor, "organization", None)
    if org is not None and org.kind == Organization.Kind.CITY_FEDERATION:
        return org
    if actor.is_superuser:
        city = Organization.objects.filter(kind=Organization.Kind.CITY_FEDERATION).order_by("depth", "code").first()
        if city is not None:
            return city
    raise PermissionDenied


def _check_settings(*, tolerance_percent: int, check_modes: dict) -> dict:
    errors = {}
    if tolerance_percent is None or not 0 <= tolerance_percent <= 1000:
        errors["tolerance_percent"] = _("The tolerance is a percentage between 0 and 1000.")
    modes = dict(MODES)
    bad = [code for code, _label in CHECKS if check_modes.get(code) not in modes]
    if bad:
        errors.update({f"check_{code}": _("Choose whether this check warns or blocks.") for code in bad})
    if errors:
        raise ValidationError(errors)
    return {code: check_modes[code] for code, _label in CHECKS}


def open_return(*, actor, year: int, deadline: datetime.date, tolerance_percent: int,
                check_modes: dict) -> StatisticalReturn:
    """Open `year`'s return for the city: one unit per active grassroots-level union of the
    city's tree (grassroots, joint grassroots, village), each pre-filled from the live
    records, with last year's confirmed figures (else last year's live ones) kept for the
    tolerance check. Rule: city federation staff (reports.open_return) open it, once a year.

    Bulk: a fixed number of queries (the figures grouped over the whole city, the units
    inserted BATCH at a time), whatever the number of units."""
    require_capability(actor, "reports.open_return")
    city = _city_of(actor)
    modes = _check_settings(tolerance_percent=tolerance_percent, check_modes=check_modes)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Write the year, e.g. 2026.")})
    with transaction.atomic():
        try:
            with transaction.atomic():
                statistical_return = StatisticalReturn.objects.create(
                    year=year, organization=city, deadline=deadline, tolerance_percent=tolerance_percent,
                    check_modes=modes, opened_by=actor if actor.pk else None)
        except IntegrityError as exc:
            raise ValidationError({"year": _("The return for %(year)d is already open.") % {"year": year}}) from exc
        org_ids = list(visible_organizations(actor).filter(path__startswith=city.path, kind__in=UNIT_KINDS,
                                                           status=Organization.Status.ACTIVE)
                       .order_by("path").values_list("pk", flat=True))
        live, previous_live = live_figures_by_unit(actor=actor, year=year)
        confirmed = previous_confirmed(year=year)
        zero = {key: 0 for key in FIGURE_KEYS if key not in ("employees", "committee_members")}
        units = []
        for org_id in org_ids:
            figures = {**zero, "employees": None, **live.get(org_id, {})}
            figures["committee_members"] = None
            baseline, baseline_year = (confirmed[org_id], year - 1) if org_id in confirmed else (
                previous_live.get(org_id, {}), None)
            units.append(ReturnUnit(statistical_return=statistical_return, organization_id=org_id,
                                    prefilled=figures, baseline=baseline, baseline_year=baseline_year,
                                    **{key: figures[key] for key in FIGURE_KEYS}))
        ReturnUnit.objects.bulk_create(units, batch_size=BATCH)
        statistical_return.unit_count = len(units)
        statistical_return.save(update_fields=["unit_count"])
    return statistical_return


def change_return_settings(*, actor, statistical_return: StatisticalReturn, deadline: datetime.date,
                           tolerance_percent: int, check_modes: dict) -> StatisticalReturn:
    """The city moves the deadline or changes the checks of an open return. Rule: city
    federation staff (reports.open_return) of the return's city. Forms already confirmed stay
    confirmed; the checks apply to every later save, confirmation and correction."""
    require_capability(actor, "reports.open_return")
    if _city_of(actor).pk != statistical_return.organization_id:
        raise PermissionDenied
    modes = _check_settings(tolerance_percent=tolerance_percent, check_modes=check_modes)
    statistical_return.deadline, statistical_return.tolerance_percent = deadline, tolerance_percent
    statistical_return.check_modes = modes
    statistical_return.save(update_fields=["deadline", "tolerance_percent", "check_modes"])
    return statistical_return


def baseline_label(unit: ReturnUnit) -> str:
    if unit.baseline_year:
        return _("the confirmed return of %(year)d") % {"year": unit.baseline_year}
    return _("last year's live figures")


def unit_values(unit: ReturnUnit) -> dict:
    return {key: getattr(unit, key) for key in FIGURE_KEYS}


def unit_findings(unit: ReturnUnit, values: dict | None = None) -> list[Finding]:
    """The logic checks of the unit's figures (or of `values`), as its return sets them."""
    statistical_return = unit.statistical_return
    return run_checks(unit_values(unit) if values is None else values, baseline=unit.baseline,
                      baseline_label=baseline_label(unit), tolerance=statistical_return.tolerance_percent,
                      modes=statistical_return.check_modes)


def _locked(unit: ReturnUnit) -> ReturnUnit:
    return ReturnUnit.objects.select_for_update().select_related("statistical_return", "organization").get(pk=unit.pk)


def save_unit(*, actor, unit: ReturnUnit, values: dict, note: str = "", confirm: bool = False
              ) -> tuple[ReturnUnit, list[Finding]]:
    """The unit's own union saves its figures, and with `confirm` confirms them. Rule: its
    branch officer (reports.confirm_return) of the unit in scope; a confirmed form is no
    longer the unit's to change (a federation above corrects it, with a reason); confirming
    needs every figure and refuses a blocking finding, naming the field — and then writes
    nothing. Warnings are returned to be shown beside their fields."""
    require_capability(actor, "reports.confirm_return")
    ensure_visible(actor, unit.organization)
    values = {key: values.get(key) for key in FIGURE_KEYS}
    with transaction.atomic():
        unit = _locked(unit)
        if unit.is_confirmed:
            raise ValidationError({NON_FIELD_ERRORS: _(
                "This form is confirmed: only a federation above the union may correct it now, with a reason.")})
        findings = unit_findings(unit, values)
        if confirm:
            errors = {key: [_("Enter %(label)s before confirming.") % {"label": figure_label(key)}]
                      for key in FIGURE_KEYS if values[key] is None}
            for field, messages in blocking_error(findings).items():
                errors.setdefault(field, []).extend(messages)
            if errors:
                raise ValidationError(errors)
        for key, value in values.items():
            setattr(unit, key, value)
        now = timezone.now()
        unit.note, unit.saved_by, unit.saved_at = note.strip(), actor, now
        unit.status = ReturnUnit.Status.CONFIRMED if confirm else ReturnUnit.Status.SAVED
        if confirm:
            unit.confirmed_by, unit.confirmed_at = actor, now
        unit.save()
    return unit, findings


def correct_figure(*, actor, unit: ReturnUnit, figure: str, value: int | None, reason: str) -> ReturnCorrection:
    """A federation above the unit corrects one of its figures, with the reason on record
    (who, when, old → new, why), confirmed or not. Rule: county/city staff
    (reports.oversee_return) of a unit in their scope, never their own organization's; a
    correction may not bring in a blocking finding the form did not have."""
    require_capability(actor, "reports.oversee_return")
    ensure_visible(actor, unit.organization)
    if getattr(actor, "organization_id", None) == unit.organization_id:
        raise PermissionDenied
    reason = " ".join((reason or "").split())
    errors = {}
    if figure not in FIGURE_KEYS:
        errors["figure"] = _("Choose the figure to correct.")
    if not reason:
        errors["reason"] = _("Say why the figure is corrected: the reason is kept with the correction.")
    if value is not None and value < 0:
        errors["value"] = _("A figure cannot be negative.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        unit = _locked(unit)
        old = getattr(unit, figure)
        if old == value:
            raise ValidationError({"value": _("%(label)s is already %(value)s.") % {
                "label": figure_label(figure), "value": "—" if value is None else value}})
        before = {(f.check, f.field) for f in unit_findings(unit) if f.blocks}
        values = unit_values(unit) | {figure: value}
        new = [f for f in unit_findings(unit, values) if f.blocks and (f.check, f.field) not in before]
        if new:
            raise ValidationError({"value": [f.message for f in new]})
        setattr(unit, figure, value)
        unit.save(update_fields=[figure])
        return ReturnCorrection.objects.create(unit=unit, figure=figure, old_value=old, new_value=value,
                                               reason=reason[:500], by=actor)


def reminder_text(statistical_return: StatisticalReturn, *, today: datetime.date) -> tuple[str, str]:
    deadline = statistical_return.deadline.isoformat()
    if today > statistical_return.deadline:
        title = _("Annual statistical return %(year)d is past its deadline (%(deadline)s): confirm your union's "
                  "figures") % {"year": statistical_return.year, "deadline": deadline}
    else:
        title = _("Annual statistical return %(year)d: confirm your union's figures by %(deadline)s") % {
            "year": statistical_return.year, "deadline": deadline}
    body = _("The form is pre-filled from the portal's records: check each figure, correct it where the records "
             "are wrong, and confirm.")
    return title, body


def remind_unconfirmed(*, actor, statistical_return: StatisticalReturn, today: datetime.date | None = None) -> int:
    """"Remind now": the officers of every unconfirmed unit in the actor's scope get a
    notification. Rule: a federation above (reports.oversee_return); once a day per
    recipient however often it is pressed, by whoever (the notification's key). Returns how
    many were written now."""
    require_capability(actor, "reports.oversee_return")
    today = today or timezone.localdate()
    title, body = reminder_text(statistical_return, today=today)
    written = create_notifications(
        recipient_ids=unconfirmed_recipients(actor=actor, statistical_return=statistical_return),
        title=title, body=body, url=reverse("reports:return_detail", kwargs={"pk": statistical_return.pk}),
        kind=REMIND_KIND, key=f"{REMIND_KIND}:return:{statistical_return.pk}:manual-{today.isoformat()}")
    return len(written)
