"""Demo reports: `seed_demo` step (after assistance; issue 20).

A few generated reports so the download centre is not empty: last month's monthly
statistics for the city and for 兰山区 (as the schedule makes them on the 1st), the
annual work statistics of the reference year (demo/reference_year.py: at city scale the
federation's year-end figures) for the city asked for by the demo city clerk, and a
membership change report of 兰山区 for the last three months asked for by its clerk.
Generated in this process through the same service and generation as the worker.
Idempotent: a report already done for the same kind, scope and period is not made again.
"""

import datetime

from django.utils import timezone

from apps.accounts.models import User
from apps.organizations.models import Organization
from apps.reports.generation import generate
from apps.reports.models import Report
from apps.reports.periods import previous_month, year_period
from apps.reports.services import request_report, schedule_report

from . import reference_year
from .accounts import DEMO_COUNTY


def _wanted(ctx):
    today = timezone.localdate()
    month = previous_month(today)
    quarter = (previous_month(month[0] - datetime.timedelta(days=40))[0], month[1])
    city = Organization.objects.get(code=ctx.facts["organizations"]["city"])
    county = Organization.objects.get(code=DEMO_COUNTY)
    users = User.objects.in_bulk(list(ctx.facts.get("users", {}).values()))
    by_name = {user.username: user for user in users.values()}
    return [
        ("monthly_statistics", city, month, None),
        ("monthly_statistics", county, month, None),
        ("annual_work", city, year_period(min(reference_year.YEAR, today.year)), by_name.get("city_staff")),
        ("membership_changes", county, quarter, by_name.get("county_staff")),
    ]


def seed(ctx) -> None:
    made = 0
    for kind, organization, (start, end), user in _wanted(ctx):
        if Report.objects.filter(kind=kind, organization=organization, period_start=start, period_end=end,
                                 status=Report.Status.DONE).exists():
            continue
        if user is None:
            report, _created = schedule_report(kind=kind, organization=organization, period_start=start,
                                               period_end=end, enqueue=False)
        else:
            report, _created = request_report(actor=user, kind=kind, organization=organization,
                                              period_start=start, period_end=end, enqueue=False)
        generate(report_id=report.pk)
        made += 1
    ctx.say(f"    reports: {made} generated ({Report.objects.filter(status=Report.Status.DONE).count()} ready)")
