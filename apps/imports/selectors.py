"""Reads of upload jobs, always from the user's scope."""

from django.db.models import QuerySet

from apps.imports.models import ImportJob, ImportRow
from apps.organizations.scope import get_visible_or_404, scope_queryset


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
