"""The reminder rules assistance registers with apps.notifications (issue 16 item 12).

Each yields Reminders keyed by (rule, object, period): the period is what makes the same
object due again — the due date of a re-verification, the version of a file waiting at a
step (a file sent back and submitted again is a new wait), the due date of a problem —
so beat may fire as often as it likes."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.notifications.registry import Reminder, ReminderRule

from .choices import FileStatus, ProblemStatus
from .models import HardshipFile, VisitProblem
from .selectors import REVERIFICATION_NOTICE_DAYS
from .services import assistance_settings, holders

CHUNK = 2000
# The capability of the level whose step a waiting file is at.
WAITING_FOR = {
    FileStatus.SUBMITTED: "assistance.review",
    FileStatus.REVIEWED: "assistance.approve",
    FileStatus.REVERIFYING: "assistance.review",
}


def _url(file_id: int) -> str:
    return reverse("assistance:file_detail", kwargs={"pk": file_id})


def reverification_due(today: datetime.date):
    """Active files due for re-verification within 30 days: the branch that keeps the file."""
    files = HardshipFile.objects.filter(
        status=FileStatus.ACTIVE, valid_until__lte=today + datetime.timedelta(days=REVERIFICATION_NOTICE_DAYS)
    ).select_related("organization")
    for file in files.iterator(chunk_size=CHUNK):
        yield Reminder(
            object_key=f"hardship_file:{file.pk}", period=file.valid_until.isoformat(),
            recipient_ids=tuple(holders("assistance.submit", file.organization)),
            title=_("Re-verification due by %(date)s: %(name)s") % {"date": file.valid_until.isoformat(),
                                                                     "name": file.head_name},
            url=_url(file.pk),
        )


def waiting_too_long(today: datetime.date):
    """Files waiting at a step longer than the city's limit: the level whose step it is."""
    limit = assistance_settings().step_limit_days
    cutoff = timezone.now() - datetime.timedelta(days=limit)
    files = HardshipFile.objects.filter(status__in=list(WAITING_FOR), status_changed_at__lt=cutoff).select_related(
        "organization"
    )
    for file in files.iterator(chunk_size=CHUNK):
        recipients = [pk for pk in holders(WAITING_FOR[file.status], file.organization)
                      if pk not in (file.submitted_by_id, file.reviewed_by_id)]
        yield Reminder(
            object_key=f"hardship_file:{file.pk}", period=f"v{file.version}", recipient_ids=tuple(recipients),
            title=_("Waiting more than %(days)d days for your step: %(name)s (%(status)s)")
            % {"days": limit, "name": file.head_name, "status": file.get_status_display()},
            url=_url(file.pk),
        )


def problems_overdue(today: datetime.date):
    """Visit problems not solved by their date: whoever records help for that household."""
    problems = VisitProblem.objects.exclude(status=ProblemStatus.SOLVED).filter(due_on__lt=today).select_related(
        "file", "file__organization"
    )
    for problem in problems.iterator(chunk_size=CHUNK):
        recipients = holders("assistance.submit", problem.file.organization) or holders(
            "assistance.record", problem.file.organization
        )
        yield Reminder(
            object_key=f"visit_problem:{problem.pk}", period=problem.due_on.isoformat(),
            recipient_ids=tuple(recipients),
            title=_("A visit problem is past its date (%(date)s): %(name)s")
            % {"date": problem.due_on.isoformat(), "name": problem.file.head_name},
            body=problem.description, url=_url(problem.file_id),
        )


REMINDER_RULES = (
    ReminderRule("assistance.reverification_due", gettext_lazy("re-verification due within 30 days"),
                 reverification_due),
    ReminderRule("assistance.waiting_too_long", gettext_lazy("file waiting at a step too long"), waiting_too_long),
    ReminderRule("assistance.problem_overdue", gettext_lazy("visit problem past its date"), problems_overdue),
)
