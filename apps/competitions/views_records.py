"""Honors, all-staff innovation enterprises with the special fund, and the statistics page."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from apps.core.forms import add_service_errors
from apps.core.permissions import capability_required
from apps.core.validators import normalize_credit_code
from apps.employers.selectors import employers_visible_to
from apps.members.selectors import member_detail
from apps.organizations.scope import visible_organizations

from . import exports, selectors, services
from .choices import EnterpriseLevel, HonorLevel, Kind, Level
from .forms import (
    EnterpriseFilter,
    EnterpriseForm,
    HonorFilter,
    HonorForm,
    OutcomeForm,
    PaymentFilter,
    PaymentForm,
    StatisticsForm,
)
from .tables import EnterpriseTable, HonorTable
from .views import PER_PAGE, lazy_page, show_errors, visible_county_from


def _paged(request, table):
    RequestConfig(request, paginate={"paginator_class": LazyPaginator, "per_page": PER_PAGE}).configure(table)
    return table


# --- honors -------------------------------------------------------------------------------


def _honor_filters(request):
    form = HonorFilter(request.GET or None, actor=request.user)
    org_code = form.value("org", "")
    organization = visible_organizations(request.user).filter(code=org_code).first() if org_code else None
    kind = form.value("kind")
    filters = selectors.HonorFilters(
        year=form.value("year"), county=visible_county_from(request, form), organization=organization,
        level=form.value("level", ""), kind=kind.pk if kind else None, q=form.value("q", ""))
    unknown = bool(org_code) and organization is None
    return form, filters, unknown


@login_required
@require_GET
def honor_list(request):
    form, filters, unknown = _honor_filters(request)
    rows = selectors.honor_list(actor=request.user, filters=filters)
    table = _paged(request, HonorTable(rows.none() if unknown else rows))
    return render(request, "competitions/honor_list.html", {
        "filter_form": form, "table": table, "query": request.GET.urlencode(), "unknown_organization": unknown,
        "can_create": request.user.has_capability("competitions.honor"),
        "can_export": request.user.has_capability("competitions.export"),
    })


@login_required
@capability_required("competitions.export")
@require_GET
def honor_export(request):
    _form, filters, unknown = _honor_filters(request)
    rows = selectors.honor_list(actor=request.user, filters=filters)
    return exports.honors_response(rows.none() if unknown else rows)


@login_required
@capability_required("competitions.honor")
def honor_create(request):
    form = HonorForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_honor(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The honor was recorded."))
            return redirect("competitions:honor_list")
    return render(request, "competitions/form_page.html", {"form": form, "title": _("Record an honor")})


@login_required
@require_GET
def member_honors(request, pk: int):
    """The honors panel of a member's page (registered in CompetitionsConfig.ready())."""
    member = member_detail(actor=request.user, pk=pk)
    return render(request, "competitions/_member_honors.html", {"honors": list(selectors.member_honors(member=member))})


# --- innovation enterprises and the fund ----------------------------------------------------


def _enterprise_filters(request):
    form = EnterpriseFilter(request.GET or None, actor=request.user)
    return form, selectors.EnterpriseFilters(year=form.value("year"), county=visible_county_from(request, form),
                                             level=form.value("level", ""), q=form.value("q", ""))


@login_required
@require_GET
def enterprise_list(request):
    form, filters = _enterprise_filters(request)
    table = _paged(request, EnterpriseTable(selectors.enterprise_list(actor=request.user, filters=filters)))
    fund = services.the_fund()
    return render(request, "competitions/enterprise_list.html", {
        "filter_form": form, "table": table, "query": request.GET.urlencode(),
        "fund": fund, "position": services.fund_position(fund) if fund else None,
        "can_create": request.user.has_capability("competitions.innovation"),
        "can_export": request.user.has_capability("competitions.export"),
    })


@login_required
@capability_required("competitions.export")
@require_GET
def enterprise_export(request):
    _form, filters = _enterprise_filters(request)
    return exports.enterprises_response(selectors.enterprise_list(actor=request.user, filters=filters))


@login_required
@capability_required("competitions.innovation")
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            code = normalize_credit_code(data["credit_code"])
        except ValidationError as exc:
            form.add_error("credit_code", exc)
        else:
            employer = employers_visible_to(request.user).filter(social_credit_code=code).first()
            if employer is None:
                form.add_error("credit_code", _("No employer unit with this credit code in your scope."))
            else:
                try:
                    enterprise = services.name_innovation_enterprise(
                        actor=request.user, employer=employer, level=data["level"], year_named=data["year_named"],
                        granted=data["granted"])
                except ValidationError as exc:
                    add_service_errors(form, exc)
                    if "employer" in getattr(exc, "error_dict", {}):
                        form.add_error("credit_code", exc.error_dict["employer"])
                else:
                    messages.success(request, _("The enterprise was named."))
                    return redirect("competitions:enterprise_detail", pk=enterprise.pk)
    return render(request, "competitions/form_page.html", {"form": form, "title": _("Name an all-staff innovation enterprise")})


