"""Ledger pages: thin — parse the request, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import LazyPaginator, SingleTableMixin

from apps.core.forms import add_service_errors, form_page
from apps.core.permissions import capability_required, require_capability
from apps.organizations.scope import is_in_scope

from . import exports, selectors, services
from .filters import DemonstrationSiteFilter, EmployerFilter, InstructorFilter
from .forms import DemonstrationSiteForm, EmployerForm, InstructorVisitForm, WorkInstructorForm
from .models import DemonstrationSite, WorkInstructor
from .rates import BRACKETS, SORT_COLUMNS, sort_rows
from .tables import DemonstrationSiteTable, EmployerTable, InstructorTable

PER_PAGE = 50




# --- employers -----------------------------------------------------------------------


class EmployerListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    template_name = "employers/employer_list.html"
    filterset_class = EmployerFilter
    table_class = EmployerTable
    paginator_class = LazyPaginator  # counting 30,000 scoped rows on every page view hurts
    table_pagination = {"per_page": PER_PAGE}

    def get_queryset(self):
        return selectors.employer_list(actor=self.request.user)

    def get_table_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            can_edit=user.has_capability("employers.edit"),
            can_upload=user.has_capability("employers.upload"),
            # The pages stay lazy; one COUNT of the filtered list (30 ms for the whole city).
            employer_count=self.object_list.count(),
            **kwargs,
        )


@login_required
def employer_export(request):
    """The filtered employer list as xlsx: the same filters and scope as the page."""
    filterset = EmployerFilter(
        request.GET, queryset=selectors.employer_list(actor=request.user), request=request
    )
    return exports.employers_response(filterset.qs)


@login_required
def employer_detail(request, pk):
    employer = selectors.get_employer(actor=request.user, pk=pk)
    context = {
        "employer": employer,
        "history": employer.history.select_related("history_user").order_by("-history_date")[:20],
        # Names link to the organization pages the user may open.
        "linked": {
            field: getattr(employer, field)
            for field in ("county", "township", "covering_union")
            if getattr(employer, field) is not None and is_in_scope(request.user, getattr(employer, field))
        },
        "instructors": employer.instructors.select_related("county"),
        "can_edit": request.user.has_capability("employers.edit"),
    }
    return render(request, "employers/employer_detail.html", context)


def _form_page(request, form, *, save, message, detail_url, title):
    return form_page(request, form, save=save, message=message, detail_url=detail_url,
                     template="employers/form.html", context={"title": title})


def _title(instance, new_title):
    return new_title if instance is None or instance.pk is None else _("Edit %(name)s") % {"name": instance}


def _employer_form(request, employer=None):
    def save(form):
        if employer is None:
            return services.create_employer(actor=request.user, **form.cleaned_data)
        return services.update_employer(actor=request.user, employer=employer, **form.cleaned_data)

    form = EmployerForm(request.POST or None, instance=employer, user=request.user)
    return _form_page(
        request,
        form,
        save=save,
        message=_("Employer unit saved."),
        detail_url="employers:employer_detail",
        title=_title(employer, _("New employer unit")),
    )


@login_required
@capability_required("employers.edit")
def employer_create(request):
    return _employer_form(request)


@login_required
@capability_required("employers.edit")
def employer_edit(request, pk):
    return _employer_form(request, selectors.get_employer(actor=request.user, pk=pk))


# --- establishment rate ------------------------------------------------------------------


def _rate_context(request, rows, total, **extra):
    sort = request.GET.get("sort", "")
    return {
        "rows": sort_rows(rows, sort),
        "total": total,
        "brackets": BRACKETS,
        "sort": sort,
        "sort_columns": SORT_COLUMNS,
        **extra,
    }


@login_required
def establishment_rate(request):
    rows, total = selectors.county_rate_table(actor=request.user)
    context = _rate_context(
        request,
        rows,
        total,
        title=_("Union establishment rate"),
        group_label=_("county/district"),
        export_url="employers:rate_export",
    )
    return render(request, "employers/rates.html", context)


@login_required
def establishment_rate_export(request):
    rows, total = selectors.county_rate_table(actor=request.user)
    return exports.rates_response(
        rows, total, group_label=_("county/district"), filename="establishment-rate"
    )


def _county_param(request):
    code = request.GET.get("county")
    if not code:
        return None
    return get_object_or_404(selectors.visible_counties(request.user), code=code)


@login_required
def new_sector_coverage(request):
    county = _county_param(request)
    rows, total = selectors.new_sector_rate_table(actor=request.user, county=county)
    context = _rate_context(
        request,
        rows,
        total,
        title=_("New-sector coverage"),
        group_label=_("new sector kind"),
        export_url="employers:new_sector_export",
        county=county,
        new_sector=True,
        counties=selectors.visible_counties(request.user),
    )
    return render(request, "employers/rates.html", context)


@login_required
def new_sector_coverage_export(request):
    rows, total = selectors.new_sector_rate_table(actor=request.user, county=_county_param(request))
    return exports.rates_response(
        rows, total, group_label=_("new sector kind"), filename="new-sector-coverage"
    )


# --- work instructors ----------------------------------------------------------------------


class InstructorListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    template_name = "employers/instructor_list.html"
    filterset_class = InstructorFilter
    table_class = InstructorTable
    table_pagination = {"per_page": PER_PAGE}

    def get_queryset(self):
        return selectors.instructor_list(actor=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["per_county"] = selectors.instructor_counts_per_county(actor=self.request.user)
        context["can_edit"] = self.request.user.has_capability("employers.edit")
        return context


@login_required
def instructor_export(request):
    """The filtered work instructors as xlsx: the same filters and scope as the page."""
    filterset = InstructorFilter(request.GET, queryset=selectors.instructor_list(actor=request.user), request=request)
    return exports.instructors_response(filterset.qs)


@login_required
def instructor_detail(request, pk):
    """The instructor, their organizations and visits; staff record a visit here (POST)."""
    instructor = selectors.get_instructor(actor=request.user, pk=pk)
    if request.method == "POST":
        require_capability(request.user, "employers.edit")
    form = None
    if request.user.has_capability("employers.edit"):
        form = InstructorVisitForm(request.POST or None, instructor=instructor)
        if request.method == "POST" and form.is_valid():
            try:
                services.record_instructor_visit(
                    actor=request.user, instructor=instructor, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Visit recorded."))
                return redirect("employers:instructor_detail", pk=instructor.pk)
    return render(
        request, "employers/instructor_detail.html", {"instructor": instructor, "form": form}
    )


def _instructor_form(request, instructor):
    def save(form):
        return services.save_work_instructor(
            actor=request.user, instructor=form.save(commit=False), employers=form.cleaned_data["employers"]
        )

    form = WorkInstructorForm(request.POST or None, instance=instructor, user=request.user)
    return _form_page(
        request,
        form,
        save=save,
        message=_("Work instructor saved."),
        detail_url="employers:instructor_detail",
        title=_title(instructor, _("New work instructor")),
    )


@login_required
@capability_required("employers.edit")
def instructor_create(request):
    return _instructor_form(request, WorkInstructor())


@login_required
@capability_required("employers.edit")
def instructor_edit(request, pk):
    return _instructor_form(request, selectors.get_instructor(actor=request.user, pk=pk))


# --- demonstration sites ---------------------------------------------------------------------


class DemonstrationSiteListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    template_name = "employers/site_list.html"
    filterset_class = DemonstrationSiteFilter
    table_class = DemonstrationSiteTable
    table_pagination = {"per_page": PER_PAGE}

    def get_queryset(self):
        return selectors.demonstration_site_list(actor=self.request.user)

    def get_table_kwargs(self):
        # The edit link only for those who may edit.
        return {} if self.request.user.has_capability("organizations.edit") else {"exclude": ("edit",)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["per_county"] = selectors.demonstration_by_county(actor=self.request.user)
        context["can_edit"] = self.request.user.has_capability("organizations.edit")
        return context


@login_required
def site_export(request):
    """The filtered demonstration sites as xlsx: the same filters and scope as the page."""
    filterset = DemonstrationSiteFilter(
        request.GET, queryset=selectors.demonstration_site_list(actor=request.user), request=request
    )
    return exports.sites_response(filterset.qs)


def _site_form(request, site):
    def save(form):
        return services.save_demonstration_site(actor=request.user, site=form.save(commit=False))

    form = DemonstrationSiteForm(request.POST or None, instance=site, user=request.user)
    return _form_page(
        request,
        form,
        save=save,
        message=_("Demonstration site saved."),
        detail_url="employers:site_edit",
        title=_title(site, _("New demonstration site")),
    )


@login_required
@capability_required("organizations.edit")
def site_create(request):
    return _site_form(request, DemonstrationSite())


@login_required
@capability_required("organizations.edit")
def site_edit(request, pk):
    return _site_form(request, selectors.get_demonstration_site(actor=request.user, pk=pk))
