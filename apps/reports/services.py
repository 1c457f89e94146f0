"""Every write of the reports app: asking for a report, the schedule's reports, retention."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.permissions import require_capability
from apps.organizations.scope import require_in_scope
from apps.organizations.selectors import city_and_county_federations

from .kinds import report_kind
from .models import RUNNING, Report
from .periods import check_period, previous_month


def request_report(
    *, actor, kind: str, organization, period_start: datetime.date, period_end: datetime.date, enqueue: bool = True
) -> tuple[Report, bool]:
    """Ask for a report of `kind` for `organization`'s subtree over the period; returns
    (report, created). Rule: the actor holds reports.request (and the kind's own right — the
    ledger lists households by name), the organization lies in their scope (a field error
    otherwise), the period is the kind's (periods.check_period). Asking while the same
    report (kind, scope, period) is queued or being generated gives that one: the database
    holds at most one (constraint report_one_in_progress), so two clicks at once cannot make two.
    enqueue=False: the caller generates it in its own process (the demo seeder)."""
    require_capability(actor, "reports.request")
    definition = report_kind(kind)
    if definition.capability:
        require_capability(actor, definition.capability)
    require_in_scope(actor, organization=organization)
    check_period(definition.period, period_start, period_end, today=timezone.localdate())
    return _create(kind=kind, organization=organization, period_start=period_start, period_end=period_end,
                   requested_by=actor, scheduled=False, enqueue=enqueue)


def schedule_report(*, kind: str, organization, period_start: datetime.date, period_end: datetime.date,
                    scheduled: bool = True, enqueue: bool = True) -> tuple[Report, bool]:
    """A report the schedule (beat) or the command line (scheduled=False, enqueue=False: it
    generates in its own process) asks for, as nobody: the same rules as request_report but
    the right, which the operator holds."""
    definition = report_kind(kind)
    check_period(definition.period, period_start, period_end, today=timezone.localdate())
    return _create(kind=kind, organization=organization, period_start=period_start, period_end=period_end,
                   requested_by=None, scheduled=scheduled, enqueue=enqueue)


def _in_progress(*, kind, organization, period_start, period_end) -> Report | None:
    return Report.objects.filter(kind=kind, organization=organization, period_start=period_start,
                                 period_end=period_end, status__in=RUNNING).first()


def _create(*, kind, organization, period_start, period_end, requested_by, scheduled, enqueue=True
            ) -> tuple[Report, bool]:
    from .tasks import generate_report_task

    lookup = {"kind": kind, "organization": organization, "period_start": period_start, "period_end": period_end}
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the constraint's refusal leaves the outer transaction usable
                report = Report(**lookup, requested_by=requested_by, scheduled=scheduled,
                                attempts=1, heartbeat_at=timezone.now())  # the first try, due now
                report.full_clean(validate_constraints=False)
                report.save()
        except IntegrityError:
            running = _in_progress(**lookup)
            if running is None:  # finished between the insert and the look: ask again
                raise
            return running, False
        if enqueue:
            generate_report_task.delay(report_id=report.pk, attempt=1)  # sent once this transaction commits
    return report, True


def schedule_monthly_statistics(*, today: datetime.date | None = None) -> list[Report]:
    """The 1st of each month (beat): the previous month's statistics for the city and for each
    county/district. Asking again the same day gives the same reports while they run; a
    second run after they finished makes new ones (the schedule runs once a month)."""
    today = today or timezone.localdate()
    start, end = previous_month(today)
    reports = []
    for organization in city_and_county_federations():
        report, _created = schedule_report(kind="monthly_statistics", organization=organization,
                                           period_start=start, period_end=end)
        reports.append(report)
    return reports


def purge_expired_reports(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of reports kept past REPORTS_KEEP_DAYS; the record stays, shown as
    expired (who asked for which figures when). Returns how many reports lost their files."""
    now = now or timezone.now()
    expired = Report.objects.filter(deleted_at__isnull=True, expires_at__lt=now)
    purged = 0
    for report_id in expired.values_list("pk", flat=True).iterator(chunk_size=500):
        with transaction.atomic():
            report = Report.objects.select_for_update().filter(pk=report_id, deleted_at__isnull=True).first()
            if report is None:
                continue
            names = [f.name for f in (report.xlsx_file, report.pdf_file) if f.name]
            storage = Report.xlsx_file.field.storage
            report.xlsx_file = report.pdf_file = ""
            report.deleted_at = now
            report.save(update_fields=["xlsx_file", "pdf_file", "deleted_at"])
            transaction.on_commit(lambda names=names: [storage.delete(name) for name in names])
        purged += 1
    return purged

