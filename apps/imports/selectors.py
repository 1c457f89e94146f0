"""Reads of upload jobs, always from the user's scope."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from apps.imports.models import ImportJob, ImportRow
from apps.organizations.scope import get_visible_or_404, scope_queryset

from .registry import UploadKind, upload_kinds


def visible_import_jobs(*, actor, kind: str) -> QuerySet[ImportJob]:
    return scope_queryset(ImportJob.objects.filter(kind=kind), actor).select_related(
        "organization", "uploaded_by", "committed_by"
    )


def get_import_job(*, actor, kind: str, pk: int) -> ImportJob:
    """The job, or 404 when it does not exist or its organization is outside the actor's scope."""
    return get_visible_or_404(visible_import_jobs(actor=actor, kind=kind), actor, pk=pk)


def import_rows(*, job: ImportJob, outcome: str) -> QuerySet[ImportRow]:
    """Rows of one outcome in file order (index core_importrow_outcome_idx)."""
    return ImportRow.objects.filter(job=job, outcome=outcome).order_by("row_number")


def error_messages_by_row(*, job: ImportJob) -> dict[int, str]:
    """Row number → "column: message; …" for the error report."""
    rows = import_rows(job=job, outcome=ImportRow.Outcome.ERROR).values_list("row_number", "messages")
    return {
        number: "; ".join(f"{column}: {message}" if column else message for column, message in messages)
        for number, messages in rows.iterator(chunk_size=5000)
    }


# --- for the start page -------------------------------------------------------------------


def uploads_for(actor) -> list[UploadKind]:
    """The upload kinds the actor holds the right for (roster, employer ledger, ...)."""
    return [kind for kind in upload_kinds() if actor.has_capability(kind.importer.capability)]


@dataclass(frozen=True)
class UploadPage:
    label: str
    url: str


def upload_pages(*, actor) -> list[UploadPage]:
    """Where the actor uploads: one page per upload kind they may use."""
    return [UploadPage(label=str(kind.label), url=reverse(f"{kind.url_prefix}upload")) for kind in uploads_for(actor)]


@dataclass(frozen=True)
class RecentUpload:
    job: ImportJob
    url: str  # the job's page


def recent_uploads(*, actor, limit: int = 5) -> list[RecentUpload]:
    """The newest uploads in the actor's scope, of the kinds they may upload; one query
    (newest first along the created_at index)."""
    kinds = {kind.code: kind for kind in uploads_for(actor)}
    if not kinds:
        return []
    jobs = scope_queryset(ImportJob.objects.filter(kind__in=kinds), actor).select_related("organization", "uploaded_by")
    return [
        RecentUpload(job=job, url=reverse(f"{kinds[job.kind].url_prefix}detail", args=[job.pk]))
        for job in jobs.order_by("-created_at", "-id")[:limit]
    ]
