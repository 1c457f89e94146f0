"""Statistics per year and county equal plain SQL over the tables (issue 17 item 5), for
the city and for one county (scope), and every figure links to the list it counts."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from apps.competitions import selectors, services
from tests.competitions.factories import YEAR, honor_kind, make_competition, make_fund
from tests.employers.factories import EmployerFactory
from tests.members.factories import MemberFactory, id_number_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(city_staff, county_staff, tree, employer_a, employer_b):
    city = make_competition(city_staff, tree.city, start=True)
    county = make_competition(county_staff, tree.county_a, level="county", kind="skills", name="兰山技能大赛")
    make_competition(county_staff, tree.county_a, level="county", kind="theme", name="去年的",
                     starts_on=datetime.date(YEAR - 1, 3, 1), ends_on=datetime.date(YEAR - 1, 4, 1))
    speech = make_competition(city_staff, tree.city, kind="speech", name="演讲比赛")
    services.add_participation(actor=city_staff, competition=speech, organization=tree.union_a1a, counted_people=4000)
    services.add_participation(actor=city_staff, competition=speech, organization=tree.union_b1, counted_people=2500)
    services.add_team(actor=city_staff, competition=city, organization=tree.union_a1a, name="甲标段")
    services.add_team(actor=city_staff, competition=city, organization=tree.union_b1, name="丙标段")
    member = MemberFactory(organization=tree.union_a1b, id_number=id_number_for(800_001))
    services.add_participant(actor=county_staff, competition=county, organization=None, id_number=member.id_number)
    services.add_participant(actor=county_staff, competition=county, organization=tree.union_a1a, name="外援")
    services.record_honor(actor=city_staff, kind=honor_kind(), level="city", year=YEAR, organization=tree.union_a1a,
                          id_number=member.id_number)
    services.record_honor(actor=city_staff, kind=honor_kind(), level="national", year=YEAR,
                          organization=tree.union_b1, id_number=id_number_for(800_002), honoree="全国劳模")
    services.record_honor(actor=county_staff, kind=honor_kind("worker_pioneer"), level="county", year=YEAR,
                          organization=tree.union_a1a, honoree="检修班")
    make_fund(tree.city)
    a = services.name_innovation_enterprise(actor=city_staff, employer=employer_a, level="city", year_named=YEAR,
                                            granted="200000")
    services.name_innovation_enterprise(actor=city_staff, employer=employer_b, level="provincial", year_named=YEAR,
                                        granted="300000")
    services.name_innovation_enterprise(actor=county_staff, level="county", year_named=YEAR,
                                        employer=EmployerFactory(county=tree.county_a, township=tree.township_a1))
    services.record_fund_payment(actor=city_staff, enterprise=a, amount="120000", paid_on=datetime.date(YEAR, 5, 1))
    services.record_fund_payment(actor=city_staff, enterprise=a, amount="30000", paid_on=datetime.date(YEAR, 9, 1))


def sql(query, *params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def by_county(rows):
    return {row.county.code if row.county else "total": row for row in rows}


def test_statistics_equal_plain_sql(data, city_staff, tree):
    rows = by_county(selectors.statistics(actor=city_staff, year=YEAR))
    competitions = sql("""SELECT coalesce(o.county_id, o.id), c.kind, count(*) FROM competitions_competition c
                          JOIN organizations_organization o ON o.id = c.host_id
                          WHERE extract(year FROM c.starts_on) = %s GROUP BY 1, 2""", YEAR)
    for county_id, kind, n in competitions:
        code = sql("SELECT code FROM organizations_organization WHERE id = %s", county_id)[0][0]
        assert rows[code].competitions_by_kind[kind] == n
    assert sum(rows["total"].competitions_by_kind.values()) == sum(n for *_, n in competitions) == 3
    (people,) = sql("""SELECT (SELECT sum(p.counted_people) FROM competitions_participation p
                               JOIN competitions_competition c ON c.id = p.competition_id
                               WHERE extract(year FROM c.starts_on) = %s)
                            + (SELECT count(*) FROM competitions_participant p
                               JOIN competitions_competition c ON c.id = p.competition_id
                               WHERE extract(year FROM c.starts_on) = %s)""", YEAR, YEAR)[0]
    assert rows["total"].people_times == people == 6502
    (orgs,) = sql("""SELECT count(*) FROM competitions_participation p
                     JOIN competitions_competition c ON c.id = p.competition_id
                     WHERE extract(year FROM c.starts_on) = %s""", YEAR)[0]
    assert rows["total"].organizations == orgs
    honors = dict(sql("SELECT level, count(*) FROM competitions_honor WHERE year = %s GROUP BY level", YEAR))
    assert rows["total"].honors_by_level == honors
    enterprises = dict(sql("""SELECT level, count(*) FROM competitions_innovationenterprise WHERE year_named = %s
                              GROUP BY level""", YEAR))
    assert rows["total"].enterprises_by_level == enterprises
    (paid,) = sql("SELECT sum(amount) FROM competitions_fundpayment WHERE extract(year FROM paid_on) = %s", YEAR)[0]
    assert rows["total"].paid == paid
    (granted,) = sql("SELECT sum(granted) FROM competitions_innovationenterprise WHERE year_named = %s", YEAR)[0]
    assert rows["total"].granted == granted
    assert rows["CA"].paid == paid and rows["CB"].granted == 300000


def test_county_staff_see_their_county_only(data, county_staff):
    rows = by_county(selectors.statistics(actor=county_staff, year=YEAR))
    assert set(rows) == {"CA", "total"}
    (people,) = sql("""SELECT (SELECT sum(p.counted_people) FROM competitions_participation p
                               JOIN organizations_organization o ON o.id = p.organization_id WHERE o.code LIKE 'CA%%')
                            + (SELECT count(*) FROM competitions_participant p
                               JOIN organizations_organization o ON o.id = p.organization_id
                               WHERE o.code LIKE 'CA%%')""")[0]
    assert rows["total"].people_times == people == 4002
    assert rows["total"].honors_by_level == {"city": 1, "county": 1}
    assert rows["total"].enterprises_by_level == {"city": 1, "county": 1}


def test_dashboard_selectors_agree_with_the_page(data, city_staff, tree):
    total = by_county(selectors.statistics(actor=city_staff, year=YEAR))["total"]
    assert selectors.competition_counts(actor=city_staff, year=YEAR)["by_level"] == total.competitions_by_level
    assert selectors.participation_totals(actor=city_staff, year=YEAR) == {
        "organizations": total.organizations, "people_times": total.people_times}
    assert {k: v for k, v in selectors.honor_counts(actor=city_staff, year=YEAR).items() if k != "total"} == \
        total.honors_by_level
    assert selectors.innovation_enterprise_counts(actor=city_staff, year=YEAR)["total"] == 3
    assert selectors.fund_totals(actor=city_staff, year=YEAR) == {"granted": total.granted, "paid": total.paid}
    county_a = selectors.competition_counts(actor=city_staff, year=YEAR, county=tree.county_a)
    assert county_a["total"] == 1


def test_each_figure_links_to_the_list_it_counts(data, client, city_staff):
    """Follow every link of the page: the list it opens shows as many rows as the figure says
    (competitions, honors, enterprises); the participation and fund links carry the same filters."""
    client.force_login(city_staff)
    html = client.get(reverse("competitions:statistics"), {"year": YEAR}).content.decode()
    links = re.findall(r'<td class="text-end"><a href="([^"]+)">([^<]+)</a></td>', html)
    assert len(links) == 4 * 18  # city-level row, two counties, the total; 18 figures each
    checked = 0
    for url, figure in links:
        url = url.replace("&amp;", "&")
        if "/honors/" in url or "/innovation/" in url or url.startswith(reverse("competitions:list") + "?"):
            if "innovation/" in url and "level=" not in url:
                continue  # the granted figure is yuan, not a count
            page = client.get(url).content.decode()
            rows = len(re.findall(r"<tr[ >]", page.split("<tbody", 1)[1])) if "<tbody" in page else 0
            empty = "No " in page.split("<tbody", 1)[1][:400] if "<tbody" in page else True
            assert (0 if empty else rows) == int(figure), (url, figure, rows)
            checked += 1
    assert checked > 30