@login_required
@require_GET
def enterprise_detail(request, pk: int):
    user = request.user
    enterprise = selectors.enterprise_detail(actor=user, pk=pk)
    payments = list(selectors.payment_list(actor=user, filters=selectors.PaymentFilters(enterprise=enterprise)))
    paid = sum((p.amount for p in payments), 0)
    fund = services.the_fund()
    return render(request, "competitions/enterprise_detail.html", {
        "enterprise": enterprise, "payments": payments, "paid": paid, "unpaid": enterprise.granted - paid,
        "outcomes": list(selectors.enterprise_outcomes(enterprise=enterprise)),
        "position": services.fund_position(fund) if fund else None,
        "payment_form": PaymentForm(auto_id="pay_%s") if user.has_capability("competitions.fund") else None,
        "outcome_form": OutcomeForm(auto_id="out_%s") if user.has_capability("competitions.manage") else None,
    })


def _enterprise_action(request, pk, form_class, run, done):
    enterprise = selectors.enterprise_detail(actor=request.user, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        show_errors(request, form)
    else:
        try:
            run(enterprise, form.cleaned_data)
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, done)
    return redirect("competitions:enterprise_detail", pk=enterprise.pk)


@login_required
@capability_required("competitions.fund")
@require_POST
def payment_add(request, pk: int):
    return _enterprise_action(request, pk, PaymentForm, lambda e, d: services.record_fund_payment(
        actor=request.user, enterprise=e, **d), _("The payment was recorded."))


@login_required
@capability_required("competitions.manage")
@require_POST
def outcome_add(request, pk: int):
    return _enterprise_action(request, pk, OutcomeForm, lambda e, d: services.report_outcome(
        actor=request.user, enterprise=e, **d), _("The outcome was reported."))


def _payment_filters(request):
    form = PaymentFilter(request.GET or None, actor=request.user)
    return form, selectors.PaymentFilters(year=form.value("year"), county=visible_county_from(request, form),
                                          dates=form.dates())


@login_required
@require_GET
def fund_ledger(request):
    """The special fund's payments in scope, with the fund's position."""
    form, filters = _payment_filters(request)
    rows = selectors.payment_list(actor=request.user, filters=filters)
    page = lazy_page(rows, request)
    fund = services.the_fund()
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(request, "competitions/fund_ledger.html", {
        "filter_form": form, "page": page, "query": query, "fund": fund,
        "position": services.fund_position(fund) if fund else None,
        "total": selectors.fund_totals(actor=request.user, year=filters.year, county=filters.county)["paid"]
        if filters.year else None,
        "can_export": request.user.has_capability("competitions.export"),
    })


@login_required
@capability_required("competitions.export")
@require_GET
def fund_ledger_export(request):
    """The payments the ledger lists, with its filters: what the finance office reconciles against."""
    _form, filters = _payment_filters(request)
    return exports.payments_response(selectors.payment_list(actor=request.user, filters=filters))


# --- statistics -----------------------------------------------------------------------------


def _link(name: str, **query) -> str:
    return f"{_reversed(name)}?{urlencode({k: v for k, v in query.items() if v not in (None, '')})}"


def _reversed(name: str, _cache={}) -> str:  # noqa: B006 - the URL conf does not change while running
    if name not in _cache:
        _cache[name] = reverse(name)
    return _cache[name]


def statistics_table(rows, year: int) -> list[dict]:
    """Each figure with the URL of the filtered list it counts (the same filters the selectors use)."""
    table = []
    for row in rows:
        county = row.county.code if row.county else ""
        place = {"year": year, "county": county}
        cells = [(row.competitions_by_kind.get(k, 0), _link("competitions:list", kind=k, **place)) for k in Kind.values]
        cells += [(row.competitions_by_level.get(v, 0), _link("competitions:list", level=v, **place))
                  for v in Level.values]
        cells += [(row.organizations, _link("competitions:participation_list", **place)),
                  (row.people_times, _link("competitions:participation_list", **place))]
        cells += [(row.honors_by_level.get(v, 0), _link("competitions:honor_list", level=v, **place))
                  for v in HonorLevel.values]
        cells += [(row.enterprises_by_level.get(v, 0), _link("competitions:enterprise_list", level=v, **place))
                  for v in EnterpriseLevel.values]
        cells += [(row.granted, _link("competitions:enterprise_list", **place)),
                  (row.paid, _link("competitions:fund_ledger", **place))]
        label = (row.county.name if row.county.kind != "city_federation" else _("%(name)s (city level)")
                 % {"name": row.county.name}) if row.county else _("total")
        table.append({"label": label, "total": row.county is None, "cells": cells})
    return table


@login_required
@require_GET
def statistics(request):
    this_year = datetime.date.today().year
    form = StatisticsForm(request.GET or {"year": this_year})
    year = form.cleaned_data["year"] if form.is_valid() else this_year
    rows = selectors.statistics(actor=request.user, year=year)
    return render(request, "competitions/statistics.html", {
        "form": form, "year": year, "table": statistics_table(rows, year),
        "kinds": Kind.choices, "levels": Level.choices, "honor_levels": HonorLevel.choices,
        "enterprise_levels": EnterpriseLevel.choices,
    })
