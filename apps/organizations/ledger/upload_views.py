"""Employer ledger upload pages: template download and upload form, then the shared job pages
of apps.core.imports (progress, preview, commit, error report)."""

import tempfile

from django import forms
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from apps.core.imports import views as job_views
from apps.core.imports.selectors import visible_import_jobs
from apps.core.imports.services import ImportRefused, create_import_job
from apps.core.models import ImportJob
from apps.core.permissions import CapabilityRequiredMixin
from apps.core.scoping import get_visible_or_404, visible_organizations
from apps.core.spreadsheets.reader import limit, size_limit_message
from apps.core.spreadsheets.writer import SafeWorkbook

from ..models import Organization
from .upload_columns import EMPLOYER_COLUMNS

UPLOAD_KINDS = (Organization.Kind.CITY_FEDERATION, Organization.Kind.COUNTY_FEDERATION)


class EmployerImportMixin:
    kind = ImportJob.Kind.EMPLOYERS
    capability = "employers.upload"
    url_prefix = "organizations:employer_import_"
    preview_columns = [
        ("name", gettext_lazy("name")),
        ("social_credit_code", gettext_lazy("unified social credit code")),
        ("county_name", gettext_lazy("county/district")),
        ("headcount", gettext_lazy("headcount")),
        ("new_sector_kind", gettext_lazy("new sector kind")),
        ("covering_union_name", gettext_lazy("covering union")),
        ("union_established_on", gettext_lazy("union established on")),
    ]


class EmployerUploadForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        label=gettext_lazy("upload into"),
        help_text=gettext_lazy(
            "Your county/district; city staff may upload for the whole city (then every row "
            "names its county/district)."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("ledger file"),
        help_text=gettext_lazy("An .xlsx or .csv file (UTF-8 or GBK) laid out like the template."),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > limit("IMPORT_MAX_FILE_BYTES"):
            raise forms.ValidationError(size_limit_message())
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class EmployerUploadView(EmployerImportMixin, CapabilityRequiredMixin, FormView):
    template_name = "organizations/ledger/upload.html"
    form_class = EmployerUploadForm

    def get_form_kwargs(self):
        organizations = (
            visible_organizations(self.request.user).filter(kind__in=UPLOAD_KINDS).order_by("path")
        )
        return {**super().get_form_kwargs(), "organizations": organizations}

    def get_initial(self):
        return {"organization": getattr(self.request.user.organization, "code", None)}

    def post(self, request, *args, **kwargs):
        code = request.POST.get("organization")
        if code:
            # Another county does not exist for a county clerk: 404, as for any row outside scope.
            get_visible_or_404(Organization.objects.all(), request.user, via="", code=code)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            job = create_import_job(
                kind=self.kind,
                organization=form.cleaned_data["organization"],
                uploaded_by=self.request.user,
                uploaded_file=form.cleaned_data["file"],
            )
        except ImportRefused as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        messages.info(self.request, _("The file was received and is being checked."))
        return redirect("organizations:employer_import_detail", job.pk)

    def get_context_data(self, **kwargs):
        recent = visible_import_jobs(actor=self.request.user, kind=self.kind)[:20]
        return super().get_context_data(recent=recent, **kwargs)


def write_employer_template(target) -> None:
    """Chinese headers, the credit code column as text, and a sheet explaining each column."""
    with SafeWorkbook(target, constant_memory=False) as book:
        data = book.add_sheet("单位台账")
        for position, column in enumerate(EMPLOYER_COLUMNS):
            data.sheet.set_column(
                position, position, 22 if column.text else 14, book.text_format if column.text else None
            )
        data.write_row([c.header for c in EMPLOYER_COLUMNS], book.header_format)
        data.sheet.freeze_panes(1, 0)
        notes = book.add_sheet("填写说明")
        notes.set_widths([16, 22, 10, 90])
        notes.write_row([_("Column"), "English", _("Required"), _("How to fill it in")], book.header_format)
        for column in EMPLOYER_COLUMNS:
            notes.write_row(
                [column.header, column.english, _("yes") if column.required else _("no"), str(column.help)]
            )


class EmployerTemplateView(EmployerImportMixin, CapabilityRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        handle = tempfile.TemporaryFile()
        write_employer_template(handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename="单位台账模板.xlsx")


class EmployerJobView(EmployerImportMixin, job_views.ImportJobDetailView):
    pass


class EmployerProgressView(EmployerImportMixin, job_views.ImportJobProgressView):
    pass


class EmployerCommitView(EmployerImportMixin, job_views.ImportJobCommitView):
    pass


class EmployerErrorsView(EmployerImportMixin, job_views.ImportJobErrorsView):
    pass
