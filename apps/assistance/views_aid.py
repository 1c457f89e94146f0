"""Pages of the help households get: assistance and its approval, totals, visits and their
problems, legal aid cases, four-seasons campaigns, and the assistance export."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from apps.core.forms import add_service_errors
from apps.core.permissions import capability_required, require_capability
from apps.organizations.models import Organization
from apps.organizations.scope import visible_organizations

from . import exports, selectors, services_aid
from .choices import CaseStage, DisputeKind, ProblemStatus
from .forms import (
    CampaignForm,
    DecisionForm,
    DeliveryForm,
    LegalCaseForm,
    RecordForm,
    VisitForm,
    WorkerRecipientForm,
)
from .views import show_errors

GROUPING_LABELS = {
    "county": gettext_lazy("county/district"), "kind": gettext_lazy("kind"), "season": gettext_lazy("season"),
    "fund_source": gettext_lazy("fund source"), "year": gettext_lazy("year"), "file": gettext_lazy("household"),
}


# --- assistance records -------------------------------------------------------------------


@login_required
@capability_required("assistance.record")
def record_create(request, pk: int):
    file = selectors.file_detail(actor=request.user, pk=pk)
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services_aid.record_assistance(actor=request.user, file=file, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The assistance was recorded.") if record.status == "approved"
                             else _("The assistance was recorded; above the threshold it waits for approval."))
            return redirect("assistance:file_detail", pk=file.pk)
    return render(request, "assistance/form_page.html", {
        "form": form, "file": file, "title": _("Record assistance"),
        "intro": _("Money above the city's threshold waits for approval by the level above."),
    })


def _decide(request, pk: int, action, done: str):
    record = selectors.record_detail(actor=request.user, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        action(actor=request.user, record=record, note=form.cleaned_data.get("note", ""))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, done)
    if request.POST.get("next") == "pending":
        return redirect("assistance:records_pending")
    return redirect("assistance:file_detail", pk=record.file_id)


@login_required
@require_POST
@capability_required("assistance.approve_record")
def record_approve(request, pk: int):
    return _decide(request, pk, services_aid.approve_assistance, _("The assistance was approved."))


@login_required
@require_POST
@capability_required("assistance.approve_record")
def record_reject(request, pk: int):
    return _decide(request, pk, services_aid.reject_assistance, _("The assistance was refused."))


@login_required
@require_GET
@capability_required("assistance.approve_record")
def records_pending(request):
    rows = list(selectors.pending_records(actor=request.user)[:200])
    return render(request, "assistance/records_pending.html", {
        "rows": [(r, services_aid.may_decide_record(request.user, r)) for r in rows],
    })


@login_required
@require_GET
def totals(request):
    """Assistance given per county, kind, season, fund source, year or household; in a year,
    or between two dates (`from`, `to`) and in one organization's subtree (`org`, its code) —
    the dashboard's assistance figures link here with those."""
    by = request.GET.get("by", "county")
    if by not in selectors.GROUPINGS:
        by = "county"
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    between = _dates_between(request.GET.get("from"), request.GET.get("to"))
    code = request.GET.get("org", "")
    organization = selectors.visible_organization_by_code(request.user, code) if code else None
    if code and organization is None:
        raise Http404  # a code outside the scope names nothing
    period = between or (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    rows = selectors.assistance_totals(actor=request.user, by=by, year=year, given_between=between, county=organization)
    return render(request, "assistance/totals.html", {
        "rows": rows, "by": by, "year": year, "by_label": GROUPING_LABELS[by], "groupings": [(g, GROUPING_LABELS[g]) for g in selectors.GROUPINGS],
        "total": sum(r["amount"] for r in rows), "records": sum(r["records"] for r in rows),
        "between": between, "organization": organization, "period": period,
        "visits": selectors.visit_figures_between(actor=request.user, period=period, organization=organization),
        "legal": selectors.legal_figures(actor=request.user, year=year),
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
    })


def _dates_between(first: str | None, last: str | None) -> tuple[datetime.date, datetime.date] | None:
    """(first, last) from two yyyy-mm-dd values, or None when either is missing or wrong."""
    try:
        dates = datetime.date.fromisoformat(first or ""), datetime.date.fromisoformat(last or "")
    except ValueError:
        return None
    return dates if dates[0] <= dates[1] else None


@login_required
@require_GET
@capability_required("assistance.export")
def records_export(request):
    """Assistance given in a period as .xlsx (masked unless revealed with the right, logged)."""
    today = timezone.localdate()
    try:
        date_from = datetime.date.fromisoformat(request.GET.get("from") or f"{today.year}-01-01")
        date_to = datetime.date.fromisoformat(request.GET.get("to") or today.isoformat())
    except ValueError:
        date_from, date_to = datetime.date(today.year, 1, 1), today
    unmasked = request.GET.get("unmasked") == "1"
    if unmasked:
        require_capability(request.user, "assistance.reveal")
        exports.log_unmasked_export(actor=request.user, what=_("assistance"), params=request.GET)
    queryset = selectors.records_for_period(actor=request.user, date_from=date_from, date_to=date_to)
    return exports.records_response(queryset, unmasked=unmasked)


# --- visits -------------------------------------------------------------------------------


@login_required
@capability_required("assistance.record")
def visit_create(request, pk: int):
    file = selectors.file_detail(actor=request.user, pk=pk)
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_aid.record_visit(actor=request.user, file=file, data=form.cleaned_data, problems=form.problems())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The visit was recorded."))
            return redirect("assistance:file_detail", pk=file.pk)
    return render(request, "assistance/form_page.html", {"form": form, "file": file,
                                                         "title": _("Record a home visit")})


@login_required
@require_POST
@capability_required("assistance.record")
def problem_advance(request, pk: int):
    problem = selectors.problem_detail(actor=request.user, pk=pk)
    to_status = request.POST.get("to", "")
    if to_status not in ProblemStatus.values:
        to_status = ""
    try:
        services_aid.advance_problem(actor=request.user, problem=problem, to_status=to_status,
                                     resolution=request.POST.get("resolution", ""))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("The problem was updated."))
    return redirect("assistance:file_detail", pk=problem.file_id)


