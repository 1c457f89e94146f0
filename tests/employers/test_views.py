"""Scoping, rights and query bounds of the ledger pages."""

import io

import openpyxl
import pytest
from django.urls import reverse

from apps.employers.models import DemonstrationSite, DemonstrationTarget, Employer, WorkInstructor
from tests.employers.factories import (
    DemonstrationSiteFactory,
    EmployerFactory,
    WorkInstructorFactory,
    credit_code,
)


@pytest.fixture
def employers(tree):
    a = EmployerFactory(
        name="甲厂", county=tree.county_a, township=tree.township_a1, covering_union=tree.union_a1a
    )
    a2 = EmployerFactory(name="乙厂", county=tree.county_a, covering_union=tree.union_a1b)
    b = EmployerFactory(name="丙厂", county=tree.county_b, covering_union=tree.union_b1)
    return a, a2, b


@pytest.fixture
def instructors(tree, employers):
    a = WorkInstructorFactory(county=tree.county_a, sent_by=tree.county_a)
    b = WorkInstructorFactory(county=tree.county_b, sent_by=tree.county_b)
    return a, b


def _names(response):
    return {row.record.name for row in response.context["table"].page.object_list}


def test_county_staff_list_shows_only_their_county(client, employers, county_staff):
    client.force_login(county_staff)
    response = client.get(reverse("employers:employer_list"))
    assert _names(response) == {"甲厂", "乙厂"}


def test_branch_officer_sees_only_employers_their_union_covers(client, employers, branch_officer):
    client.force_login(branch_officer)
    assert _names(client.get(reverse("employers:employer_list"))) == {"甲厂"}


@pytest.mark.parametrize(
    "user_fixture, index, status",
    [
        ("county_staff", 2, 404),  # other county
        ("branch_officer", 1, 404),  # sibling union's employer
        ("sibling_officer", 0, 404),
        ("branch_officer", 0, 200),
        ("city_staff", 2, 200),
    ],
)
def test_employer_detail_is_404_outside_scope(client, request, employers, user_fixture, index, status):
    client.force_login(request.getfixturevalue(user_fixture))
    assert (
        client.get(reverse("employers:employer_detail", args=[employers[index].pk])).status_code == status
    )


def test_county_staff_cannot_edit_another_countys_employer(client, employers, county_staff):
    client.force_login(county_staff)
    assert client.get(reverse("employers:employer_edit", args=[employers[2].pk])).status_code == 404


def test_branch_officer_lacks_the_right_to_edit_employers(client, employers, branch_officer):
    client.force_login(branch_officer)
    assert client.get(reverse("employers:employer_edit", args=[employers[0].pk])).status_code == 403
    assert client.get(reverse("employers:employer_create")).status_code == 403


