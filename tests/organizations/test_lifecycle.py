"""Merging and dissolving organizations keeps their history and moves what hangs on them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from apps.organizations import services
from apps.organizations.models import Organization, OrganizationChange
from apps.organizations.services import dissolve_organization, merge_organization
from tests.employers.factories import EmployerFactory
from tests.organizations.factories import OrganizationFactory

K = Organization.Kind


def test_merge_moves_children_and_rewrites_the_whole_subtree(tree, city_staff):
    # CA1 (township of county A) with its two unions and a grand-child moves under county B.
    grandchild = OrganizationFactory(code="CA1a-x", kind=K.GRASSROOTS, parent=tree.union_a1a)
    target_township = OrganizationFactory(code="CB2", kind=K.TOWNSHIP_FEDERATION, parent=tree.county_b)
    change = merge_organization(
        source=tree.township_a1, target=target_township, actor=city_staff, reason="区划调整"
    )
    grandchild.refresh_from_db()
    tree.union_a1a.refresh_from_db()
    assert tree.union_a1a.parent == target_township
    assert tree.union_a1a.path == "/C/CB/CB2/CA1a/"
    assert tree.union_a1a.depth == target_township.depth + 1
    assert tree.union_a1a.county == tree.county_b
    assert grandchild.path == "/C/CB/CB2/CA1a/CA1a-x/" and grandchild.parent == tree.union_a1a
    assert grandchild.depth == target_township.depth + 2 and grandchild.county == tree.county_b
    tree.township_a1.refresh_from_db()
    assert tree.township_a1.status == Organization.Status.MERGED
    assert tree.township_a1.path == "/C/CA/CA1/"  # the node itself stays where it was
    assert change.children_moved == 2 and change.by == city_staff and change.target == target_township
    record = tree.township_a1.history.first()
    assert record.history_change_reason == "区划调整" and record.history_user == city_staff
    moved = tree.union_a1a.history.first()  # the moved nodes keep a record of the move too
    assert moved.parent_id == target_township.pk and moved.county_id == tree.county_b.pk
    assert moved.history_user == city_staff and moved.history_change_reason == "区划调整"


def test_merge_moves_covered_employers_with_history(tree, city_staff):
    employer = EmployerFactory(county=tree.county_a, covering_union=tree.union_a1b)
    change = merge_organization(source=tree.union_a1b, target=tree.union_a1a, actor=city_staff, reason="合并")
    employer.refresh_from_db()
    assert employer.covering_union == tree.union_a1a
    assert change.employers_moved == 1
    record = employer.history.first()
    assert record.covering_union_id == tree.union_a1a.pk
    assert record.history_user == city_staff and record.history_change_reason == "合并"


def test_merging_a_township_moves_its_employers_to_the_target_township(tree, city_staff):
    employer = EmployerFactory(county=tree.county_a, township=tree.township_a1)
    other = OrganizationFactory(code="CA2", kind=K.TOWNSHIP_FEDERATION, parent=tree.county_a)
    merge_organization(source=tree.township_a1, target=other, actor=city_staff, reason="撤并街道")
    employer.refresh_from_db()
    assert employer.township == other


def test_merge_refuses_a_target_that_cannot_take_the_employers(tree, city_staff):
    EmployerFactory(county=tree.county_a, covering_union=tree.union_a1b)
    with pytest.raises(ValidationError):
        merge_organization(source=tree.union_a1b, target=tree.township_a1, actor=city_staff, reason="x")
    tree.union_a1b.refresh_from_db()
    assert tree.union_a1b.status == Organization.Status.ACTIVE
    assert not OrganizationChange.objects.exists()


def test_merge_into_own_subtree_is_refused(tree, city_staff):
    with pytest.raises(ValidationError):
        merge_organization(source=tree.township_a1, target=tree.union_a1a, actor=city_staff, reason="x")


def test_merge_runs_the_hooks_of_other_apps(tree, city_staff, monkeypatch):
    calls = []

    def move_members(*, source, target, actor, reason):
        calls.append((source.code, target.code))
        return {"members": 7}

    monkeypatch.setattr(services, "MOVE_HOOKS", [move_members])
    change = merge_organization(source=tree.union_a1b, target=tree.union_a1a, actor=city_staff, reason="合并")
    assert calls == [("CA1b", "CA1a")] and change.extra == {"members": 7}


def test_dissolve_uncovers_employers_and_records_who(tree, city_staff):
    employer = EmployerFactory(
        county=tree.county_a, covering_union=tree.union_b1, union_established_on="2020-01-01"
    )
    change = dissolve_organization(organization=tree.union_b1, actor=city_staff, reason="企业注销")
    employer.refresh_from_db()
    tree.union_b1.refresh_from_db()
    assert employer.covering_union is None and employer.union_established_on is None
    assert tree.union_b1.status == Organization.Status.DISSOLVED
    assert change.kind == "dissolved" and change.employers_moved == 1 and change.reason == "企业注销"
    assert employer.history.first().history_change_reason == "企业注销"


def test_dissolve_is_refused_while_children_are_active(tree, city_staff):
    with pytest.raises(ValidationError):
        dissolve_organization(organization=tree.township_a1, actor=city_staff, reason="x")


def test_merge_page_needs_the_merge_right(client, tree, county_staff):
    client.force_login(county_staff)
    assert client.get(reverse("organizations:organization_merge", args=["CA1b"])).status_code == 403


def test_merge_page_is_404_outside_scope(client, tree, city_staff, county_staff):
    from apps.accounts.roles import Role
    from tests.accounts.factories import UserFactory

    county_b_city_role = UserFactory(username="cb_city", role=Role.CITY_STAFF, organization=tree.county_b)
    client.force_login(county_b_city_role)
    assert client.get(reverse("organizations:organization_merge", args=["CA1b"])).status_code == 404
    assert client.get(reverse("organizations:organization_dissolve", args=["CA1b"])).status_code == 404


def test_city_staff_merge_through_the_confirmation_page(client, tree, city_staff):
    employer = EmployerFactory(county=tree.county_a, covering_union=tree.union_a1b)
    client.force_login(city_staff)
    url = reverse("organizations:organization_merge", args=["CA1b"])
    page = client.get(url)
    # The merge page shows what moves through the panels other apps register for an
    # organization (apps.core.panels): the ledger's panel counts the covered employer.
    panel_url = reverse("employers:organization_panel", args=["CA1b"])
    assert page.status_code == 200 and panel_url in page.content.decode()
    panel = client.get(panel_url)
    assert panel.context["covered_count"] == 1 and employer.name in panel.content.decode()
    # without the confirmation nothing happens
    client.post(url, {"target": tree.union_a1a.code, "reason": "合并"})
    employer.refresh_from_db()
    assert employer.covering_union == tree.union_a1b
    response = client.post(url, {"target": tree.union_a1a.code, "reason": "合并", "confirm": "on"})
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.covering_union == tree.union_a1a


def test_city_staff_dissolve_through_the_confirmation_page(client, tree, city_staff):
    client.force_login(city_staff)
    response = client.post(
        reverse("organizations:organization_dissolve", args=["CB1"]), {"reason": "注销", "confirm": "on"}
    )
    assert response.status_code == 302
    assert Organization.objects.get(code="CB1").status == Organization.Status.DISSOLVED


def test_ledger_panel_shows_covered_employers_and_is_scoped(client, tree, branch_officer, sibling_officer):
    EmployerFactory(name="被覆盖单位", county=tree.county_a, covering_union=tree.union_a1a)
    client.force_login(branch_officer)
    response = client.get(reverse("employers:organization_panel", args=["CA1a"]))
    assert response.status_code == 200 and "被覆盖单位" in response.content.decode()
    client.force_login(sibling_officer)
    assert client.get(reverse("employers:organization_panel", args=["CA1a"])).status_code == 404


def test_merge_and_dissolve_check_right_and_scope_themselves(tree, county_staff, branch_officer, city_staff):
    """The services are guards of their own, not only the views: organizations.merge is the
    city's right (403 for anybody else) and the source must lie in the actor's scope (404)."""
    with pytest.raises(PermissionDenied):
        merge_organization(source=tree.union_a1b, target=tree.union_a1a, actor=county_staff, reason="合并")
    with pytest.raises(PermissionDenied):
        dissolve_organization(organization=tree.union_a1b, actor=branch_officer, reason="撤销")
    county_b_city_clerk = city_staff
    county_b_city_clerk.organization = tree.county_b  # a city-role user placed in county B
    with pytest.raises(Http404):
        dissolve_organization(organization=tree.union_a1b, actor=county_b_city_clerk, reason="撤销")
    with pytest.raises(ValidationError) as refused:
        merge_organization(source=tree.union_b1, target=tree.union_a1a, actor=county_b_city_clerk, reason="合并")
    assert set(refused.value.message_dict) == {"target"}
    tree.union_a1b.refresh_from_db()
    assert tree.union_a1b.status == "active"
