"""The dashboard's "Labor competitions" and "Events and safety" panels (issue 19 item 2/3):
each figure equals plain SQL over the tables for the city, a county and a branch union, and
links to the list of exactly the rows it counts. The figures' definitions are per the issue
(the annual work statistics' lines)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from apps.competitions import services
from apps.events.choices import EventKind, EventStatus, Mode
from apps.events.models import TrainingFigure
from tests.competitions.factories import honor_kind, make_competition, make_fund
from tests.employers.factories import EmployerFactory
from tests.events.factories import EventFactory, HazardFactory, LecturerFactory
from tests.members.factories import id_number_for

YEAR = 2026
PERIOD = {"period": "range", "from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}
APRIL = {"period": "month", "month": f"{YEAR}-04"}
# (query, the period's first and last day): each figure is compared with the same days a year earlier.
PERIODS = [(PERIOD, (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))),
           (APRIL, (datetime.date(YEAR, 4, 1), datetime.date(YEAR, 4, 30)))]
TZ = datetime.timezone(datetime.timedelta(hours=8))

pytestmark = pytest.mark.django_db


def at(month: int, day: int = 10, year: int = YEAR) -> datetime.datetime:
    return datetime.datetime(year, month, day, 9, tzinfo=TZ)


@pytest.fixture
def world(tree, settings, tmp_path, city_staff, county_staff, branch_officer):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    employer_a = EmployerFactory(county=tree.county_a, township=tree.township_a1, covering_union=tree.union_a1a)
    employer_b = EmployerFactory(county=tree.county_b, covering_union=tree.union_b1)
    # competitions: two this year (city, county A), one last year
    city = make_competition(city_staff, tree.city, starts_on=datetime.date(YEAR, 3, 1),
                            ends_on=datetime.date(YEAR, 11, 30))
    county = make_competition(county_staff, tree.county_a, level="county", kind="skills", name="兰山技能大赛",
                              starts_on=datetime.date(YEAR, 4, 1), ends_on=datetime.date(YEAR, 5, 1))
    make_competition(county_staff, tree.county_a, level="county", kind="theme", name="去年的",
                     starts_on=datetime.date(YEAR - 1, 3, 1), ends_on=datetime.date(YEAR - 1, 4, 1))
    services.add_participation(actor=city_staff, competition=city, organization=tree.union_a1a, counted_people=40)
    services.add_participation(actor=city_staff, competition=city, organization=tree.union_b1, counted_people=25)
    services.add_participant(actor=county_staff, competition=county, organization=tree.union_a1a, name="外援")
    services.record_honor(actor=city_staff, kind=honor_kind(), level="national", year=YEAR,
                          organization=tree.union_b1, id_number=id_number_for(810_001), honoree="全国劳模")
    services.record_honor(actor=county_staff, kind=honor_kind("worker_pioneer"), level="county", year=YEAR,
                          organization=tree.union_a1a, honoree="检修班")
    services.record_honor(actor=county_staff, kind=honor_kind("worker_pioneer"), level="county", year=YEAR - 1,
                          organization=tree.union_a1a, honoree="去年的班组")
    make_fund(tree.city)
    a = services.name_innovation_enterprise(actor=city_staff, employer=employer_a, level="city", year_named=YEAR,
                                            granted="200000")
    services.name_innovation_enterprise(actor=city_staff, employer=employer_b, level="provincial", year_named=YEAR,
                                        granted="300000")
    services.record_fund_payment(actor=city_staff, enterprise=a, amount="120000", paid_on=datetime.date(YEAR, 5, 1))
    services.record_fund_payment(actor=city_staff, enterprise=a, amount="30000", paid_on=datetime.date(YEAR - 1, 9, 1))
    # events: held ones in A1a and B1, a planned one, one of last year
    held = {"status": EventStatus.HELD, "report": "已举办"}
    lecture = EventFactory(organization=tree.union_a1a, created_by=branch_officer, starts_at=at(3),
                           ends_at=at(3) + datetime.timedelta(hours=2), reported_attendance=80, **held)
    lecture.speakers.add(LecturerFactory(is_model_worker=True, organization=tree.city))
    EventFactory(organization=tree.union_b1, created_by=city_staff, kind=EventKind.LEGAL_LECTURE, mode=Mode.HYBRID,
                 starts_at=at(5), ends_at=at(5) + datetime.timedelta(hours=2), reported_attendance=30,
                 online_views=200, **held)
    training = EventFactory(organization=tree.union_a1a, created_by=branch_officer, kind=EventKind.SAFETY_TRAINING,
                            starts_at=at(6), ends_at=at(6) + datetime.timedelta(hours=2), reported_attendance=12,
                            **held)
    TrainingFigure.objects.create(event=training, employer=employer_a, sessions=2, trainees=12)
    EventFactory(organization=tree.union_a1a, created_by=branch_officer, starts_at=at(7),
                 ends_at=at(7) + datetime.timedelta(hours=2))  # planned: not counted
    EventFactory(organization=tree.union_a1a, created_by=branch_officer, starts_at=at(3, year=YEAR - 1),
                 ends_at=at(3, year=YEAR - 1) + datetime.timedelta(hours=2), **held)
    for org, employer, found, deadline, rectified in [
        (tree.union_a1a, employer_a, datetime.date(YEAR, 3, 1), datetime.date(YEAR, 3, 15), datetime.date(YEAR, 3, 9)),
        (tree.union_a1a, employer_a, datetime.date(YEAR, 4, 1), datetime.date(YEAR, 4, 15), None),  # overdue
        (tree.union_b1, employer_b, datetime.date(YEAR, 4, 2), datetime.date(2099, 1, 1), None),
        (tree.union_b1, employer_b, datetime.date(YEAR - 1, 4, 2), datetime.date(YEAR - 1, 5, 1), None),
    ]:
        HazardFactory(organization=org, employer=employer, found_on=found, deadline=deadline, rectified_on=rectified,
                      recorded_by=city_staff)
    return tree


def sql(query, *params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


ON_SITE = "coalesce(nullif(e.checkin_count, 0), e.reported_attendance, 0)"
ONLINE = "coalesce(e.online_views, 0)"


def year_earlier(dates):
    return tuple(d.replace(year=d.year - 1) for d in dates)


def expected(path: str, dates=PERIODS[0][1]) -> dict:
    """Every figure of both panels in plain SQL, for the subtree at `path`, in the days `dates`
    (first, last): competitions, people-times and events by their first day, hazards by the day
    found, fund paid by the day paid; honors and enterprises (kept by year) of the last day's year."""
    p = path + "%"
    first, last = (f"'{d.isoformat()}'::date" for d in dates)
    year = dates[1].year
    between = f"BETWEEN {first} AND {last}"
    events = f"""FROM events_event e JOIN organizations_organization o ON o.id = e.organization_id
                 WHERE o.path LIKE %s AND e.status = 'held'
                 AND (e.starts_at AT TIME ZONE 'Asia/Shanghai')::date {between}"""
    hazards = f"""FROM events_hazard h JOIN organizations_organization o ON o.id = h.organization_id
                  WHERE o.path LIKE %s AND h.found_on {between}"""
    return {
        "competitions": sql(f"""SELECT count(*) FROM competitions_competition c JOIN organizations_organization o
                                ON o.id = c.host_id WHERE o.path LIKE %s AND c.starts_on {between}""",
                            p),
        "competition-people": sql(f"""SELECT (SELECT coalesce(sum(x.counted_people), 0) FROM competitions_participation x
                                      JOIN competitions_competition c ON c.id = x.competition_id
                                      JOIN organizations_organization o ON o.id = x.organization_id
                                      WHERE o.path LIKE %s AND c.starts_on {between})
                                   + (SELECT count(*) FROM competitions_participant x
                                      JOIN competitions_competition c ON c.id = x.competition_id
                                      JOIN organizations_organization o ON o.id = x.organization_id
                                      WHERE o.path LIKE %s AND c.starts_on {between})""", p, p),
        "honors": sql(f"""SELECT count(*) FROM competitions_honor x JOIN organizations_organization o
                          ON o.id = x.organization_id WHERE o.path LIKE %s AND x.year = {year}""", p),
        "enterprises": sql(f"""SELECT count(*) FROM competitions_innovationenterprise x
                               JOIN employers_employer m ON m.id = x.employer_id
                               JOIN organizations_organization o ON o.id = m.covering_union_id
                               WHERE o.path LIKE %s AND x.year_named = {year}""", p),
        "fund-granted": sql(f"""SELECT coalesce(sum(x.granted), 0) FROM competitions_innovationenterprise x
                                JOIN employers_employer m ON m.id = x.employer_id
                                JOIN organizations_organization o ON o.id = m.covering_union_id
                                WHERE o.path LIKE %s AND x.year_named = {year}""", p),
        "fund-paid": sql(f"""SELECT coalesce(sum(f.amount), 0) FROM competitions_fundpayment f
                             JOIN competitions_innovationenterprise x ON x.id = f.enterprise_id
                             JOIN employers_employer m ON m.id = x.employer_id
                             JOIN organizations_organization o ON o.id = m.covering_union_id
                             WHERE o.path LIKE %s AND f.paid_on {between}""", p),
        "events-held": sql(f"SELECT count(*) {events}", p),
        "events-audience": sql(f"SELECT coalesce(sum({ON_SITE} + {ONLINE}), 0) {events}", p),
        "lectures": sql(f"SELECT count(*) {events} AND e.kind = 'lecture'", p),
        "model-worker-lectures": sql(f"""SELECT count(*) {events} AND e.kind = 'lecture' AND EXISTS (
                                         SELECT 1 FROM events_event_speakers s JOIN events_lecturer l
                                         ON l.id = s.lecturer_id WHERE s.event_id = e.id AND l.is_model_worker)""", p),
        "live-streams": sql(f"SELECT count(*) {events} AND e.mode IN ('online', 'hybrid') AND e.kind <> 'job_fair'", p),
        "trainings": sql(f"SELECT count(*) {events} AND e.kind = 'safety_training'", p),
        "lectures-legal": sql(f"SELECT count(*) {events} AND e.kind = 'legal_lecture'", p),
        "hazards-found": sql(f"SELECT count(*) {hazards}", p),
        "hazards-rectified": sql(f"SELECT count(*) {hazards} AND h.rectified_on IS NOT NULL", p),
        "hazards-overdue": sql(f"SELECT count(*) {hazards} AND h.rectified_on IS NULL AND h.deadline < current_date", p),
    }


