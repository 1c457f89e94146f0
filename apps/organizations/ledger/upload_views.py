"""Employer ledger upload pages: template download and upload form, then the shared job pages
of apps.core.imports (progress, preview, commit, error report)."""

import tempfile

from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from apps.core.imports import views as job_views
from apps.core.models import ImportJob
from apps.core.permissions import CapabilityRequiredMixin
from apps.core.scoping import visible_organizations
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


class EmployerUploadView(EmployerImportMixin, job_views.ImportUploadView):
    """Uploads go into a county/district federation (or the city for city staff): every row
    must lie in it, so a county clerk cannot upload into another county."""

    template_name = "organizations/ledger/upload.html"

    def organizations(self):
        return visible_organizations(self.request.user).filter(kind__in=UPLOAD_KINDS).order_by("path")


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
