"""The dashboard under a provincial federation (issue 21): the province's figures are the
province's subtree, a province user who picks a city sees exactly what that city's staff see,
and a city user never reaches a sibling city's figures. Figures equal plain SQL (the same
definitions as tests/dashboard/test_dashboard.py)."""

import pytest
from django.urls import reverse

from apps.accounts.roles import Role
from apps.members.models import MemberStatus, WorkerCategory
from apps.organizations.models import Organization
from tests.accounts.factories import UserFactory
from tests.conftest import build_tree
from tests.employers.factories import EmployerFactory, WorkInstructorFactory
from tests.members.factories import MemberFactory, id_number_for
from tests.organizations.factories import OrganizationFactory

from .conftest import NOW, PERIOD, day
from .test_dashboard import (
    figures,
    sql_current_members,
    sql_given,
    sql_instructors,
    sql_joined,
    sql_orgs,
    sql_rate,
)

K = Organization.Kind


@pytest.fixture
def province(db):
    return OrganizationFactory(code="P", name="山东省总工会", kind=K.PROVINCE_FEDERATION)


@pytest.fixture
def tree(province):
    """The shared test tree (city C with counties A and B), under the province."""
    return build_tree(province)


@pytest.fixture
def sibling(figures_world, province):
    """A second city beside C, with members, employers and an instructor of its own."""
    city = OrganizationFactory(code="S", name="济南市总工会", kind=K.CITY_FEDERATION, parent=province)
    county = OrganizationFactory(code="SA", name="济南市历下区总工会", kind=K.COUNTY_FEDERATION, parent=city)
    union = OrganizationFactory(code="SA1", name="丁公司工会", parent=county)
    for n, joined in enumerate([day(2025, 2), day(2025, 6), day(2024, 6)]):
        MemberFactory(organization=union, worker_category=WorkerCategory.REGULAR, joined_on=joined,
                      status=MemberStatus.ACTIVE, id_number=id_number_for(900_000 + n))
    EmployerFactory(county=county, covering_union=union, headcount=70, union_established_on=day(2025, 3))
    EmployerFactory(county=county, covering_union=None, headcount=40)
    WorkInstructorFactory(county=county, sent_by=county)
    return city


@pytest.fixture
def province_staff(province):
    return UserFactory(username="province", role=Role.CITY_STAFF, organization=province)


def _assert_figures_are_the_subtrees(found, path):
    assert found["members-current"].value == sql_current_members(path)
    assert found["members-joined"].value == sql_joined(path, NOW)
    assert found["org-grassroots"].value == sql_orgs(path, "grassroots")
    assert found["rate-25"].value == sql_rate(path, 25)
    assert found["rate-50"].value == sql_rate(path, 50)
    assert found["instructors"].value == sql_instructors(path)
    assert found["given-amount"].value == sql_given(path, NOW)


def test_province_figures_equal_plain_sql_over_every_city(client, sibling, province_staff):
    client.force_login(province_staff)
    found = figures(client.get(reverse("dashboard"), PERIOD))
    _assert_figures_are_the_subtrees(found, "/P/")
    assert found["members-current"].value == 8 + 3  # so the test can fail: both cities counted


def test_province_user_picks_a_city_and_sees_exactly_its_staffs_figures(client, sibling, province_staff, city_staff):
    client.force_login(province_staff)
    picked = figures(client.get(reverse("dashboard"), {**PERIOD, "city": "C"}))
    _assert_figures_are_the_subtrees(picked, "/P/C/")
    client.force_login(city_staff)
    own = figures(client.get(reverse("dashboard"), PERIOD))
    _assert_figures_are_the_subtrees(own, "/P/C/")
    assert {k: (f.value, f.previous) for k, f in picked.items()} == {k: (f.value, f.previous) for k, f in own.items()}
    assert own["members-current"].value == 8 and own["instructors"].value == 2  # the sibling's are not in


def test_province_user_picks_a_city_then_one_of_its_counties(client, sibling, province_staff, figures_world):
    client.force_login(province_staff)
    found = figures(client.get(reverse("dashboard"), {**PERIOD, "city": "C", "county": "CB"}))
    assert found["members-current"].value == sql_current_members(figures_world.county_b.path) == 3
    # A county of another city than the one picked answers 404, as any county outside the scope.
    assert client.get(reverse("dashboard"), {**PERIOD, "city": "C", "county": "SA"}).status_code == 404


def test_city_user_cannot_reach_a_sibling_city_or_its_county(client, sibling, city_staff):
    client.force_login(city_staff)
    assert client.get(reverse("dashboard_export", args=["members"]), {"city": "C"}).status_code == 200
    for params in ({"city": "S"}, {"county": "SA"}, {"city": "P"}):
        assert client.get(reverse("dashboard"), {**PERIOD, **params}).status_code == 404
        assert client.get(reverse("dashboard_export", args=["members"]), params).status_code == 404


def test_province_user_has_a_city_picker_and_a_city_user_none(client, sibling, province_staff, city_staff):
    client.force_login(province_staff)
    form = client.get(reverse("dashboard")).context["form"]
    assert sorted(form.fields["city"].queryset.values_list("code", flat=True)) == ["C", "S"]
    assert sorted(form.fields["county"].queryset.values_list("code", flat=True)) == ["CA", "CB", "SA"]
    client.force_login(city_staff)
    form = client.get(reverse("dashboard")).context["form"]
    assert "city" not in form.fields
    assert sorted(form.fields["county"].queryset.values_list("code", flat=True)) == ["CA", "CB"]


@pytest.mark.parametrize("params", [PERIOD, {**PERIOD, "city": "C"}], ids=["province", "one-city"])
def test_province_dashboard_queries_are_bounded(client, sibling, province_staff, params, django_assert_max_num_queries):
    """The city's bound (test_dashboard.QUERY_BOUND) plus the picked city's lookup."""
    client.force_login(province_staff)
    with django_assert_max_num_queries(23):
        assert client.get(reverse("dashboard"), params).status_code == 200
