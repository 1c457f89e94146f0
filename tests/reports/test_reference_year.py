"""The reference year, reproduced (issue 20 item 7): `seed_demo --scale city` builds a year whose
annual work statistics, generated from the records, give the federation's year-end figures.

Here the city is seeded at FRACTION of its size (DemoContext.fraction), once for the module; the
annual work statistics are generated through the real service (schedule_report + generate, as
`generate_report annual` does) and read back from the .xlsx. Each test's changes are rolled
back (the `db` fixture's savepoint inside the module's transaction).
"""

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.db import transaction

from apps.employers.models import Employer
from apps.events.choices import EventKind, EventStatus, Mode
from apps.events.models import Event, Hazard
from apps.accounts.models import User
from apps.members.models import Member
from apps.members.services import change_member_status
from apps.organizations.models import Organization
from apps.organizations.services import create_organization
from apps.reports.generation import generate
from apps.reports.models import Report
from apps.reports.periods import year_period
from apps.reports.services import schedule_report
from demo import reference_year
from demo import reports as demo_reports
from demo.management.commands.seed_demo import DEMO_STEPS, Command, DemoContext

from .helpers import sheets, sql_value

FRACTION = 0.02
YEAR = reference_year.YEAR


@pytest.fixture(scope="module")
def reference_seed(django_db_setup, django_db_blocker):
    """The city's reference year at FRACTION, seeded by the demo steps, kept for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        ctx = DemoContext(scale="city", rng=random.Random(20261124), out=Command(stdout=io.StringIO()),
                          fraction=FRACTION)
        for step in DEMO_STEPS:
            if step is not demo_reports:  # the download centre's demo reports: nothing the figures count
                step.seed(ctx)
        yield ctx
        transaction.set_rollback(True)


@pytest.fixture
def seeded(reference_seed, db, settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return reference_seed


def annual_rows() -> list[list]:
    """A fresh annual work statistics of the city for the reference year, as its sheet's rows."""
    city = Organization.objects.get(code="3713")
    Report.objects.filter(kind="annual_work").delete()  # a new generation, not the demo's one
    report, _created = schedule_report(kind="annual_work", organization=city, period_start=year_period(YEAR)[0],
                                       period_end=year_period(YEAR)[1], scheduled=False, enqueue=False)
    generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.failure_reason
    (rows,) = sheets(report).values()
    return rows


def figures() -> dict[str, object]:
    return {e["figure"]: e["got"] for e in reference_year.check(annual_rows(), fraction=FRACTION,
                                                                  rate_tolerance=Decimal(100))}


def _rate_tolerance() -> Decimal:
    """The seeder covers round(93% × n) of the n active employers of 25 or more: the rate is
    93.0 within half an employer's share, then rounded to one decimal."""
    n = Employer.objects.filter(status="active", headcount__gte=25).count()
    return Decimal(50) / n + Decimal("0.05")


def test_every_figure_is_the_reference_figure_at_the_fraction(seeded):
    """Each figure of the year-end summary (10,998 organizations, 856,000 members, 100% / 93%
    establishment, …; demo/reference_year.py) at FRACTION of the city, counted by the report."""
    entries = reference_year.check(annual_rows(), fraction=FRACTION, rate_tolerance=_rate_tolerance())
    wrong = [e for e in entries if not e["ok"]]
    assert not wrong, "\n".join(reference_year.table(wrong))
    assert len(entries) == len(reference_year.LINES) + 1


def test_the_seed_builds_the_fraction_it_is_asked_for():
    """The reference numbers scale: a fiftieth of the city, rounded half up, at least one."""
    assert reference_year.scaled(10_998, 0.02) == 220
    assert reference_year.scaled(167, 0.02) == 3  # 3.34
    assert reference_year.scaled(3, 0.02) == 1  # never none of what the city has
    assert reference_year.scaled(25, 0.02) == 1 and reference_year.scaled(25, 1.0) == 25
    assert reference_year.scaled_money(Decimal("2000000.00"), 0.02) == Decimal("40000.00")