# --- legal aid ----------------------------------------------------------------------------


@login_required
@require_GET
def legal_list(request):
    stage = request.GET.get("stage", "") if request.GET.get("stage") in CaseStage.values else ""
    kind = request.GET.get("dispute_kind", "") if request.GET.get("dispute_kind") in DisputeKind.values else ""
    # The dashboard's figure links here with the union (`org`) and the dates accepted between.
    code = request.GET.get("org", "")
    organization = selectors.visible_organization_by_code(request.user, code) if code else None
    if code and organization is None:
        raise Http404
    between = _dates_between(request.GET.get("opened_from"), request.GET.get("opened_to"))
    cases = selectors.legal_case_list(
        actor=request.user, stage=stage, dispute_kind=kind, q=request.GET.get("q", ""), organization=organization,
        opened_from=between[0] if between else None, opened_to=between[1] if between else None,
    )
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    kept = (("q", request.GET.get("q", "")), ("stage", stage), ("dispute_kind", kind), ("org", code if organization else ""),
            ("opened_from", between[0].isoformat() if between else ""), ("opened_to", between[1].isoformat() if between else ""))
    query = urlencode({k: v for k, v in kept if v})
    return render(request, "assistance/legal_list.html", {
        "page": page, "stage": stage, "dispute_kind": kind, "q": request.GET.get("q", ""), "query": query,
        "stages": CaseStage.choices, "kinds": DisputeKind.choices, "organization": organization, "between": between,
        "can_create": request.user.has_capability("assistance.record"),
    })