def figures(response) -> dict:
    return {f.key: f for built in response.context["panels"] for f in built.data.figures}


SCOPES = [("city_staff", "", "city"), ("city_staff", "CA", "county_a"), ("county_staff", "", "county_a"),
          ("branch_officer", "", "union_a1a")]


@pytest.mark.parametrize(("params", "dates"), PERIODS, ids=["year", "month"])
@pytest.mark.parametrize(("who", "county", "where"), SCOPES)
def test_figures_equal_plain_sql(request, client, world, who, county, where, params, dates):
    """Each figure and the same figure for the same days a year earlier (overdue is a state
    today: not compared)."""
    client.force_login(request.getfixturevalue(who))
    found = figures(client.get(reverse("dashboard"), {**params, "county": county}))
    path = getattr(world, where).path
    want, before = expected(path, dates), expected(path, year_earlier(dates))
    if where == "union_a1a":  # a branch union hosts no competition: the panel shows none
        assert "competitions" not in found
        del want["competitions"]
    for key, value in want.items():
        assert found[key].value == value, key
        assert found[key].previous == (None if key == "hazards-overdue" else before[key]), key
    if where == "city" and params is APRIL:
        assert (want["competitions"], want["hazards-found"], before["hazards-found"]) == (1, 2, 1)
    if where == "city" and params is PERIOD:
        assert (before["competitions"], before["honors"], before["events-held"], before["fund-paid"]) == (
            1, 1, 1, Decimal("30000"))
        assert (want["competitions"], want["honors"], want["events-held"], want["hazards-found"]) == (2, 2, 3, 3)
        assert want["fund-paid"] == Decimal("120000")