def test_hazards_rectified_follow_the_records(seeded):
    """Un-rectify one hazard: "hazards rectified" drops by one, "hazards found" stays."""
    before = figures()
    hazard = Hazard.objects.filter(found_on__year=YEAR, rectified_on__isnull=False).order_by("id").first()
    Hazard.objects.filter(pk=hazard.pk).update(rectified_on=None, rectification="", verified_on=None, verified_by=None)
    after = figures()
    assert after["hazards rectified"] == before["hazards rectified"] - 1
    assert after["hazards found"] == before["hazards found"]


def test_a_lecture_added_moves_lectures_and_audience_by_exactly_it(seeded):
    """One more lecture held in the year, 321 on site and streamed to 1,000: lectures +1,
    audience +1,321, live streams +1; a lecture held the year after counts nowhere."""
    before = figures()
    template = Event.objects.filter(kind=EventKind.LECTURE, status=EventStatus.HELD).order_by("id").first()

    def lecture(day, **extra):
        Event.objects.create(
            kind=EventKind.LECTURE, title="劳模工匠进企业宣讲（追加）", organization=template.organization, place="会议室",
            mode=Mode.HYBRID, starts_at=template.starts_at.replace(year=day.year, month=day.month, day=day.day),
            ends_at=template.ends_at.replace(year=day.year, month=day.month, day=day.day), status=EventStatus.HELD,
            reported_attendance=321, online_views=1_000, report="宣讲按计划举办。", created_by=template.created_by,
            held_recorded_by=template.created_by, **extra)

    lecture(datetime.date(YEAR, 6, 3))
    lecture(datetime.date(YEAR + 1, 1, 3))
    after = figures()
    assert after["lectures"] == before["lectures"] + 1
    assert after["lecture audience"] == before["lecture audience"] + 1_321
    assert after["live streams"] == before["live streams"] + 1
    assert after["model-worker lectures"] == before["model-worker lectures"]


def test_organizations_and_members_follow_the_records(seeded):
    """A union added joins the organization count; a member withdrawn (through the members
    service, which keeps the counts) leaves the members."""
    before = figures()
    township = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP_FEDERATION).order_by("code").first()
    create_organization(code=f"{township.code}9999", name="临沂追加测试有限公司工会", kind=Organization.Kind.GRASSROOTS,
                        parent=township)
    member = Member.objects.filter(status="active").order_by("id").first()
    change_member_status(actor=User.objects.get(username="city_staff"), member=member, status="withdrawn",
                         on=datetime.date(YEAR, 6, 1), reason="本人申请退会")
    after = figures()
    assert after["union organizations"] == before["union organizations"] + 1
    assert after["members"] == before["members"] - 1


def test_figures_equal_plain_sql_over_the_same_rows(seeded):
    """A few lines against a count written here in SQL over the seeded tables."""
    got = figures()
    start, end = year_period(YEAR)
    assert got["hazards rectified"] == sql_value(
        "SELECT count(*) FROM events_hazard WHERE found_on BETWEEN %s AND %s AND rectified_on IS NOT NULL",
        [start, end])
    assert got["legal aid cases accepted"] == sql_value(
        "SELECT count(*) FROM assistance_legalaidcase WHERE opened_on BETWEEN %s AND %s", [start, end])
    assert got["households visited"] == sql_value(
        "SELECT count(DISTINCT file_id) FROM assistance_visit WHERE visited_on BETWEEN %s AND %s", [start, end])
    assert got["union organizations"] == sql_value(
        "SELECT count(*) FROM organizations_organization WHERE status = 'active'")
    assert got["members"] == sql_value(
        "SELECT count(*) FROM members_member WHERE status IN ('active', 'retained')")
    assert got["trainees"] == sql_value(
        "SELECT sum(f.trainees) FROM events_trainingfigure f JOIN events_event e ON e.id = f.event_id "
        "WHERE e.status = 'held' AND e.kind = 'safety_training' AND e.starts_at >= %s AND e.starts_at < %s",
        [start, end + datetime.timedelta(days=1)])
    assert got["innovation fund used"] == sql_value(
        "SELECT sum(amount) FROM competitions_fundpayment WHERE paid_on BETWEEN %s AND %s", [start, end])
