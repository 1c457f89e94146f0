"""Generating one report: claim the try, build its tables through the kinds' builders, write
its files to private storage, and finish — or leave the try to attempts.py.

The figures and headers are written in Chinese (the federation's forms), whatever language
the requester's pages are in.
"""

import datetime
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import attempts
from .kinds import BuildContext, Table, report_kind
from .models import Report
from .output import write_pdf, write_xlsx
from .viewer import ScopeViewer

logger = logging.getLogger(__name__)
FORM_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class Outcome:
    status: str
    resend: attempts.Resend | None = None


def _cell(value) -> dict:
    if isinstance(value, Decimal):
        return {"text": f"{value:.2f}", "number": True}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"text": str(value), "number": True}
    if isinstance(value, datetime.date):
        return {"text": f"{value:%Y-%m-%d}", "number": False}
    return {"text": "" if value is None else str(value), "number": False}


def _printable(tables: list[Table]) -> list[dict]:
    return [{"title": t.title, "headers": t.headers, "notes": t.notes,
             "rows": [[_cell(v) for v in row] for row in t.rows],
             "total": [_cell(v) for v in t.total] if t.total is not None else None} for t in tables]


def titles(report: Report) -> tuple[str, str]:
    return str(report_kind(report.kind).label), f"{report.organization.name} · {report.period_label}"


def generate(*, report_id: int, attempt: int | None = None) -> Outcome:
    """One try of the report's generation (the task's and the command's body)."""
    token = attempts.claim(report_id=report_id, attempt=attempt)
    if token is None:
        return Outcome("skipped")
    report = Report.objects.select_related("organization").get(pk=report_id)
    kind = report_kind(report.kind)
    pause = settings.REPORTS_STEP_PAUSE_SECONDS

    def progress(percent: int) -> None:
        if pause:
            time.sleep(pause)  # tests that must catch a generation halfway slow it down
        attempts.beat(report_id=report_id, token=token, progress=max(1, min(int(percent), 95)))

    ctx = BuildContext(viewer=ScopeViewer(report.organization), organization=report.organization,
                       start=report.period_start, end=report.period_end, progress=progress)
    try:
        with translation.override(FORM_LANGUAGE), tempfile.TemporaryDirectory() as folder:
            progress(1)
            tables = kind.build(ctx)
            title, subtitle = titles(report)
            base = f"{report.kind}-{report.organization.code}-{report.period_start:%Y%m%d}-{report.pk}"
            xlsx_path = os.path.join(folder, base + ".xlsx")
            if kind.has_pdf:
                tables = [Table(t.title, t.headers, list(t.rows), t.notes, t.widths, t.total) for t in tables]
            write_xlsx(xlsx_path, title=title, subtitle=subtitle, tables=tables)
            progress(96)
            pdf_path = None
            if kind.has_pdf:
                pdf_path = os.path.join(folder, base + ".pdf")
                footer = _("Generated from the portal's records at %(when)s.") % {
                    "when": f"{timezone.localtime():%Y-%m-%d %H:%M}"}
                write_pdf(pdf_path, template=kind.pdf_template, context={
                    "title": title, "subtitle": subtitle, "tables": _printable(tables), "footer": footer})
            return _finish(report, token, xlsx_path, pdf_path)
    except attempts.Superseded:
        logger.info("report %s: try %s superseded; stopped", report_id, token)
        return Outcome("superseded")
    except Exception as error:  # any failure of a try: retried with backoff, then failed with a reason
        logger.exception("report %s: try %s failed", report_id, token)
        resend = attempts.retry_after_error(report_id=report_id, token=token, error=error)
        return Outcome(Report.Status.QUEUED if resend else Report.Status.FAILED, resend)


def _finish(report: Report, token: int, xlsx_path: str, pdf_path: str | None) -> Outcome:
    storage = Report.xlsx_file.field.storage
    stored = []
    with open(xlsx_path, "rb") as handle:
        report.xlsx_file.save(os.path.basename(xlsx_path), File(handle), save=False)
        stored.append(report.xlsx_file.name)
    if pdf_path:
        with open(pdf_path, "rb") as handle:
            report.pdf_file.save(os.path.basename(pdf_path), File(handle), save=False)
            stored.append(report.pdf_file.name)
    now = timezone.now()
    with transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING, attempts=token).update(
            status=Report.Status.DONE, progress=100, heartbeat_at=now, finished_at=now,
            xlsx_file=report.xlsx_file.name, pdf_file=report.pdf_file.name if pdf_path else "",
            expires_at=now + datetime.timedelta(days=settings.REPORTS_KEEP_DAYS), failure="",
        )
    if not updated:  # superseded while writing: its files belong to no report
        for name in stored:
            storage.delete(name)
        return Outcome("superseded")
    return Outcome(Report.Status.DONE)
