"""The annual statistical return's pages: the list of years, opening one (the city), a
return's overview (progress per county, the confirmed sum beside the live figures,
reminders, the .xlsx), its units, and a unit's form (fill, confirm; corrections above)."""

import tempfile

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.core.paging import page_number
from apps.core.permissions import capability_required

from . import return_selectors as selectors
from . import return_services as services
from .return_checks import CHECKS
from .return_export import write_return_xlsx
from .return_figures import FIGURES
from .return_forms import CorrectionForm, OpenReturnForm, ReturnSettingsForm, UnitFiguresForm
from .return_models import ReturnUnit


@login_required
@capability_required("reports.view")
def return_list(request):
    returns = list(selectors.returns_for(actor=request.user)[:50])
    return render(request, "reports/returns/list.html", {
        "returns": returns, "may_open": request.user.has_capability("reports.open_return")})


@login_required
@capability_required("reports.open_return")
def return_open(request):
    form = OpenReturnForm(request.POST or None)
    form.helper = FormHelper()
    form.helper.add_input(Submit("submit", _("Open the return")))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            statistical_return = services.open_return(
                actor=request.user, year=data["year"], deadline=data["deadline"],
                tolerance_percent=data["tolerance_percent"], check_modes=form.check_modes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The return for %(year)d is open: %(n)d units can fill in their forms.") % {
                "year": statistical_return.year, "n": statistical_return.unit_count})
            return redirect("reports:return_detail", pk=statistical_return.pk)
    return render(request, "reports/returns/open.html", {"form": form})


