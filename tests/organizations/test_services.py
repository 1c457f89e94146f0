import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from apps.organizations.models import Organization
from apps.organizations.services import (
    ALLOWED_CHILDREN,
    add_organization,
    allowed_child_kinds,
    check_kind_fits,
    update_organization,
)

K = Organization.Kind


def test_only_the_city_or_a_provincial_federation_can_be_a_root():
    """A portal serves one city, or a province's cities under its 省总工会 (issue 21)."""
    assert allowed_child_kinds(None) == (K.CITY_FEDERATION, K.PROVINCE_FEDERATION)


def test_nothing_at_county_level_or_above_fits_under_a_township(tree):
    for kind in (K.CITY_FEDERATION, K.COUNTY_FEDERATION, K.TOWNSHIP_FEDERATION, K.INDUSTRY_FEDERATION):
        with pytest.raises(ValidationError):
            check_kind_fits(kind=kind, parent=tree.township_a1)
    check_kind_fits(kind=K.GRASSROOTS, parent=tree.township_a1)


def test_county_federations_sit_only_under_the_city():
    holders = [parent for parent, kinds in ALLOWED_CHILDREN.items() if K.COUNTY_FEDERATION in kinds]
    assert holders == [K.CITY_FEDERATION]
    # A city sits at the top or under its province, nowhere else; a province only at the top.
    assert [p for p, kinds in ALLOWED_CHILDREN.items() if K.CITY_FEDERATION in kinds] == [K.PROVINCE_FEDERATION]
    assert all(K.PROVINCE_FEDERATION not in kinds for kinds in ALLOWED_CHILDREN.values())


def test_county_staff_adds_a_township_under_their_county_with_history(tree, county_staff):
    org = add_organization(actor=county_staff, parent=tree.county_a, code="CA2", name="新街道总工会",
                           kind=K.TOWNSHIP_FEDERATION)
    assert org.path == "/C/CA/CA2/" and org.depth == 2 and org.county == tree.county_a
    assert org.history.get().history_user == county_staff


def test_adding_a_county_points_it_at_itself(tree, city_staff):
    org = add_organization(actor=city_staff, parent=tree.city, code="CC", name="河东区总工会",
                           kind=K.COUNTY_FEDERATION)
    assert org.county == org


def test_county_staff_cannot_create_the_city_federation(tree, county_staff):
    with pytest.raises(ValidationError) as exc:
        add_organization(actor=county_staff, parent=None, code="X", name="x", kind=K.CITY_FEDERATION)
    assert "parent" in exc.value.message_dict
    assert not Organization.objects.filter(code="X").exists()


def test_parent_outside_scope_is_refused(tree, county_staff):
    with pytest.raises(ValidationError) as exc:
        add_organization(actor=county_staff, parent=tree.county_b, code="CB9", name="x", kind=K.GRASSROOTS)
    assert "parent" in exc.value.message_dict
    assert not Organization.objects.filter(code="CB9").exists()


def test_duplicate_code_is_refused_with_a_clear_message(tree, county_staff):
    with pytest.raises(ValidationError) as exc:
        add_organization(actor=county_staff, parent=tree.township_a1, code="CB1", name="x", kind=K.GRASSROOTS)
    assert "CB1" in exc.value.message_dict["code"][0]


def test_branch_officer_may_not_create(tree, branch_officer):
    with pytest.raises(PermissionDenied):
        add_organization(actor=branch_officer, parent=tree.union_a1a, code="S1", name="x", kind=K.GRASSROOTS)


def test_update_changes_name_status_and_records_the_user(tree, county_staff):
    update_organization(actor=county_staff, organization=tree.union_a1a, name="甲公司工会（新）",
                        kind=K.JOINT_GRASSROOTS, status=Organization.Status.DISSOLVED)
    org = Organization.objects.get(code="CA1a")
    assert (org.name, org.kind, org.status, org.path) == ("甲公司工会（新）", K.JOINT_GRASSROOTS, "dissolved", "/C/CA/CA1/CA1a/")
    assert org.history.first().history_user == county_staff


def test_update_refuses_a_kind_that_cannot_hold_the_children(tree, county_staff):
    with pytest.raises(ValidationError) as exc:
        update_organization(actor=county_staff, organization=tree.township_a1, name="x",
                            kind=K.VILLAGE, status="active")
    assert "kind" in exc.value.message_dict
    assert Organization.objects.get(code="CA1").name == "银雀山街道总工会"


def test_a_county_keeps_its_kind(tree, city_staff):
    with pytest.raises(ValidationError):
        update_organization(actor=city_staff, organization=tree.county_b, name="x",
                            kind=K.INDUSTRY_FEDERATION, status="active")


def test_update_outside_scope_is_404_from_the_service_too(tree, county_staff):
    with pytest.raises(Http404):
        update_organization(actor=county_staff, organization=tree.union_b1, name="x", kind=K.GRASSROOTS,
                            status="active")
    assert Organization.objects.get(code="CB1").name == "丙公司工会"


def test_leader_may_not_update(tree, leader):
    with pytest.raises(PermissionDenied):
        update_organization(actor=leader, organization=tree.union_a1a, name="x", kind=K.GRASSROOTS,
                            status="active")
