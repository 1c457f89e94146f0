"""Generic views of an upload job, shared by every upload kind (roster, employer ledger).

A kind's urls.py subclasses these with `kind`, `capability`, `url_prefix` (its URL names
are f"{url_prefix}{name}" for upload, detail, progress, commit, recheck, errors) and, for the
preview table, `preview_columns`. Jobs outside the user's scope answer 404; a user
without the capability gets 403.
"""

import tempfile

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from apps.core.permissions import CapabilityRequiredMixin
from apps.imports.models import ImportJob, ImportRow
from apps.organizations.models import Organization
from apps.organizations.scope import get_visible_or_404

from .forms import ImportUploadForm
from .importer import importer_class
from .registry import UploadKind, upload_kind
from .reports import write_error_report
from .retention import is_purged, keep_days
from .selectors import get_import_job, import_rows, visible_import_jobs
from .services import ImportRefused, create_import_job, recheck_import, request_commit

PAGE_SIZE = 50


class ImportJobMixin(CapabilityRequiredMixin):
    """The pages of one upload kind: `as_view(kind="roster")` (see upload_urlpatterns)."""

    kind: str = ""

    @property
    def upload(self) -> UploadKind:
        return upload_kind(self.kind)

    @property
    def capability(self) -> str:
        return self.upload.importer.capability

    def get_job(self) -> ImportJob:
        return get_import_job(actor=self.request.user, kind=self.kind, pk=self.kwargs["pk"])

    def url(self, name: str, job: ImportJob | None = None) -> str:
        return reverse(f"{self.upload.url_prefix}{name}", args=[job.pk] if job else [])

    def job_urls(self, job: ImportJob) -> dict[str, str]:
        return {name: self.url(name, job) for name in ("detail", "progress", "commit", "recheck", "errors")} | {
            "upload": self.url("upload")
        }


class ImportUploadView(ImportJobMixin, FormView):
    """The upload form; the job is validated in the background, the user lands on its page.

    The kind's page explains its own file; its organization kinds narrow where an upload
    may go. A posted organization outside the user's scope answers 404.
    """

    form_class = ImportUploadForm

    def get_template_names(self):
        return [self.upload.upload_template]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user, "kinds": self.upload.organization_kinds}

    def get_initial(self):
        code = self.request.GET.get("org") or getattr(self.request.user.organization, "code", None)
        return {"organization": code}

    def post(self, request, *args, **kwargs):
        code = request.POST.get("organization")
        if code:
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
        return redirect(self.url("detail", job))

    def get_context_data(self, **kwargs):
        recent = list(visible_import_jobs(actor=self.request.user, kind=self.kind)[:20])
        recent_jobs = [(job, self.url("detail", job)) for job in recent]
        return super().get_context_data(recent=recent, recent_jobs=recent_jobs, **kwargs)


class ImportJobDetailView(ImportJobMixin, TemplateView):
    """Progress while validating; then the preview: counts, a tab per outcome, the rows."""

    template_name = "imports/job.html"

    def get_context_data(self, **kwargs):
        job = self.get_job()
        counts = job.summary.get("counts", {})
        tab = self.request.GET.get("tab") or self._first_tab(counts)
        if tab not in ImportRow.Outcome.values:
            tab = ImportRow.Outcome.NEW
        importer = importer_class(job.kind)(job=job)
        page = Paginator(import_rows(job=job, outcome=tab), PAGE_SIZE).get_page(self.request.GET.get("page"))
        headers = job.summary.get("columns", {})
        rows = [self._row(row, importer.describe(row.data), headers) for row in page.object_list]
        tabs = [(value, label, counts.get(value, 0)) for value, label in ImportRow.Outcome.choices]
        return super().get_context_data(
            job=job, urls=self.job_urls(job), tabs=tabs, tab=tab, page=page, rows=rows,
            columns=self.upload.preview_columns, purged=is_purged(job), keep_days=keep_days(), **kwargs,
        )

    def _row(self, row: ImportRow, values: dict, headers: dict) -> dict:
        shown = {
            "number": row.row_number,
            "values": ["" if values.get(f) is None else values.get(f) for f, _label in self.upload.preview_columns],
            "messages": row.messages,
        }
        if row.outcome == ImportRow.Outcome.UPDATED:
            # Updated rows list the fields that change, named by the file's own headers.
            shown["changed"] = ", ".join(headers.get(f, f) for f, _msg in row.messages)
        return shown

    @staticmethod
    def _first_tab(counts: dict) -> str:
        if counts.get(ImportRow.Outcome.ERROR):
            return ImportRow.Outcome.ERROR
        for value in ImportRow.Outcome.values:
            if counts.get(value):
                return value
        return ImportRow.Outcome.NEW


