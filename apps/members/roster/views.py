"""Roster upload pages: template download and upload form, then the shared job pages of
apps.core.imports (progress, preview, commit, error report)."""

import tempfile

from django.http import FileResponse
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from apps.core.imports import views as job_views
from apps.core.models import ImportJob
from apps.core.permissions import CapabilityRequiredMixin

from .template_file import write_roster_template


class RosterMixin:
    kind = ImportJob.Kind.ROSTER
    capability = "members.upload"
    url_prefix = "members:roster_"
    preview_columns = [
        ("name", pgettext_lazy("person", "name")),
        ("id_number", gettext_lazy("resident ID number")),
        ("sex", gettext_lazy("sex")),
        ("phone", gettext_lazy("mobile phone")),
        ("employer_name", gettext_lazy("employer")),
        ("joined_on", gettext_lazy("joined on")),
    ]


class RosterUploadView(RosterMixin, job_views.ImportUploadView):
    template_name = "members/roster/upload.html"


class RosterTemplateView(RosterMixin, CapabilityRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        handle = tempfile.TemporaryFile()
        write_roster_template(handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename="会员名册模板.xlsx")


class RosterJobView(RosterMixin, job_views.ImportJobDetailView):
    pass


class RosterProgressView(RosterMixin, job_views.ImportJobProgressView):
    pass


class RosterCommitView(RosterMixin, job_views.ImportJobCommitView):
    pass


class RosterErrorsView(RosterMixin, job_views.ImportJobErrorsView):
    pass
