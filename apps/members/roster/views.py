"""Roster upload pages: template download, upload form, then the shared job pages of
apps.core.imports (progress, preview, commit, error report)."""

import tempfile

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
from apps.organizations.models import Organization

from .forms import RosterUploadForm
from .template_file import write_roster_template


class RosterMixin:
    kind = ImportJob.Kind.ROSTER
    capability = "members.upload"
    url_prefix = "members:roster_"
    preview_columns = [
        ("name", gettext_lazy("name")),
        ("id_number", gettext_lazy("resident ID number")),
        ("sex", gettext_lazy("sex")),
        ("phone", gettext_lazy("mobile phone")),
        ("employer_name", gettext_lazy("employer")),
        ("joined_on", gettext_lazy("joined on")),
    ]


class RosterUploadView(RosterMixin, CapabilityRequiredMixin, FormView):
    template_name = "members/roster/upload.html"
    form_class = RosterUploadForm

    def organizations(self):
        return visible_organizations(self.request.user).order_by("path")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organizations": self.organizations()}

    def get_initial(self):
        code = self.request.GET.get("org") or getattr(self.request.user.organization, "code", None)
        return {"organization": code}

    def post(self, request, *args, **kwargs):
        code = request.POST.get("organization")
        if code:
            # A union outside the uploader's scope does not exist for them: 404, as for any row.
            get_visible_or_404(Organization.objects.all(), request.user, via="", code=code)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            job = create_import_job(
                kind=self.kind, organization=form.cleaned_data["organization"], uploaded_by=self.request.user,
                uploaded_file=form.cleaned_data["file"],
            )
        except ImportRefused as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        messages.info(self.request, _("The file was received and is being checked."))
        return redirect("members:roster_detail", job.pk)

    def get_context_data(self, **kwargs):
        recent = visible_import_jobs(actor=self.request.user, kind=self.kind)[:20]
        return super().get_context_data(recent=recent, **kwargs)


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
