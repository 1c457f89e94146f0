import pytest
from django.urls import reverse

from tests.organizations.factories import bulk_children


def test_home_shows_organization_role_and_scope_by_kind(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.context["scope_size"] == 4
    assert {kind: n for kind, _label, n in response.context["scope_by_kind"]} == {
        "county_federation": 1, "township_federation": 1, "grassroots": 2}
    assert tree.county_a.name in html.split('id="home-organization"')[1].split("</dd>")[0]
    assert reverse("organizations:list") in html and reverse("organizations:tree") in html


def test_home_counts_only_the_branch_officers_union(client, tree, branch_officer):
    client.force_login(branch_officer)
    response = client.get(reverse("home"))
    assert response.context["scope_size"] == 1
    assert reverse("organizations:create") not in response.content.decode()


def test_home_needs_login(client, tree):
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("size", [10, 500])
def test_home_queries_do_not_grow(client, tree, city_staff, django_assert_max_num_queries, size):
    bulk_children(tree.township_a1, size)
    client.force_login(city_staff)
    # session, user, scope root, counts by kind, organization link; session save (3)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("home"))
    assert response.context["scope_size"] == 7 + size