class ImportJobProgressView(ImportJobMixin, TemplateView):
    """The htmx-polled progress bar; once validation or commit is over it asks htmx to reload the page."""

    template_name = "imports/_progress.html"

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        if not job.is_running and request.htmx:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return self.render_to_response({"job": job, "urls": self.job_urls(job)})


class _ImportJobActionView(ImportJobMixin, View):
    """A button on the job's page: the service's answer as a message, back to the page."""

    def act(self, job: ImportJob) -> tuple[ImportJob, str]:
        """Call the service; return the job and what to tell the user ("" for nothing)."""
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        job = self.get_job()
        try:
            job, done = self.act(job)
        except ImportRefused as exc:
            messages.error(request, str(exc))
        else:
            if done:
                messages.info(request, done)
        return redirect(self.url("detail", job))


class ImportJobCommitView(_ImportJobActionView):
    """Ask for the commit; a worker writes it while the job's page shows the progress."""

    def act(self, job):
        job = request_commit(job=job, actor=self.request.user)
        committing = job.status == ImportJob.Status.COMMITTING
        return job, _("The upload is being committed; this page follows it.") if committing else ""


class ImportJobRecheckView(_ImportJobActionView):
    """"Check again" on a failed job: its stored file is validated once more from the start."""

    def act(self, job):
        return recheck_import(job=job, actor=self.request.user), _("The file is being checked again.")


class ImportJobErrorsView(ImportJobMixin, View):
    """The uploaded sheet with an added error column, as .xlsx."""

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        if is_purged(job):
            raise Http404  # the rows and the file are gone (retention.py)
        handle = tempfile.TemporaryFile()
        write_error_report(job=job, target=handle)
        handle.seek(0)
        stem = job.original_name.rsplit(".", 1)[0]
        return FileResponse(handle, as_attachment=True, filename=f"{stem}-errors.xlsx")


class ImportTemplateView(ImportJobMixin, View):
    """The kind's .xlsx template."""

    def get(self, request, *args, **kwargs):
        handle = tempfile.TemporaryFile()
        self.upload.write_template(handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=self.upload.template_filename)


def upload_urlpatterns(*, kind: str, path_prefix: str, name_prefix: str) -> list:
    """The seven pages of an upload kind, to include in the owning app's URLconf:
    upload, template, detail, progress, commit, recheck, errors (named name_prefix + page)."""
    return [
        path(f"{path_prefix}", ImportUploadView.as_view(kind=kind), name=f"{name_prefix}upload"),
        path(f"{path_prefix}template.xlsx", ImportTemplateView.as_view(kind=kind), name=f"{name_prefix}template"),
        path(f"{path_prefix}<int:pk>/", ImportJobDetailView.as_view(kind=kind), name=f"{name_prefix}detail"),
        path(f"{path_prefix}<int:pk>/progress/", ImportJobProgressView.as_view(kind=kind),
             name=f"{name_prefix}progress"),
        path(f"{path_prefix}<int:pk>/commit/", ImportJobCommitView.as_view(kind=kind), name=f"{name_prefix}commit"),
        path(f"{path_prefix}<int:pk>/recheck/", ImportJobRecheckView.as_view(kind=kind),
             name=f"{name_prefix}recheck"),
        path(f"{path_prefix}<int:pk>/errors.xlsx", ImportJobErrorsView.as_view(kind=kind),
             name=f"{name_prefix}errors"),
    ]