@login_required
@capability_required("assistance.record")
def legal_create(request):
    form = LegalCaseForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services_aid.create_legal_case(actor=request.user, organization=form.cleaned_data["organization"],
                                           data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The legal aid case was recorded."))
            return redirect("assistance:legal_list")
    return render(request, "assistance/form_page.html", {
        "form": form, "title": _("New legal aid case"), "back_url": reverse("assistance:legal_list"),
        "back_label": _("Legal aid"),
    })


@login_required
@capability_required("assistance.record")
def legal_edit(request, pk: int):
    case = selectors.legal_case_detail(actor=request.user, pk=pk)
    initial = {f: getattr(case, f) for f in ("worker_name", "dispute_kind", "handler", "stage", "outcome",
                                             "amount_recovered", "opened_on", "closed_on", "summary")}
    form = LegalCaseForm(request.POST or None, actor=request.user, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_aid.update_legal_case(actor=request.user, case=case, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The legal aid case was saved."))
            return redirect("assistance:legal_list")
    return render(request, "assistance/form_page.html", {
        "form": form, "title": _("Legal aid case of %(name)s") % {"name": case.worker_name},
        "back_url": reverse("assistance:legal_list"), "back_label": _("Legal aid"),
    })


# --- campaigns ----------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request):
    campaigns = list(selectors.campaign_list(actor=request.user)[:200])
    return render(request, "assistance/campaign_list.html", {
        "campaigns": campaigns, "can_create": request.user.has_capability("assistance.campaign"),
    })


def _counties(actor):
    return visible_organizations(actor).filter(kind=Organization.Kind.COUNTY_FEDERATION).order_by("path")


@login_required
@capability_required("assistance.campaign")
def campaign_create(request):
    form = CampaignForm(request.POST or None, actor=request.user, counties=_counties(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services_aid.create_campaign(actor=request.user, organizer=form.cleaned_data["organizer"],
                                                    data=form.cleaned_data, allocations=form.allocations())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The campaign was created; now choose its recipients."))
            return redirect("assistance:campaign_detail", pk=campaign.pk)
    return render(request, "assistance/form_page.html", {
        "form": form, "title": _("New four-seasons campaign"), "back_url": reverse("assistance:campaign_list"),
        "back_label": _("Four-seasons campaigns"),
    })


@login_required
@require_GET
def campaign_detail(request, pk: int):
    campaign = selectors.campaign_detail(actor=request.user, pk=pk)
    recipients = Paginator(selectors.campaign_recipients(actor=request.user, campaign=campaign), 100).get_page(
        request.GET.get("page")
    )
    user = request.user
    return render(request, "assistance/campaign_detail.html", {
        "campaign": campaign, "recipients": recipients,
        "reconciliation": selectors.campaign_reconciliation(actor=user, campaign=campaign),
        "candidates": list(selectors.campaign_candidates(actor=user, campaign=campaign, limit=50))
        if user.has_capability("assistance.campaign") else [],
        "can_select": user.has_capability("assistance.campaign"),
        "can_deliver": user.has_capability("assistance.record"),
        "delivery_form": DeliveryForm(initial={"delivered_by": user.get_full_name() or user.get_username()}),
        "worker_form": WorkerRecipientForm(actor=user) if campaign.season == "summer" else None,
    })


@login_required
@require_POST
@capability_required("assistance.campaign")
def campaign_select(request, pk: int):
    campaign = selectors.campaign_detail(actor=request.user, pk=pk)
    candidates = selectors.campaign_candidates(actor=request.user, campaign=campaign, limit=5000)
    wanted = set(request.POST.getlist("file"))
    files = [f for f in candidates if request.POST.get("all") == "1" or str(f.pk) in wanted]
    added = services_aid.select_campaign_files(actor=request.user, campaign=campaign, files=files)
    messages.success(request, _("%(count)d households were added.") % {"count": added})
    return redirect("assistance:campaign_detail", pk=pk)


@login_required
@require_POST
@capability_required("assistance.campaign")
def campaign_add_worker(request, pk: int):
    campaign = selectors.campaign_detail(actor=request.user, pk=pk)
    form = WorkerRecipientForm(request.POST, actor=request.user)
    if form.is_valid() and form.cleaned_data.get("organization"):
        try:
            services_aid.add_worker_recipient(actor=request.user, campaign=campaign,
                                              organization=form.cleaned_data["organization"],
                                              name=form.cleaned_data["name"],
                                              worker_note=form.cleaned_data["worker_note"])
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("The worker was added."))
    else:
        show_errors(request, form)
    return redirect("assistance:campaign_detail", pk=pk)


@login_required
@require_POST
@capability_required("assistance.record")
def campaign_deliver(request, pk: int):
    recipient = selectors.recipient_detail(actor=request.user, pk=pk)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            services_aid.deliver_to_recipient(actor=request.user, recipient=recipient, data=form.cleaned_data)
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("The delivery to %(name)s was recorded.") % {"name": recipient.name})
    else:
        show_errors(request, form)
    return redirect("assistance:campaign_detail", pk=recipient.campaign_id)
