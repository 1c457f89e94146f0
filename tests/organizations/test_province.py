"""A provincial federation above the cities (issue 21): the tree, the county of every node,
and the scope — a province user sees every city, a city user their own and never a sibling.

    province (P)
    ├── city (C) ── county A (CA) ── township A1 (CA1) ── unions CA1a, CA1b; county B (CB) ── CB1
    └── city S (S) ── county SA (SA) ── township SA1 (SA1) ── union SA1a
"""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from apps.accounts.roles import Role
from apps.organizations.models import Organization
from apps.organizations.scope import get_visible_or_404, narrowed_to, visible_organizations
from apps.organizations.selectors import city_and_county_federations
from apps.organizations.services import check_kind_fits
from tests.accounts.factories import UserFactory
from tests.conftest import build_tree
from tests.organizations.factories import OrganizationFactory

K = Organization.Kind


@pytest.fixture
def province_world(db):
    province = OrganizationFactory(code="P", name="山东省总工会", kind=K.PROVINCE_FEDERATION)
    tree = build_tree(province)
    sibling = OrganizationFactory(code="S", name="济南市总工会", kind=K.CITY_FEDERATION, parent=province)
    s_county = OrganizationFactory(code="SA", name="济南市历下区总工会", kind=K.COUNTY_FEDERATION, parent=sibling)
    s_township = OrganizationFactory(code="SA1", name="解放路街道总工会", kind=K.TOWNSHIP_FEDERATION, parent=s_county)
    s_union = OrganizationFactory(code="SA1a", name="丁公司工会", parent=s_township)
    return province, tree, sibling, s_county, s_township, s_union


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_the_county_of_every_node_is_its_county_federation_under_a_province(province_world):
    """DESIGN.md: a node's county is the county/district federation it lies in (itself for a
    county, none above); a province above the cities changes nothing below them."""
    province, tree, sibling, s_county, s_township, s_union = province_world
    assert (province.county, tree.city.county, sibling.county) == (None, None, None)
    assert (province.depth, tree.city.depth, tree.county_a.depth, tree.union_a1a.depth) == (0, 1, 2, 4)
    assert tree.county_a.county == tree.county_a
    assert tree.union_a1a.county == tree.county_a and tree.union_b1.county == tree.county_b
    assert (s_township.county, s_union.county) == (s_county, s_county)
    assert s_union.path == "/P/S/SA/SA1/SA1a/"


def test_a_province_is_a_root_and_holds_cities(province_world):
    """The union's levels: 省总工会 → 市总工会 → 县（区）总工会; no level is skipped."""
    province, tree, *_ = province_world
    check_kind_fits(kind=K.PROVINCE_FEDERATION, parent=None)
    check_kind_fits(kind=K.CITY_FEDERATION, parent=None)  # a city alone is still a root
    check_kind_fits(kind=K.CITY_FEDERATION, parent=province)
    with pytest.raises(ValidationError):  # a county sits under a city, never directly under the province
        check_kind_fits(kind=K.COUNTY_FEDERATION, parent=province)
    with pytest.raises(ValidationError):  # a province sits at the top only
        check_kind_fits(kind=K.PROVINCE_FEDERATION, parent=province)
    with pytest.raises(ValidationError):
        check_kind_fits(kind=K.PROVINCE_FEDERATION, parent=tree.city)


def test_province_user_sees_every_city(province_world):
    province, *_ = province_world
    user = UserFactory(username="prov", role=Role.CITY_STAFF, organization=province)
    assert codes(visible_organizations(user)) == sorted(
        ["P", "C", "CA", "CA1", "CA1a", "CA1b", "CB", "CB1", "S", "SA", "SA1", "SA1a"])


def test_city_user_sees_only_their_city_never_a_sibling_city(province_world):
    province, tree, sibling, s_county, s_township, s_union = province_world
    user = UserFactory(username="city", role=Role.CITY_STAFF, organization=tree.city)
    assert codes(visible_organizations(user)) == ["C", "CA", "CA1", "CA1a", "CA1b", "CB", "CB1"]
    for org in (province, sibling, s_county, s_union):
        with pytest.raises(Http404):
            get_visible_or_404(Organization.objects.all(), user, via="", code=org.code)
    sibling_user = UserFactory(username="s", role=Role.CITY_STAFF, organization=sibling)
    assert codes(visible_organizations(sibling_user)) == ["S", "SA", "SA1", "SA1a"]


def test_narrowed_actor_reads_one_city_and_only_inside_the_users_scope(province_world):
    province, tree, sibling, *_ = province_world
    user = UserFactory(username="prov", role=Role.CITY_STAFF, organization=province)
    narrowed = narrowed_to(user, sibling)
    assert codes(visible_organizations(narrowed)) == ["S", "SA", "SA1", "SA1a"]
    assert narrowed.has_capability("dashboard.screen") and narrowed.pk == user.pk
    superuser = UserFactory(username="root", is_superuser=True)
    assert codes(visible_organizations(narrowed_to(superuser, sibling))) == ["S", "SA", "SA1", "SA1a"]
    city_user = UserFactory(username="city", role=Role.CITY_STAFF, organization=tree.city)
    with pytest.raises(Http404):
        narrowed_to(city_user, sibling)


def test_monthly_statistics_are_scheduled_for_the_province_too(province_world):
    province, tree, sibling, s_county, *_ = province_world
    assert [o.code for o in city_and_county_federations()] == ["P", "C", "S", "CA", "CB", "SA"]