def test_county_staff_creates_employer_with_normalized_credit_code(client, tree, county_staff):
    client.force_login(county_staff)
    code = credit_code(777)
    response = client.post(
        reverse("employers:employer_create"),
        {
            "name": "新单位",
            "social_credit_code": code.lower(),
            "county": tree.county_a.pk,
            "headcount": 40,
            "covering_union": tree.union_a1a.code,
            "status": "active",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    employer = Employer.objects.get(name="新单位")
    assert employer.social_credit_code == code
    assert employer.history.first().history_user == county_staff


def test_wrong_credit_code_check_character_is_refused(client, tree, county_staff):
    client.force_login(county_staff)
    code = credit_code(778)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post(
        reverse("employers:employer_create"),
        {
            "name": "错码单位",
            "social_credit_code": wrong,
            "county": tree.county_a.pk,
            "headcount": 1,
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert "social_credit_code" in response.context["form"].errors
    assert not Employer.objects.filter(name="错码单位").exists()


def test_county_staff_cannot_create_employer_in_another_county(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.post(
        reverse("employers:employer_create"),
        {
            "name": "越界单位",
            "county": tree.county_b.pk,
            "headcount": 1,
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert "county" in response.context["form"].errors
    assert not Employer.objects.filter(name="越界单位").exists()


def test_a_federation_cannot_cover_an_employer(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.post(
        reverse("employers:employer_create"),
        {
            "name": "单位",
            "county": tree.county_a.pk,
            "headcount": 1,
            "status": "active",
            "covering_union": tree.township_a1.code,
        },
    )
    assert "covering_union" in response.context["form"].errors


def test_employer_filters_by_coverage_bracket_and_search(client, tree, city_staff):
    EmployerFactory(name="大厂", county=tree.county_a, headcount=500, covering_union=tree.union_a1a)
    EmployerFactory(name="小厂", county=tree.county_a, headcount=10)
    code = credit_code(4242)
    EmployerFactory(name="中厂", county=tree.county_b, headcount=60, social_credit_code=code)
    client.force_login(city_staff)
    url = reverse("employers:employer_list")
    assert _names(client.get(url, {"covered": "no"})) == {"小厂", "中厂"}
    assert _names(client.get(url, {"headcount": "ge50"})) == {"大厂", "中厂"}
    assert _names(client.get(url, {"q": code.lower()})) == {"中厂"}
    assert _names(client.get(url, {"q": "小"})) == {"小厂"}
    assert _names(client.get(url, {"county": tree.county_b.pk})) == {"中厂"}


def test_employer_export_is_scoped_and_filtered(client, employers, county_staff):
    client.force_login(county_staff)
    response = client.get(reverse("employers:employer_export"), {"q": "厂"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"甲厂", "乙厂"}


def test_employer_export_neutralizes_formula_text(client, tree, city_staff):
    EmployerFactory(name='=HYPERLINK("http://x")', county=tree.county_a)
    client.force_login(city_staff)
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(reverse("employers:employer_export")).streaming_content))
    ).active
    assert sheet.cell(row=2, column=1).value.startswith("'=")


@pytest.mark.parametrize("size", [10, 200])
def test_employer_list_queries_do_not_grow_with_rows(
    client, tree, city_staff, django_assert_max_num_queries, size
):
    Employer.objects.bulk_create(
        Employer(
            name=f"单位{i}",
            county=tree.county_a,
            township=tree.township_a1,
            covering_union=tree.union_a1a,
            headcount=i,
        )
        for i in range(size)
    )
    client.force_login(city_staff)
    client.get(reverse("employers:employer_list"))  # warm the session/user queries
    with django_assert_max_num_queries(10):
        response = client.get(reverse("employers:employer_list"), {"covered": "yes"})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == min(size, 50)


@pytest.mark.parametrize("size", [10, 200])
def test_instructor_list_queries_do_not_grow_with_rows(
    client, tree, city_staff, django_assert_max_num_queries, size
):
    WorkInstructor.objects.bulk_create(
        WorkInstructor(
            name=f"指导员{i}", county=tree.county_a, sent_by=tree.county_a, started_on="2025-01-01"
        )
        for i in range(size)
    )
    client.force_login(city_staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("employers:instructor_list")).status_code == 200


@pytest.mark.parametrize("size", [10, 200])
def test_site_list_queries_do_not_grow_with_rows(
    client, tree, city_staff, django_assert_max_num_queries, size
):
    from apps.organizations.models import Organization
    from apps.organizations.services import create_organization

    orgs = [
        create_organization(
            code=f"S{i}", name=f"示范{i}", kind=Organization.Kind.GRASSROOTS, parent=tree.township_a1
        )
        for i in range(size)
    ]
    DemonstrationSite.objects.bulk_create(
        DemonstrationSite(organization=org, level="county", year_named=2024, demonstrates="x") for org in orgs
    )
    client.force_login(city_staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("employers:site_list")).status_code == 200


def test_instructor_list_and_counts_are_scoped(client, instructors, county_staff):
    client.force_login(county_staff)
    response = client.get(reverse("employers:instructor_list"))
    assert {row.record.pk for row in response.context["table"].page.object_list} == {instructors[0].pk}
    assert [row["county__name"] for row in response.context["per_county"]] == ["兰山区总工会"]


def test_instructor_detail_is_404_in_another_county(client, instructors, county_staff):
    client.force_login(county_staff)
    assert client.get(reverse("employers:instructor_detail", args=[instructors[1].pk])).status_code == 404
    assert client.get(reverse("employers:instructor_edit", args=[instructors[1].pk])).status_code == 404
    assert client.get(reverse("employers:instructor_detail", args=[instructors[0].pk])).status_code == 200


def test_staff_record_a_visit_to_an_assigned_employer(client, tree, employers, instructors, county_staff):
    instructor = instructors[0]
    instructor.employers.add(employers[0])
    client.force_login(county_staff)
    url = reverse("employers:instructor_detail", args=[instructor.pk])
    response = client.post(
        url, {"visited_on": "2026-03-01", "employer": employers[0].pk, "summary": "指导建会"}
    )
    assert response.status_code == 302
    assert instructor.visits.get().recorded_by == county_staff
    assert "指导建会" in client.get(url).content.decode()


def test_leader_cannot_record_a_visit(client, instructors, leader):
    client.force_login(leader)
    url = reverse("employers:instructor_detail", args=[instructors[0].pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"visited_on": "2026-03-01", "summary": "x"}).status_code == 403


def test_county_staff_creates_an_instructor_in_their_county(client, tree, employers, county_staff):
    employers[0].is_new_sector, employers[0].new_sector_kind = True, "courier"
    employers[0].save()
    client.force_login(county_staff)
    response = client.post(
        reverse("employers:instructor_create"),
        {
            "name": "王指导",
            "sent_by": tree.county_a.code,
            "county": tree.county_a.pk,
            "employers": [employers[0].pk],
            "started_on": "2026-01-01",
            "status": "active",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert list(WorkInstructor.objects.get(name="王指导").employers.all()) == [employers[0]]


def test_demonstration_sites_per_county_against_target(client, tree, city_staff):
    for code in ("D1", "D2", "D3"):
        from apps.organizations.services import create_organization

        org = create_organization(code=code, name=code, kind="grassroots", parent=tree.county_a)
        DemonstrationSiteFactory(organization=org)
    DemonstrationSiteFactory(organization=tree.union_b1)
    DemonstrationTarget.objects.create(county=tree.county_b, minimum=1, maximum=2)
    client.force_login(city_staff)
    rows = {
        row["county"].code: row
        for row in client.get(reverse("employers:site_list")).context["per_county"]
    }
    assert (rows["CA"]["count"], rows["CA"]["minimum"], rows["CA"]["met"]) == (3, 3, True)
    assert (rows["CB"]["count"], rows["CB"]["minimum"], rows["CB"]["met"]) == (1, 1, True)
    DemonstrationSite.objects.filter(organization__code="D3").update(status="revoked")
    rows = {
        row["county"].code: row
        for row in client.get(reverse("employers:site_list")).context["per_county"]
    }
    assert rows["CA"]["met"] is False


def test_site_edit_is_404_outside_scope(client, tree, county_staff):
    site = DemonstrationSiteFactory(organization=tree.union_b1)
    client.force_login(county_staff)
    assert client.get(reverse("employers:site_edit", args=[site.pk])).status_code == 404
    assert client.get(reverse("employers:site_list")).context["per_county"][0]["county"] == tree.county_a


def test_county_staff_cannot_name_a_city_level_site(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.post(
        reverse("employers:site_create"),
        {
            "organization": tree.union_a1a.code,
            "level": "city",
            "year_named": 2026,
            "demonstrates": "x",
            "status": "active",
        },
    )
    assert "level" in response.context["form"].errors


@pytest.mark.parametrize(
    "name",
    [
        "employer_list",
        "employer_export",
        "rate",
        "rate_export",
        "new_sector",
        "new_sector_export",
        "instructor_list",
        "site_list",
    ],
)
def test_ledger_pages_require_login(client, db, name):
    response = client.get(reverse(f"employers:{name}"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_site_list_shows_edit_links_only_to_editors(client, tree, county_staff, leader):
    DemonstrationSiteFactory(organization=tree.union_a1a)
    client.force_login(county_staff)
    assert "/edit/" in client.get(reverse("employers:site_list")).content.decode()
    client.force_login(leader)
    assert "/edit/" not in client.get(reverse("employers:site_list")).content.decode()