def listed(client, url):
    """The rows the list behind `url` shows, as the figure counts them (count or sum)."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if "table" in context:
        return context["table"].data.data
    return context["page"].paginator.object_list


@pytest.mark.parametrize("params", [PERIOD, APRIL], ids=["year", "month"])
@pytest.mark.parametrize(("who", "county", "where"), SCOPES)
def test_every_figure_links_to_exactly_its_rows(request, client, world, who, county, where, params):
    client.force_login(request.getfixturevalue(who))
    found = figures(client.get(reverse("dashboard"), {**params, "county": county}))
    keys = [k for k in expected(world.city.path) if k in found] + [k for k in found if k.startswith(("competitions-",
                                                                                        "enterprises-"))]
    for key in keys:
        figure = found[key]
        rows = listed(client, figure.url)
        if key == "competition-people":
            got = sum(r.counted_people + r.named for r in rows)
        elif key == "fund-granted":
            got = sum((r.granted for r in rows), Decimal(0))
        elif key == "fund-paid":
            got = sum((r.amount for r in rows), Decimal(0))
        elif key == "events-audience":
            got = sum((r.attendance or 0) + (r.online_views or 0) for r in rows)
        else:
            got = rows.count()
        assert got == figure.value, key


def test_charts_per_month_link_to_their_rows(client, world, city_staff):
    client.force_login(city_staff)
    charts = {c["id"]: c for c in client.get(reverse("dashboard"), PERIOD).context["charts"]}
    events = charts["chart-events-by-month"]
    assert events["categories"][2] == f"{YEAR}-03"
    held = events["series"][0]
    assert held["values"][2] == 1 and held["values"][4] == 1 and sum(held["values"]) == 3
    assert listed(client, held["urls"][2]).count() == 1
    assert events["series"][1]["values"][4] == 230  # 30 on site + 200 online
    # events in tens beside audiences in hundreds: the audience against a second axis on the right
    assert len(events["axes"]) == 2 and [s["axis"] for s in events["series"]] == [0, 1]
    hazards = charts["chart-hazards-by-month"]
    found, rectified = hazards["series"]
    assert found["values"][2:4] == [1, 2] and rectified["values"][2:4] == [1, 0]
    for i in (2, 3):
        assert listed(client, found["urls"][i]).count() == found["values"][i]
        assert listed(client, rectified["urls"][i]).count() == rectified["values"][i]


def test_a_month_period_counts_that_month(client, world, city_staff):
    client.force_login(city_staff)
    found = figures(client.get(reverse("dashboard"), APRIL))
    assert found["hazards-found"].value == 2 and found["events-held"].value == 0
    assert listed(client, found["hazards-found"].url).count() == 2
    # competitions by their first day: the county's (1 April), not the city's (1 March)
    assert found["competitions"].value == 1
    charts = {c["id"]: c for c in client.get(reverse("dashboard"), APRIL).context["charts"]}
    assert charts["chart-hazards-by-month"]["categories"] == [f"{YEAR}-04"]


def test_the_panels_export_to_xlsx(client, world, city_staff):
    client.force_login(city_staff)
    for key in ("competitions", "events"):
        response = client.get(reverse("dashboard_export", args=[key]), PERIOD)
        assert response.status_code == 200, key
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
