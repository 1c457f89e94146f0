"""`python manage.py generate_report KIND [--period YYYY-MM | --year YYYY | --from DAY --to DAY]
[--org CODE] [--format xlsx|pdf] [--output PATH]` (DESIGN.md "Public surface").

The same service and generation as the download centre, run in this process. Exit 0 with the
file's path; 1 when the generation failed, with the reason; 2 on bad usage (unknown kind or
organization, a period the kind does not cover, a PDF of a kind without a printed form).
"""

import datetime
import re
import shutil

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.organizations.models import Organization
from apps.organizations.selectors import city_and_county_federations

from ...generation import generate
from ...kinds import MONTH, YEAR, report_kind, report_kinds
from ...models import Report
from ...periods import month_period, year_period
from ...services import schedule_report


# Short names (the benchmark and DESIGN.md's examples say `generate_report monthly`).
ALIASES = {"monthly": "monthly_statistics", "annual": "annual_work", "ledger": "hardship_ledger",
           "changes": "membership_changes"}


class Command(BaseCommand):
    help = "Generate a report (the download centre's kinds) and print the path of its file."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="one of: " + ", ".join(k.key for k in report_kinds())
                            + " (or " + ", ".join(ALIASES) + ")")
        parser.add_argument("--period", help="a month, YYYY-MM (monthly statistics)")
        parser.add_argument("--year", type=int, help="a year, YYYY (annual work statistics)")
        parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD (ledger, membership changes)")
        parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD")
        parser.add_argument("--org", help="organization code (default: the city federation)")
        parser.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")
        parser.add_argument("--output", help="copy the file here (default: print where it is stored)")

    def handle(self, *args, kind, period, year, date_from, date_to, org, format, output, **options):
        kind = ALIASES.get(kind, kind)
        try:
            definition = report_kind(kind)
        except LookupError:
            raise CommandError(f"Unknown report kind {kind!r}.", returncode=2) from None
        if format == "pdf" and not definition.has_pdf:
            raise CommandError(f"{kind} has no printed form (PDF); use --format xlsx.", returncode=2)
        start, end = self._period(definition.period, period, year, date_from, date_to)
        organization = self._organization(org)
        try:
            report, _created = schedule_report(kind=kind, organization=organization, period_start=start,
                                               period_end=end, scheduled=False, enqueue=False)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from None
        attempt = None
        while True:
            outcome = generate(report_id=report.pk, attempt=attempt)
            if outcome.resend is None:
                break
            attempt = outcome.resend.attempt  # retried at once here: nobody else runs it
        report.refresh_from_db()
        if report.status != Report.Status.DONE:
            reason = report.failure_reason or f"the report is {report.status} (asked twice at once?)"
            raise CommandError(f"Failed: {reason} {report.failure_detail}".strip(), returncode=1)
        stored = report.pdf_file if format == "pdf" else report.xlsx_file
        path = stored.path
        if output:
            shutil.copyfile(path, output)
            path = output
        self.stdout.write(str(path))

    def _period(self, kind_period, period, year, date_from, date_to) -> tuple[datetime.date, datetime.date]:
        try:
            if kind_period == MONTH:
                match = re.fullmatch(r"(\d{4})-(\d{1,2})", period or "")
                if not match:
                    raise ValueError("--period YYYY-MM is required")
                return month_period(int(match.group(1)), int(match.group(2)))
            if kind_period == YEAR:
                if not year:
                    raise ValueError("--year YYYY is required")
                return year_period(year)
            if not (date_from and date_to):
                raise ValueError("--from and --to are required")
            return datetime.date.fromisoformat(date_from), datetime.date.fromisoformat(date_to)
        except ValueError as exc:
            raise CommandError(f"Bad period: {exc}", returncode=2) from None

    def _organization(self, code) -> Organization:
        if code:
            organization = Organization.objects.filter(code=code).first()
        else:
            organization = next((o for o in city_and_county_federations() if o.parent_id is None), None)
        if organization is None:
            raise CommandError(f"No organization with code {code!r}." if code else "No city federation.", returncode=2)
        return organization
