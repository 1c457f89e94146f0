"""Ledger lists say how many they hold, instructors and sites export like the employers,
names lead to their pages and a ledger page leads back (issue 14 part 4 items 8, 9)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from apps.employers.models import DemonstrationSite, WorkInstructor
from tests.employers.factories import DemonstrationSiteFactory, EmployerFactory, WorkInstructorFactory

pytestmark = pytest.mark.django_db


def sheet_rows(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


@pytest.fixture
def ledger(tree):
    covered = EmployerFactory(name="甲厂", county=tree.county_a, township=tree.township_a1, covering_union=tree.union_a1a)
    EmployerFactory(name="乙厂", county=tree.county_a)
    EmployerFactory(name="丙厂", county=tree.county_b, covering_union=tree.union_b1)
    mine = WorkInstructorFactory(name="=甲指导员", county=tree.county_a, sent_by=tree.county_a)
    mine.employers.add(covered)
    WorkInstructorFactory(name="乙指导员", county=tree.county_a, sent_by=tree.township_a1, status=WorkInstructor.Status.ENDED)
    WorkInstructorFactory(name="丙指导员", county=tree.county_b, sent_by=tree.county_b)
    DemonstrationSiteFactory(organization=tree.union_a1a, demonstrates="+甲示范")
    DemonstrationSiteFactory(organization=tree.union_a1b, demonstrates="乙示范", status=DemonstrationSite.Status.REVOKED)
    DemonstrationSiteFactory(organization=tree.union_b1, demonstrates="丙示范")
    return covered


def test_employer_list_says_how_many_match_the_filters(client, ledger, county_staff):
    client.force_login(county_staff)
    html = client.get(reverse("employers:employer_list")).content.decode()
    assert 'id="employer-count">2 employer units found<' in html
    html = client.get(reverse("employers:employer_list"), {"covered": "yes"}).content.decode()
    assert 'id="employer-count">1 employer unit found<' in html


def test_instructor_list_counts_and_exports_the_filtered_scope(client, ledger, county_staff):
    client.force_login(county_staff)
    html = client.get(reverse("employers:instructor_list"), {"status": "active"}).content.decode()
    assert 'id="instructor-count">1 work instructor found<' in html
    assert f'href="{reverse("employers:instructor_export")}?status=active">Export (.xlsx)<' in html
    rows = sheet_rows(client.get(reverse("employers:instructor_export")))
    assert rows[0][:3] == ["name", "county/district", "sent by"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"'=甲指导员", "乙指导员"}  # formula-safe; county B's is not in scope
    assert by_name["'=甲指导员"][3:5] == [1, "甲厂"]
    only_active = sheet_rows(client.get(reverse("employers:instructor_export"), {"status": "active"}))
    assert [row[0] for row in only_active[1:]] == ["'=甲指导员"]


def test_site_list_counts_and_exports_the_filtered_scope(client, ledger, county_staff):
    client.force_login(county_staff)
    html = client.get(reverse("employers:site_list")).content.decode()
    assert 'id="site-count">2 demonstration sites found<' in html
    assert f'href="{reverse("employers:site_export")}?">Export (.xlsx)<' in html
    rows = sheet_rows(client.get(reverse("employers:site_export")))
    assert rows[0][:2] == ["union organization", "organization code"]
    assert sorted((row[1], row[5]) for row in rows[1:]) == [("CA1a", "'+甲示范"), ("CA1b", "乙示范")]
    revoked = sheet_rows(client.get(reverse("employers:site_export"), {"status": "revoked"}))
    assert [row[1] for row in revoked[1:]] == ["CA1b"]


@pytest.mark.parametrize("size", [5, 150])
def test_instructor_export_queries_do_not_grow(client, tree, county_staff, size, django_assert_max_num_queries):
    WorkInstructor.objects.bulk_create(
        WorkInstructor(name=f"指导员{i}", county=tree.county_a, sent_by=tree.county_a, started_on="2025-01-01")
        for i in range(size)
    )
    client.force_login(county_staff)
    # session, user, scope root, instructors, their employers; session save (3)
    with django_assert_max_num_queries(9):
        assert len(sheet_rows(client.get(reverse("employers:instructor_export")))) == size + 1


def test_employer_page_links_its_organizations_and_leads_back(client, ledger, county_staff):
    client.force_login(county_staff)
    html = client.get(reverse("employers:employer_detail", args=[ledger.pk])).content.decode()
    crumbs = html.split('id="ledger-breadcrumb"')[1].split("</ol>")[0]
    assert reverse("employers:employer_list") in crumbs and "甲厂" in crumbs
    union = html.split('id="employer-covering-union"')[1].split("</dd>")[0]
    assert f'href="{reverse("organizations:detail", args=["CA1a"])}">甲公司工会<' in union
    assert f'{reverse("employers:employer_list")}?union=CA1a' in union
    assert reverse("organizations:detail", args=["CA1"]) in html.split('id="employer-township"')[1].split("</dd>")[0]


def test_employer_page_names_without_a_link_what_the_user_may_not_open(client, tree, branch_officer):
    """A branch officer sees the employers their union covers; the county and township above
    lie outside their scope, so their names are not links (the link would answer 404)."""
    employer = EmployerFactory(county=tree.county_a, township=tree.township_a1, covering_union=tree.union_a1a)
    client.force_login(branch_officer)
    html = client.get(reverse("employers:employer_detail", args=[employer.pk])).content.decode()
    assert "兰山区总工会" in html and reverse("organizations:detail", args=["CA"]) not in html
    assert reverse("organizations:detail", args=["CA1"]) not in html
    assert reverse("organizations:detail", args=["CA1a"]) in html


def test_employer_list_links_the_covering_union_in_scope(client, ledger, county_staff):
    client.force_login(county_staff)
    html = client.get(reverse("employers:employer_list")).content.decode()
    assert f'<a href="{reverse("organizations:detail", args=["CA1a"])}">甲公司工会</a>' in html


def test_instructor_page_leads_back_to_the_instructor_list(client, ledger, county_staff):
    instructor = WorkInstructor.objects.get(name="=甲指导员")
    client.force_login(county_staff)
    html = client.get(reverse("employers:instructor_detail", args=[instructor.pk])).content.decode()
    crumbs = html.split('id="ledger-breadcrumb"')[1].split("</ol>")[0]
    assert reverse("employers:instructor_list") in crumbs and "=甲指导员" in crumbs
