"""Every figure of a report equals a plain SQL query over the same rows (issue 20, "Tests":
"every report cell equals a plain SQL query over the same rows (written in the test)").

The queries are written here by hand against the tables, not through the ORM or the
selectors the reports read, so a selector counting the wrong rows fails here."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from apps.reports import services
from apps.reports.figures import ANNUAL_FIGURES, NOT_AVAILABLE
from apps.reports.models import Report
from tests.reports.conftest import MONTH
from tests.reports.helpers import pdf_text, sheets, sql_value

pytestmark = pytest.mark.django_db

# Rows of a sheet: title, subtitle, headers, then the data rows.
DATA = 3


def generate(tasks_in_process, actor, kind, organization, start, end) -> Report:
    with tasks_in_process():
        report, created = services.request_report(actor=actor, kind=kind, organization=organization,
                                                  period_start=start, period_end=end)
    assert created
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.failure_detail
    return report


def sql_row_of(sql, params) -> tuple:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchone())


def county_row(rows, name):
    (row,) = [r for r in rows[DATA:] if r[0] == name]
    return row


SQL_ORGANIZATIONS = "SELECT count(*) FROM organizations_organization WHERE county_id IS NOT DISTINCT FROM %s AND status = 'active'"
SQL_MEMBERS = """SELECT count(*) FROM members_member m JOIN organizations_organization o ON o.id = m.organization_id
                 WHERE o.county_id IS NOT DISTINCT FROM %s AND m.status IN ('active', 'retained')"""
SQL_NEW_EMPLOYMENT = SQL_MEMBERS + " AND m.worker_category = 'new_employment'"
SQL_JOINED = """SELECT count(*) FROM members_member m JOIN organizations_organization o ON o.id = m.organization_id
                WHERE o.county_id IS NOT DISTINCT FROM %s AND m.joined_on BETWEEN %s AND %s"""
SQL_LEFT = """SELECT count(*) FROM members_member m JOIN organizations_organization o ON o.id = m.organization_id
              WHERE o.county_id IS NOT DISTINCT FROM %s AND m.status IN ('withdrawn', 'deceased')
              AND m.status_changed_on BETWEEN %s AND %s"""
SQL_TRANSFERS = """SELECT count(*) FROM members_transfer t JOIN organizations_organization o ON o.id = t.{side}_organization_id
                   WHERE o.county_id IS NOT DISTINCT FROM %s AND t.status = 'confirmed'
                   AND (t.decided_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN %s AND %s"""
SQL_AID = """SELECT count(*), coalesce(sum(r.amount), 0) FROM assistance_assistancerecord r
             JOIN assistance_hardshipfile f ON f.id = r.file_id JOIN organizations_organization o ON o.id = f.organization_id
             WHERE o.county_id IS NOT DISTINCT FROM %s AND r.status = 'approved' AND r.given_on BETWEEN %s AND %s"""


def sql_row(county_id, start, end):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SQL_AID, [county_id, start, end])
        aid_count, aid_amount = cursor.fetchone()
    return [
        sql_value(SQL_ORGANIZATIONS, [county_id]), sql_value(SQL_MEMBERS, [county_id]),
        sql_value(SQL_NEW_EMPLOYMENT, [county_id]), sql_value(SQL_JOINED, [county_id, start, end]),
        sql_value(SQL_TRANSFERS.format(side="to"), [county_id, start, end]),
        sql_value(SQL_TRANSFERS.format(side="from"), [county_id, start, end]),
        sql_value(SQL_LEFT, [county_id, start, end]), aid_count, float(aid_amount),
    ]


def test_monthly_statistics_per_county_equal_plain_sql(records, tree, city_staff, tasks_in_process):
    report = generate(tasks_in_process, city_staff, "monthly_statistics", tree.city, *MONTH)
    (rows,) = sheets(report).values()
    for county, name in ((tree.county_a, "兰山区总工会"), (tree.county_b, "罗庄区总工会"), (tree.city, None)):
        row = county_row(rows, name) if name else rows[-3]  # the city's own level comes last before the total
        assert row[1:] == sql_row(county.pk if name else None, *MONTH), name
    # Not vacuous: the month's rows are there to be counted.
    assert county_row(rows, "兰山区总工会")[1:] == [4, 4, 0, 3, 2, 1, 1, 2, 1700.5]
    total = rows[-2]
    assert total[1:] == [sum(r[i] for r in rows[DATA:-2]) for i in range(1, 10)]


def test_a_county_report_counts_only_that_county(records, tree, county_staff, tasks_in_process):
    report = generate(tasks_in_process, county_staff, "monthly_statistics", tree.county_a, *MONTH)
    (rows,) = sheets(report).values()
    assert [r[0] for r in rows[DATA:-2]] == ["兰山区总工会"]  # no sibling county, no city level
    assert rows[DATA][1:] == sql_row(tree.county_a.pk, *MONTH)


def test_a_union_report_is_its_own_subtree(records, tree, branch_officer, tasks_in_process):
    report = generate(tasks_in_process, branch_officer, "monthly_statistics", tree.union_a1a, *MONTH)
    (rows,) = sheets(report).values()
    assert rows[DATA][0] == "甲公司工会"
    members = sql_value("SELECT count(*) FROM members_member WHERE organization_id = %s AND status IN ('active', 'retained')",
                        [tree.union_a1a.pk])
    assert rows[DATA][2] == members == 3


def test_membership_changes_per_county_and_month_equal_plain_sql(records, tree, city_staff, tasks_in_process):
    start, end = datetime.date(2026, 9, 1), datetime.date(2026, 11, 30)
    report = generate(tasks_in_process, city_staff, "membership_changes", tree.city, start, end)
    (rows,) = sheets(report).values()
    months = [(datetime.date(2026, m, 1), datetime.date(2026, m, [30, 31, 30][m - 9])) for m in (9, 10, 11)]
    for county, name in ((tree.county_a, "兰山区总工会"), (tree.county_b, "罗庄区总工会")):
        for first, last in months:
            (row,) = [r for r in rows[DATA:] if r[0] == name and r[1] == f"{first:%Y-%m}"]
            expected = [
                sql_value(SQL_JOINED, [county.pk, first, last]),
                sql_value(SQL_TRANSFERS.format(side="to"), [county.pk, first, last]),
                sql_value(SQL_TRANSFERS.format(side="from"), [county.pk, first, last]),
                sql_value(SQL_LEFT, [county.pk, first, last]),
            ]
            assert row[2:6] == expected, (name, first)
            assert row[6] == expected[0] + expected[1] - expected[2] - expected[3]
    # The transfer decided at 23:30 on 31 October Beijing time counts in October, not November.
    assert [r for r in rows if r[:2] == ["兰山区总工会", "2026-10"]][0][3] == 2


def test_hardship_ledger_lists_every_payment_by_fund_source(records, tree, city_staff, tasks_in_process):
    start, end = datetime.date(2026, 9, 1), datetime.date(2026, 10, 31)
    report = generate(tasks_in_process, city_staff, "hardship_ledger", tree.city, start, end)
    book = sheets(report)
    summary = book.pop("按资金来源汇总")
    labels = {"本级工会经费": "own_funds", "上级补助": "upper_subsidy", "社会捐助": "donation"}
    for label, source in labels.items():
        count = sql_value("SELECT count(*) FROM assistance_assistancerecord WHERE status = 'approved' AND fund_source = %s "
                          "AND given_on BETWEEN %s AND %s", [source, start, end])
        amount = sql_value("SELECT coalesce(sum(amount), 0) FROM assistance_assistancerecord WHERE status = 'approved' "
                           "AND fund_source = %s AND given_on BETWEEN %s AND %s", [source, start, end])
        (row,) = [r for r in summary if r[0] == label]
        assert row[1:] == [count, float(amount)]
        payments = book[label][DATA:-1]
        assert len(payments) == count
        assert sum(Decimal(str(p[5])) for p in payments) == amount
    assert summary[-1][1:] == [4, 2800.5]
    assert report.pdf_file.name == ""  # a ledger is for the spreadsheet only


def test_annual_work_statistics_equal_plain_sql_and_say_what_is_not_kept(records, tree, city_staff, tasks_in_process):
    report = generate(tasks_in_process, city_staff, "annual_work", tree.city,
                      datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    (rows,) = sheets(report).values()
    figures = {r[1]: r[2] for r in rows[DATA:] if r[1]}
    assert figures["工会组织"] == sql_value("SELECT count(*) FROM organizations_organization WHERE status = 'active'")
    assert figures["会员"] == sql_value("SELECT count(*) FROM members_member WHERE status IN ('active', 'retained')")
    assert figures["受理法律援助案件"] == sql_value(
        "SELECT count(*) FROM assistance_legalaidcase WHERE extract(year FROM opened_on) = 2026")
    for bracket, label in ((50, "建会率(50人以上单位)"), (25, "建会率(25人以上单位)")):
        covered, total = [sql_value(f"SELECT count(*) FROM employers_employer WHERE status = 'active' AND headcount >= %s {extra}",
                                    [bracket]) for extra in ("AND covering_union_id IS NOT NULL", "")]
        assert figures[label] == round(100 * covered / total, 1)
    assert (figures["建会率(50人以上单位)"], figures["建会率(25人以上单位)"]) == (50.0, 66.7)
    total_rows = [r for r in rows[DATA:] if r[1] == "帮扶救助合计"]
    assert [r[2] for r in total_rows] == [
        sql_value("SELECT count(*) FROM assistance_assistancerecord WHERE status = 'approved' AND given_on >= '2026-01-01' "
                  "AND given_on <= '2026-12-31'"),
        float(sql_value("SELECT sum(amount) FROM assistance_assistancerecord WHERE status = 'approved' "
                        "AND given_on BETWEEN '2026-01-01' AND '2026-12-31'")),
    ]
    pending = [f for f in ANNUAL_FIGURES if f.read is None]
    shown = [r for r in rows[DATA:] if r[2] == NOT_AVAILABLE]
    assert len(shown) == len(pending)
    assert all(r[4] and r[2] != 0 for r in shown)  # a dash with its reason, never a made-up zero


SQL_HELD = """SELECT count(*), coalesce(sum(coalesce(nullif(checkin_count, 0), reported_attendance, 0)
                                             + coalesce(online_views, 0)), 0)
              FROM events_event WHERE status = 'held' AND kind = %s
              AND extract(year FROM starts_at AT TIME ZONE 'Asia/Shanghai') = 2026"""


def test_annual_work_statistics_count_competitions_and_events_as_plain_sql_does(
    tree, city_staff, county_staff, branch_officer, tasks_in_process
):
    """The year-end summary's competition and outreach lines (issue 20 item 1: key-project and
    theme competitions and people-times, innovation enterprises by level and fund used,
    lectures and audience, model-worker lectures and live streams, trainings and trainees,
    hazards found and rectified, legal lectures and attendees) read the competitions and
    events records of the year — and only the year's."""
    from apps.competitions.models import InnovationEnterprise, Participation
    from apps.events.models import Event, Hazard, TrainingFigure
    from tests.competitions.factories import make_competition, make_fund
    from tests.employers.factories import EmployerFactory
    from tests.events.factories import EventFactory, LecturerFactory, at

    key = make_competition(city_staff, tree.city, start=True)
    make_competition(county_staff, tree.county_a, kind="theme", level="county", name="主题竞赛")
    make_competition(county_staff, tree.county_a, kind="theme", level="county", name="去年的竞赛",
                     starts_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2025, 6, 1))
    Participation.objects.create(competition=key, organization=tree.union_a1a, counted_people=300)
    employer = EmployerFactory(county=tree.county_a, covering_union=tree.union_a1a)
    fund = make_fund(tree.city)
    enterprise = InnovationEnterprise.objects.create(employer=employer, level="city", year_named=2026, fund=fund,
                                                     named_by=city_staff,
                                                     granted=Decimal("50000"))
    enterprise.payments.create(fund=fund, amount=Decimal("20000.00"), paid_on=datetime.date(2026, 5, 1),
                               recorded_by=city_staff)

    held = {"status": "held", "report": "顺利", "organization": tree.union_a1a, "created_by": branch_officer}
    model_worker = LecturerFactory(is_model_worker=True, organization=tree.city)
    EventFactory(kind="lecture", reported_attendance=120, **held).speakers.add(model_worker)
    EventFactory(kind="lecture", mode="hybrid", reported_attendance=80, online_views=500, **held)
    EventFactory(kind="lecture", reported_attendance=999, starts_at=at(10, 9, year=2025), **held)  # last year
    EventFactory(kind="lecture", organization=tree.union_a1a, created_by=branch_officer)  # planned, not held
    EventFactory(kind="legal_lecture", reported_attendance=40, **held)
    training = EventFactory(kind="safety_training", reported_attendance=60, **held)
    TrainingFigure.objects.create(event=training, employer=employer, sessions=3, trainees=60)
    for rectified in (datetime.date(2026, 3, 10), None):
        Hazard.objects.create(organization=tree.union_a1a, employer=employer, recorded_by=branch_officer,
                              found_on=datetime.date(2026, 3, 1), place=f"配电室{rectified}", description="线路老化",
                              deadline=datetime.date(2026, 3, 15), rectified_on=rectified)

    report = generate(tasks_in_process, city_staff, "annual_work", tree.city,
                      datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    (rows,) = sheets(report).values()
    figures = {r[1]: r[2] for r in rows[DATA:] if r[1]}
    assert all(f.read is not None for f in ANNUAL_FIGURES)  # every line of the summary has its records now

    def zh(label):
        with translation.override("zh-hans"):
            return translation.gettext(label)

    year = "extract(year FROM starts_on) = 2026"
    assert figures[zh("key-project competitions")] == sql_value(
        f"SELECT count(*) FROM competitions_competition WHERE kind = 'key_project' AND {year}") == 1
    assert figures[zh("theme competitions")] == sql_value(
        f"SELECT count(*) FROM competitions_competition WHERE kind = 'theme' AND {year}") == 1
    assert figures[zh("competition participants")] == sql_value(
        "SELECT (SELECT coalesce(sum(p.counted_people), 0) FROM competitions_participation p JOIN "
        "competitions_competition c ON c.id = p.competition_id WHERE extract(year FROM c.starts_on) = 2026) + "
        "(SELECT count(*) FROM competitions_participant n JOIN competitions_competition c ON c.id = n.competition_id "
        "WHERE extract(year FROM c.starts_on) = 2026)") == 300
    assert figures[zh("all-staff innovation enterprises, city level")] == sql_value(
        "SELECT count(*) FROM competitions_innovationenterprise WHERE level = 'city' AND year_named = 2026") == 1
    assert float(figures[zh("innovation fund used")]) == float(sql_value(
        "SELECT sum(amount) FROM competitions_fundpayment WHERE extract(year FROM paid_on) = 2026")) == 20000.0
    lectures, audience = sql_row_of(SQL_HELD, ["lecture"])
    assert (figures[zh("lectures")], figures[zh("lecture audience")]) == (lectures, audience) == (2, 700)
    assert figures[zh("model-worker lectures")] == 1 and figures[zh("live streams")] == 1 and figures[zh("live-stream views")] == 500
    assert (figures[zh("legal lectures")], figures[zh("legal lecture attendees")]) == sql_row_of(SQL_HELD, ["legal_lecture"]) == (1, 40)
    assert (figures[zh("trainings")], figures[zh("trainees")]) == (sql_value(
        "SELECT sum(sessions) FROM events_trainingfigure"), sql_value("SELECT sum(trainees) FROM events_trainingfigure"))
    assert (figures[zh("hazards found")], figures[zh("hazards rectified")]) == (sql_value(
        "SELECT count(*) FROM events_hazard WHERE extract(year FROM found_on) = 2026"), sql_value(
        "SELECT count(*) FROM events_hazard WHERE rectified_on IS NOT NULL")) == (2, 1)


def test_the_pdf_prints_chinese_headings_and_the_figures(records, tree, city_staff, tasks_in_process, chinese_default):
    report = generate(tasks_in_process, city_staff, "monthly_statistics", tree.city, *MONTH)
    text = pdf_text(report)
    for heading in ("月度统计报表", "临沂市总工会", "兰山区总工会", "罗庄区总工会", "会员", "合计"):
        assert heading in text
    assert "1700.50" in text  # county A's assistance in October, as the sheet has it
    annual = generate(tasks_in_process, city_staff, "annual_work", tree.city,
                      datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    text = pdf_text(annual)
    assert "年度工作统计" in text and "—" in text and "2800.50" in text
