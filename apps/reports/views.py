"""The download centre: the user's reports and their scope's scheduled ones, the request
form, each report's row (polled while it is generated) and the scoped download."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.forms import add_service_errors
from apps.core.paging import page_number
from apps.core.permissions import capability_required

from . import selectors, services
from .forms import ReportRequestForm
from .generation import titles
from .kinds import report_kinds

FORMATS = {"xlsx": "xlsx_file", "pdf": "pdf_file"}


def _form(request, data=None) -> ReportRequestForm | None:
    if not request.user.has_capability("reports.request"):
        return None
    form = ReportRequestForm(data, user=request.user)
    form.helper = FormHelper()
    form.helper.form_id = "report-request"
    form.helper.add_input(Submit("submit", _("Generate")))
    return form


@login_required
@capability_required("reports.view")
def centre(request):
    """GET: the list and the form; POST: ask for a report (the service checks right and scope)."""
    form = _form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                report, created = services.request_report(
                    actor=request.user, kind=data["kind"], organization=data["organization"],
                    period_start=data["period_start"], period_end=data["period_end"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if created:
                    messages.success(request, _("The report is being generated; it appears in the list below."))
                else:
                    messages.info(request, _("This report is already being generated: it is the one in the list."))
                return redirect(f"{request.path}#report-{report.pk}")
    page = page_number(request)
    reports, has_next = selectors.centre_page(actor=request.user, page=page)
    return render(request, "reports/centre.html", {
        "form": form, "reports": reports, "page": page, "has_next": has_next, "kinds": report_kinds(),
    })


@login_required
@capability_required("reports.view")
def report_row(request, pk: int):
    """The report's row in the list; htmx polls it every 2 s while the report is generated
    (and only then: the poll stops with the generation, so it cannot keep a session alive)."""
    report = selectors.report_detail(actor=request.user, pk=pk)
    return render(request, "reports/_row.html", {"report": report})


@login_required
@capability_required("reports.view")
def report_download(request, pk: int, fmt: str):
    """A report's file: only through here (private storage), only in the report's scope (404 outside)."""
    report = selectors.report_detail(actor=request.user, pk=pk)
    stored = getattr(report, FORMATS[fmt]) if fmt in FORMATS else None
    if not stored or report.status != report.Status.DONE or report.is_expired:
        raise Http404
    title, subtitle = titles(report)
    filename = f"{title}-{report.organization.name}-{report.period_label}.{fmt}".replace(" ", "")
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
