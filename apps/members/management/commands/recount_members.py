"""`python manage.py recount_members [--repair]`: check the kept member figures (issue 15).

Recomputes every figure of apps.members.counts from the members and prints each one that
differs (organization, joining year, figure: kept → actual). Exit 0 when nothing differs
(or, with --repair, when what differed was repaired); 1 when drift was found and left.
Beat runs the same check nightly with repair (apps.members.tasks.recount_member_figures).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from apps.members.counts import recount
from apps.organizations.models import Organization

SHOWN = 50


class Command(BaseCommand):
    help = "Compare the kept member figures with a count over the members; --repair fixes what differs."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="make the figures what the members give")

    def handle(self, *args, repair, **options):
        started = time.monotonic()
        result = recount(repair=repair)
        seconds = time.monotonic() - started
        codes = dict(Organization.objects.filter(
            pk__in={d.organization_id for d in result.drift[:SHOWN]}).values_list("pk", "code"))
        for drift in result.drift[:SHOWN]:
            year = "all years" if drift.joined_year == 0 else f"joined {drift.joined_year}"
            changes = ", ".join(f"{figure} {drift.kept[figure]} → {drift.actual[figure]}"
                                for figure in drift.kept if drift.kept[figure] != drift.actual[figure])
            self.stdout.write(f"  {codes.get(drift.organization_id, drift.organization_id)} ({year}): {changes}")
        if len(result.drift) > SHOWN:
            self.stdout.write(f"  … and {len(result.drift) - SHOWN} more")
        summary = f"{result.rows} figure rows checked in {seconds:.1f} s: "
        if not result.drift:
            self.stdout.write(summary + "no drift")
        elif result.repaired:
            self.stdout.write(summary + f"{len(result.drift)} had drifted and were repaired")
        else:
            raise CommandError(summary + f"{len(result.drift)} differ (run with --repair to fix them)",
                               returncode=1)