@login_required
@capability_required("reports.open_return")
def return_settings(request, pk: int):
    """The city changes the deadline, the tolerance and the checks of a return."""
    statistical_return = selectors.get_return(actor=request.user, pk=pk)
    initial = {"deadline": statistical_return.deadline, "tolerance_percent": statistical_return.tolerance_percent,
               **{f"check_{code}": mode for code, mode in statistical_return.check_modes.items()}}
    form = ReturnSettingsForm(request.POST or None, initial=initial)
    form.helper = FormHelper()
    form.helper.add_input(Submit("submit", _("Save")))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_return_settings(actor=request.user, statistical_return=statistical_return,
                                            deadline=data["deadline"], tolerance_percent=data["tolerance_percent"],
                                            check_modes=form.check_modes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The return's settings are saved."))
            return redirect("reports:return_detail", pk=statistical_return.pk)
    return render(request, "reports/returns/open.html", {"form": form, "statistical_return": statistical_return})


def _comparison(actor, statistical_return) -> dict:
    counties, total_counts = selectors.county_status_counts(actor=actor, statistical_return=statistical_return)
    confirmed, confirmed_total = selectors.confirmed_sums(actor=actor, statistical_return=statistical_return)
    live, live_total = selectors.live_sums(actor=actor, statistical_return=statistical_return)
    rows = [(figure, confirmed_total.get(figure.key, 0), live_total.get(figure.key)) for figure in FIGURES]
    by_county = [{**county, "sums": confirmed.get(county["county_id"], {}), "live": live.get(county["county_id"], {})}
                 for county in counties]
    return {"counties": by_county, "total_counts": total_counts, "figure_rows": rows,
            "confirmed_units": confirmed_total["units"]}


@login_required
@capability_required("reports.view")
def return_detail(request, pk: int):
    statistical_return = selectors.get_return(actor=request.user, pk=pk)
    context = {
        "statistical_return": statistical_return,
        "own_units": selectors.own_units(actor=request.user, statistical_return=statistical_return),
        "checks": [(label, statistical_return.check_modes.get(code)) for code, label in CHECKS],
        "may_remind": request.user.has_capability("reports.oversee_return"),
        "may_change": request.user.has_capability("reports.open_return"),
        **_comparison(request.user, statistical_return),
    }
    return render(request, "reports/returns/detail.html", context)


@login_required
@capability_required("reports.view")
def return_units(request, pk: int):
    """The units in scope, a page at a time, filtered by status and county, with the counts per county."""
    statistical_return = selectors.get_return(actor=request.user, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in ReturnUnit.Status.values else ""
    try:
        county_id = int(request.GET.get("county") or 0) or None
    except ValueError:
        county_id = None
    page = page_number(request)
    units, has_next = selectors.unit_page(actor=request.user, statistical_return=statistical_return, status=status,
                                          county_id=county_id, page=page)
    counties, total = selectors.county_status_counts(actor=request.user, statistical_return=statistical_return)
    return render(request, "reports/returns/units.html", {
        "statistical_return": statistical_return, "units": units, "has_next": has_next, "page": page,
        "status": status, "county_id": county_id, "counties": counties, "total": total,
        "statuses": ReturnUnit.Status.choices,
    })


def _unit_page(request, unit, *, form=None, correction_form=None, findings=None, status=200):
    live = selectors.unit_live_figures(actor=request.user, unit=unit)
    findings = services.unit_findings(unit) if findings is None else findings
    may_fill = request.user.has_capability("reports.confirm_return") and not unit.is_confirmed
    if form is None:
        form = UnitFiguresForm(initial={**services.unit_values(unit), "note": unit.note})
    if correction_form is None:
        correction_form = CorrectionForm()
    by_field = {}
    for finding in findings:
        by_field.setdefault(finding.field, []).append(finding)
    rows = [{"figure": f, "field": form[f.key], "live": live.get(f.key), "prefilled": unit.prefilled.get(f.key),
             "baseline": unit.baseline.get(f.key), "findings": by_field.get(f.key, [])} for f in FIGURES]
    return render(request, "reports/returns/unit.html", {
        "unit": unit, "statistical_return": unit.statistical_return, "form": form, "rows": rows,
        "may_fill": may_fill, "may_correct": request.user.has_capability("reports.oversee_return")
        and request.user.organization_id != unit.organization_id,
        "correction_form": correction_form, "corrections": selectors.unit_corrections(unit=unit),
        "baseline_label": services.baseline_label(unit), "general_errors": form.non_field_errors(),
    }, status=status)


@login_required
@capability_required("reports.view")
def return_unit(request, pk: int):
    """GET: the unit's form with its live figures and findings. POST: save, or confirm
    (the button "confirm"), by the unit's own officer."""
    unit = selectors.get_unit(actor=request.user, pk=pk)
    if request.method != "POST":
        return _unit_page(request, unit)
    if not request.user.has_capability("reports.confirm_return"):
        raise PermissionDenied
    form = UnitFiguresForm(request.POST)
    confirm = "confirm" in request.POST
    if form.is_valid():
        try:
            unit, findings = services.save_unit(actor=request.user, unit=unit, values=form.values,
                                                note=form.cleaned_data["note"], confirm=confirm)
        except ValidationError as exc:
            add_service_errors(form, exc)
            findings = services.unit_findings(unit, form.values)
        else:
            if confirm:
                messages.success(request, _("The figures are confirmed."))
            elif any(f.blocks for f in findings):
                messages.warning(request, _("The figures are saved; correct the flagged ones before confirming."))
            else:
                messages.success(request, _("The figures are saved. Confirm them when they are right."))
            return redirect("reports:return_unit", pk=unit.pk)
    else:
        findings = []
    return _unit_page(request, unit, form=form, findings=findings)


@login_required
@require_POST
@capability_required("reports.oversee_return")
def return_unit_correct(request, pk: int):
    """A federation above corrects one figure of the unit, with a reason."""
    unit = selectors.get_unit(actor=request.user, pk=pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.correct_figure(actor=request.user, unit=unit, figure=data["figure"], value=data["value"],
                                    reason=data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The figure is corrected; the correction is kept in the unit's history."))
            return redirect(reverse("reports:return_unit", kwargs={"pk": unit.pk}) + "#corrections")
    return _unit_page(request, unit, correction_form=form)


@login_required
@require_POST
@capability_required("reports.oversee_return")
def return_remind(request, pk: int):
    statistical_return = selectors.get_return(actor=request.user, pk=pk)
    written = services.remind_unconfirmed(actor=request.user, statistical_return=statistical_return)
    if written:
        messages.success(request, _("%(n)d officers of unconfirmed units were reminded.") % {"n": written})
    else:
        messages.info(request, _("Nobody new to remind: the officers of the unconfirmed units were reminded today "
                                 "already, or every unit has confirmed."))
    return redirect("reports:return_detail", pk=statistical_return.pk)


@login_required
@capability_required("reports.view")
def return_export(request, pk: int):
    """The .xlsx of the actor's scope: the confirmed sum beside the live figures, and every unit."""
    statistical_return = selectors.get_return(actor=request.user, pk=pk)
    scope_name = getattr(request.user.organization, "name", "") or _("all")
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_return_xlsx(handle.name, actor=request.user, statistical_return=statistical_return, scope_name=scope_name)
    handle.seek(0)
    filename = f"{_('Annual statistical return')}-{statistical_return.year}-{scope_name}.xlsx".replace(" ", "")
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
