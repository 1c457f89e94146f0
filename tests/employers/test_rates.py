"""The establishment rate the portal shows equals a plain SQL count over the same rows."""

import io

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse

from apps.employers.models import Employer
from apps.employers.rates import BRACKETS, rate_percent
from apps.employers.selectors import county_rate_table, new_sector_rate_table
from tests.employers.factories import EmployerFactory

RAW_RATE_SQL = """
    SELECT e.county_id,
           count(*) FILTER (WHERE e.headcount >= %(minimum)s) AS total,
           count(*) FILTER (WHERE e.headcount >= %(minimum)s AND e.covering_union_id IS NOT NULL) AS covered
      FROM employers_employer e
      JOIN organizations_organization c ON c.id = e.county_id
      LEFT JOIN organizations_organization t ON t.id = e.township_id
      LEFT JOIN organizations_organization u ON u.id = e.covering_union_id
     WHERE e.status = 'active'
       AND (c.path LIKE %(prefix)s OR t.path LIKE %(prefix)s OR u.path LIKE %(prefix)s)
  GROUP BY e.county_id
"""


def raw_rates(prefix: str, minimum: int) -> dict[int, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(RAW_RATE_SQL, {"minimum": minimum, "prefix": prefix + "%"})
        return {county: (total, covered) for county, total, covered in cursor.fetchall()}


@pytest.fixture
def ledger(tree):
    """A mix of brackets, coverage and statuses in both counties."""
    t = tree
    spec = [
        # county, township, union, headcount, status
        (t.county_a, t.township_a1, t.union_a1a, 120, "active"),
        (t.county_a, t.township_a1, t.union_a1a, 50, "active"),
        (t.county_a, t.township_a1, None, 49, "active"),
        (t.county_a, None, t.union_a1b, 25, "active"),
        (t.county_a, None, None, 24, "active"),
        (t.county_a, None, None, 300, "active"),
        (t.county_a, None, t.union_a1a, 80, "closed"),  # closed: never counted
        (t.county_a, None, None, 3, "active"),
        (t.county_b, None, t.union_b1, 60, "active"),
        (t.county_b, None, None, 26, "active"),
        (t.county_b, None, None, 51, "active"),
        (t.county_b, None, None, 0, "active"),
    ]
    for county, township, union, headcount, status in spec:
        EmployerFactory(
            county=county, township=township, covering_union=union, headcount=headcount, status=status
        )
    return t


@pytest.mark.parametrize(
    "user_fixture", ["superuser", "city_staff", "county_staff", "branch_officer", "sibling_officer"]
)
def test_rate_table_equals_plain_sql_for_every_scope_and_bracket(request, ledger, user_fixture):
    user = request.getfixturevalue(user_fixture)
    prefix = "" if user.is_superuser else user.organization.path
    rows, total = county_rate_table(actor=user)
    portal = {row.key: row for row in rows}
    for key, minimum, _label in BRACKETS:
        expected = raw_rates(prefix, minimum)
        assert expected, "the SQL must see rows in every scope of this test"
        for county_id, (count, covered) in expected.items():
            figures = portal[county_id].brackets[key]
            assert (figures.total, figures.covered) == (count, covered), (user_fixture, key)
            assert figures.rate == rate_percent(covered, count)
        assert total.brackets[key].total == sum(c for c, _ in expected.values())
        assert total.brackets[key].covered == sum(c for _, c in expected.values())


def test_county_staff_rate_table_lists_only_their_county(ledger, county_staff):
    rows, total = county_rate_table(actor=county_staff)
    assert [row.key for row in rows] == [ledger.county_a.pk]
    # county A, active: headcounts 120, 50, 49, 25, 24, 300, 3; covered: 120, 50, 25
    assert (total.brackets["all"].total, total.brackets["all"].covered) == (7, 3)
    assert (total.brackets["25"].total, total.brackets["25"].covered) == (5, 3)
    assert (total.brackets["50"].total, total.brackets["50"].covered) == (3, 2)
    assert str(total.brackets["50"].rate) == "66.7"


def test_branch_officer_sees_only_the_employers_their_union_covers(ledger, branch_officer):
    _rows, total = county_rate_table(actor=branch_officer)
    assert total.brackets["all"].total == total.brackets["all"].covered == 2


def test_county_without_employers_shows_zero_and_no_rate(tree, city_staff):
    rows, _total = county_rate_table(actor=city_staff)
    assert {row.label for row in rows} == {tree.county_a.name, tree.county_b.name}
    assert all(row.brackets["all"].total == 0 and row.brackets["all"].rate is None for row in rows)


def test_new_sector_table_counts_only_new_sector_employers_by_kind(tree, city_staff):
    EmployerFactory(
        county=tree.county_a,
        is_new_sector=True,
        new_sector_kind="courier",
        headcount=40,
        covering_union=tree.union_a1a,
    )
    EmployerFactory(county=tree.county_a, is_new_sector=True, new_sector_kind="courier", headcount=10)
    EmployerFactory(county=tree.county_b, is_new_sector=True, new_sector_kind="law_firm", headcount=60)
    EmployerFactory(county=tree.county_b, headcount=60)  # not new sector
    rows, total = new_sector_rate_table(actor=city_staff)
    by_kind = {row.key: row for row in rows}
    assert (by_kind["courier"].brackets["all"].total, by_kind["courier"].brackets["all"].covered) == (2, 1)
    assert by_kind["courier"].brackets["25"].total == 1
    assert by_kind["law_firm"].brackets["50"].total == 1
    assert total.brackets["all"].total == 3
    _rows_b, total_b = new_sector_rate_table(actor=city_staff, county=tree.county_b)
    assert total_b.brackets["all"].total == 1


def test_rate_page_states_the_definition_and_the_figures(client, ledger, county_staff):
    client.force_login(county_staff)
    response = client.get(reverse("employers:rate"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="rate-definition"' in body
    assert ledger.county_a.name in body and ledger.county_b.name not in body
    assert "66.7%" in body


def test_rate_page_sorts_by_a_bracket_rate(client, ledger, city_staff):
    client.force_login(city_staff)
    response = client.get(reverse("employers:rate"), {"sort": "-rate_all"})
    labels = [row.label for row in response.context["rows"]]
    # county A: 3/7 = 42.9 %, county B: 1/4 = 25 %
    assert labels == [ledger.county_a.name, ledger.county_b.name]
    response = client.get(reverse("employers:rate"), {"sort": "rate_all"})
    assert [row.label for row in response.context["rows"]] == [ledger.county_b.name, ledger.county_a.name]


def test_rate_export_gives_the_same_figures_as_the_page(client, ledger, city_staff):
    client.force_login(city_staff)
    page = client.get(reverse("employers:rate"))
    export = client.get(reverse("employers:rate_export"))
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = []
    for row in [*page.context["rows"], page.context["total"]]:
        line = [str(row.label)]
        for figures in row.figures:
            line += [figures.total, figures.covered, None if figures.rate is None else float(figures.rate)]
        expected.append(tuple(line))
    assert values == expected


def test_county_staff_export_leaves_out_other_counties(client, ledger, county_staff):
    client.force_login(county_staff)
    export = client.get(reverse("employers:rate_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    labels = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ledger.county_b.name not in labels
    assert Employer.objects.filter(county=ledger.county_b).exists()


def test_new_sector_page_404s_for_a_county_outside_scope(client, tree, county_staff):
    client.force_login(county_staff)
    assert client.get(reverse("employers:new_sector"), {"county": tree.county_b.code}).status_code == 404
    assert client.get(reverse("employers:new_sector"), {"county": tree.county_a.code}).status_code == 200
    assert client.get(reverse("employers:new_sector_export"), {"county": "CB"}).status_code == 404


@pytest.mark.parametrize("size", [10, 200])
@pytest.mark.parametrize("name", ["rate", "new_sector", "rate_export"])
def test_rate_pages_take_the_same_queries_at_any_size(
    client, tree, city_staff, django_assert_max_num_queries, size, name
):
    Employer.objects.bulk_create(
        Employer(
            name=f"单位{i}",
            county=tree.county_a if i % 2 else tree.county_b,
            headcount=i,
            is_new_sector=True,
            new_sector_kind="courier",
            covering_union=tree.union_a1a if i % 3 else None,
        )
        for i in range(size)
    )
    client.force_login(city_staff)
    with django_assert_max_num_queries(8):
        assert client.get(reverse(f"employers:{name}")).status_code == 200
