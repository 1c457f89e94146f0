"""Organization pages: each role sees exactly its subtree; outside → 404, no right → 403;
queries do not grow with the tree."""

import pytest
from django.urls import reverse

from apps.organizations.models import Organization
from tests.organizations.factories import bulk_children

K = Organization.Kind
SUBTREES = {
    "city_staff": {"C", "CA", "CA1", "CA1a", "CA1b", "CB", "CB1"},
    "county_staff": {"CA", "CA1", "CA1a", "CA1b"},
    "branch_officer": {"CA1a"},
}
ALL = SUBTREES["city_staff"]
BY_ROLE = pytest.mark.parametrize("role", list(SUBTREES))


def _list_codes(response):
    return {row.record.code for row in response.context["table"].page.object_list}


def _login(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


# --- list and search -------------------------------------------------------------------


@BY_ROLE
def test_list_shows_exactly_the_users_subtree(client, request, tree, role):
    _login(client, request, role)
    response = client.get(reverse("organizations:list"))
    assert response.status_code == 200
    assert _list_codes(response) == SUBTREES[role]


@BY_ROLE
def test_search_cannot_find_organizations_outside_scope(client, request, tree, role):
    _login(client, request, role)
    for org in Organization.objects.all():
        for term in (org.name, org.code):
            found = _list_codes(client.get(reverse("organizations:list"), {"q": term}))
            assert found <= SUBTREES[role]
            assert (org.code in found) == (org.code in SUBTREES[role])


def test_search_matches_name_contains_and_code_prefix(client, tree, city_staff):
    client.force_login(city_staff)
    assert _list_codes(client.get(reverse("organizations:list"), {"q": "公司"})) == {"CA1a", "CA1b", "CB1"}
    assert _list_codes(client.get(reverse("organizations:list"), {"q": "CA1"})) == {"CA1", "CA1a", "CA1b"}
    # the code matches from its start only: "A1" is inside "CA1" but not a prefix
    assert _list_codes(client.get(reverse("organizations:list"), {"q": "A1"})) == set()


def test_filters_by_kind_county_and_status(client, tree, city_staff):
    client.force_login(city_staff)
    url = reverse("organizations:list")
    assert _list_codes(client.get(url, {"kind": K.COUNTY_FEDERATION})) == {"CA", "CB"}
    assert _list_codes(client.get(url, {"county": tree.county_b.pk})) == {"CB", "CB1"}
    Organization.objects.filter(code="CB1").update(status=Organization.Status.DISSOLVED)
    assert _list_codes(client.get(url, {"status": "dissolved"})) == {"CB1"}


def test_county_filter_offers_only_counties_in_scope_and_refuses_others(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.get(reverse("organizations:list"), {"county": tree.county_b.pk})
    assert list(response.context["filter"].form.fields["county"].queryset) == [tree.county_a]
    assert _list_codes(response) == set()


def test_list_is_sortable_by_code_and_county(client, tree, city_staff):
    client.force_login(city_staff)

    def order(sort):
        response = client.get(reverse("organizations:list"), {"sort": sort})
        return [row.record.code for row in response.context["table"].page.object_list]

    assert order("-code") == ["CB1", "CB", "CA1b", "CA1a", "CA1", "CA", "C"]
    assert order("code") == ["C", "CA", "CA1", "CA1a", "CA1b", "CB", "CB1"]
    assert order("county") == ["CA", "CA1", "CA1a", "CA1b", "CB", "CB1", "C"]  # no county (the city) last


def test_list_does_not_name_the_parent_above_the_users_root(client, tree, county_staff):
    client.force_login(county_staff)
    html = client.get(reverse("organizations:list")).content.decode()
    assert tree.city.name not in html.split('id="organization-table"')[1]


@pytest.mark.parametrize("size", [10, 500])
def test_list_queries_do_not_grow_with_the_tree(client, tree, city_staff, django_assert_max_num_queries, size):
    bulk_children(tree.township_a1, size)
    client.force_login(city_staff)
    # session, user, scope root, county choices, count, page; session save (3)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("organizations:list"), {"q": "批量", "sort": "county"})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == min(size, 25)


# --- tree ------------------------------------------------------------------------------


def _tree_codes(response):
    html = response.content.decode()
    return {code for code in ALL if f'data-code="{code}"' in html}


@BY_ROLE
def test_tree_starts_at_the_scope_root_and_expands_inside_it(client, request, tree, role):
    user = _login(client, request, role)
    response = client.get(reverse("organizations:tree"))
    root = user.organization
    assert f'data-code="{root.code}"' in response.content.decode()
    assert _tree_codes(response) <= SUBTREES[role]
    seen = _tree_codes(response)
    for code in sorted(SUBTREES[role]):
        seen |= _tree_codes(client.get(reverse("organizations:tree_children", args=[code])))
    assert seen == SUBTREES[role]
    for code in ALL - SUBTREES[role]:
        assert client.get(reverse("organizations:tree_children", args=[code])).status_code == 404


def test_tree_children_show_child_counts(client, tree, city_staff):
    client.force_login(city_staff)
    html = client.get(reverse("organizations:tree_children", args=["CA"])).content.decode()
    assert 'data-code="CA1"' in html and ">2</span>" in html
    assert 'hx-get="/organizations/CA1/children/"' in html


def test_tree_children_are_capped_with_a_more_link(client, tree, county_staff):
    bulk_children(tree.township_a1, 120)
    client.force_login(county_staff)
    url = reverse("organizations:tree_children", args=["CA1"])
    first = client.get(url)
    assert len(first.context["page"].children) == 50
    assert f"{url}?offset=50" in first.content.decode()
    last = client.get(url, {"offset": 100})
    assert len(last.context["page"].children) == 22
    assert "offset=" not in last.content.decode()


@pytest.mark.parametrize("size", [10, 500])
def test_tree_children_queries_do_not_grow(client, tree, city_staff, django_assert_max_num_queries, size):
    children = bulk_children(tree.township_a1, size)
    bulk_children(children[0], 3, prefix="G")
    client.force_login(city_staff)
    # session, user, scope root, the node, its children page; session save (3)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("organizations:tree_children", args=["CA1"]))
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("organizations:tree")).status_code == 200


# --- detail ----------------------------------------------------------------------------


def _assert_inside_200_outside_404(client, url_name, inside):
    for code in ALL:
        status = client.get(reverse(url_name, args=[code])).status_code
        assert status == (200 if code in inside else 404), code


@BY_ROLE
def test_detail_inside_scope_200_outside_404(client, request, tree, role):
    _login(client, request, role)
    _assert_inside_200_outside_404(client, "organizations:detail", SUBTREES[role])


def test_breadcrumb_stops_at_the_users_root(client, tree, county_staff):
    client.force_login(county_staff)
    html = client.get(reverse("organizations:detail", args=["CA1a"])).content.decode()
    crumb = html.split('id="organization-breadcrumb"')[1].split("</ol>")[0]
    assert tree.county_a.name in crumb and tree.township_a1.name in crumb
    assert tree.city.name not in html


def test_detail_shows_children_summary_and_history(client, tree, county_staff):
    client.force_login(county_staff)
    client.post(reverse("organizations:edit", args=["CA1a"]), {"name": "甲公司新工会", "kind": K.GRASSROOTS,
                                                               "status": "active"})
    response = client.get(reverse("organizations:detail", args=["CA1a"]))
    history = response.context["history"]
    assert history[0].who == county_staff and history[0].changes[0][1:] == ("甲公司工会", "甲公司新工会")
    summary = client.get(reverse("organizations:detail", args=["CA"])).context["summary"]
    assert summary["children"] == 1 and summary["descendants"] == 3


@pytest.mark.parametrize("size", [10, 500])
def test_detail_queries_do_not_grow(client, tree, city_staff, django_assert_max_num_queries, size):
    bulk_children(tree.township_a1, size)
    client.force_login(city_staff)
    # session, user, scope root, the node, ancestors, children by kind, subtree size, history,
    # merges/dissolutions; session save (3)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("organizations:detail", args=["CA1"])).status_code == 200


# --- edit ------------------------------------------------------------------------------

EDIT_ROLES = pytest.mark.parametrize("role", ["city_staff", "county_staff"])


@EDIT_ROLES
def test_edit_inside_scope_200_outside_404(client, request, tree, role):
    _login(client, request, role)
    _assert_inside_200_outside_404(client, "organizations:edit", SUBTREES[role])


def test_branch_officer_gets_403_on_own_union_edit_and_404_outside(client, tree, branch_officer):
    client.force_login(branch_officer)
    assert client.get(reverse("organizations:edit", args=["CA1a"])).status_code == 403
    for code in ALL - {"CA1a"}:
        assert client.get(reverse("organizations:edit", args=[code])).status_code == 404


def test_leader_can_view_but_not_edit_or_create(client, tree, leader):
    client.force_login(leader)
    assert client.get(reverse("organizations:detail", args=["CA1"])).status_code == 200
    assert client.get(reverse("organizations:list")).status_code == 200
    assert client.get(reverse("organizations:edit", args=["CA1"])).status_code == 403
    response = client.post(reverse("organizations:edit", args=["CA1"]), {"name": "x", "kind": K.TOWNSHIP_FEDERATION,
                                                                         "status": "active"})
    assert response.status_code == 403
    assert client.get(reverse("organizations:create"), {"parent": "CA1"}).status_code == 403
    assert client.get(reverse("organizations:edit", args=["CB1"])).status_code == 404
    assert Organization.objects.get(code="CA1").name == "银雀山街道总工会"


def test_sibling_officer_gets_404_on_the_others_pages(client, tree, sibling_officer):
    client.force_login(sibling_officer)
    for name in ("organizations:detail", "organizations:edit", "organizations:tree_children"):
        assert client.get(reverse(name, args=["CA1a"])).status_code == 404
    assert client.get(reverse("organizations:create"), {"parent": "CA1a"}).status_code == 404


def test_edit_saves_through_the_service_and_keeps_the_code(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.post(reverse("organizations:edit", args=["CA1a"]),
                           {"code": "HACK", "name": "甲公司新工会", "kind": K.JOINT_GRASSROOTS, "status": "active"})
    assert response.status_code == 302
    org = Organization.objects.get(pk=tree.union_a1a.pk)
    assert (org.code, org.name, org.kind) == ("CA1a", "甲公司新工会", K.JOINT_GRASSROOTS)
    assert org.history.first().history_user == county_staff


def test_edit_requires_a_name(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.post(reverse("organizations:edit", args=["CA1a"]), {"name": "", "kind": K.GRASSROOTS,
                                                                          "status": "active"})
    assert response.status_code == 200 and "name" in response.context["form"].errors


# --- create ----------------------------------------------------------------------------


def _create(client, parent, **data):
    return client.post(f"{reverse('organizations:create')}?parent={parent}", {"parent": parent, **data})


def test_create_under_a_parent_in_scope(client, tree, county_staff):
    client.force_login(county_staff)
    response = _create(client, "CA1", code="CA1c", name="丁公司工会", kind=K.GRASSROOTS)
    assert response.status_code == 302 and response["Location"] == reverse("organizations:detail", args=["CA1c"])
    org = Organization.objects.get(code="CA1c")
    assert (org.path, org.county, org.parent) == ("/C/CA/CA1/CA1c/", tree.county_a, tree.township_a1)
    assert org.history.get().history_user == county_staff


def test_create_without_parent_in_url_offers_federations_in_scope(client, tree, county_staff):
    client.force_login(county_staff)
    form = client.get(reverse("organizations:create")).context["form"]
    assert {o.code for o in form.fields["parent"].queryset} == {"CA", "CA1"}
    response = client.post(reverse("organizations:create"),
                           {"parent": "CA", "code": "CA2", "name": "新街道", "kind": K.TOWNSHIP_FEDERATION})
    assert response.status_code == 302 and Organization.objects.filter(code="CA2").exists()


def test_create_with_a_parent_outside_scope_in_the_url_is_404(client, tree, county_staff):
    client.force_login(county_staff)
    assert client.get(reverse("organizations:create"), {"parent": "CB"}).status_code == 404
    assert _create(client, "CB", code="CB2", name="x", kind=K.GRASSROOTS).status_code == 404


def test_create_with_a_forged_parent_outside_scope_is_a_form_error(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.post(f"{reverse('organizations:create')}?parent=CA1",
                           {"parent": "CB", "code": "CB2", "name": "x", "kind": K.GRASSROOTS})
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    assert not Organization.objects.filter(code="CB2").exists()


def test_create_refuses_a_kind_that_does_not_fit_under_the_parent(client, tree, city_staff):
    client.force_login(city_staff)
    response = client.post(reverse("organizations:create"),
                           {"parent": "CA1", "code": "CX", "name": "x", "kind": K.COUNTY_FEDERATION})
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert not Organization.objects.filter(code="CX").exists()


def test_county_staff_cannot_create_the_city_federation(client, tree, county_staff):
    client.force_login(county_staff)
    response = client.post(reverse("organizations:create"), {"code": "C2", "name": "x", "kind": K.CITY_FEDERATION})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Organization.objects.filter(code="C2").exists()


def test_create_refuses_a_duplicate_code_with_a_clear_message(client, tree, county_staff):
    client.force_login(county_staff)
    response = _create(client, "CA1", code="CB1", name="x", kind=K.GRASSROOTS)
    assert response.status_code == 200
    assert "CB1" in " ".join(response.context["form"].errors["code"])
    assert Organization.objects.filter(code="CB1").count() == 1


def test_branch_officer_gets_403_on_create(client, tree, branch_officer):
    client.force_login(branch_officer)
    assert client.get(reverse("organizations:create")).status_code == 403
    assert _create(client, "CA1a", code="S1", name="x", kind=K.GRASSROOTS).status_code == 403


def test_history_names_the_demo_seed_in_words_not_its_command_name(client, tree, city_staff, chinese_default):
    """A reason written by a tool (seed_demo) reads as 演示数据 on the page (issue 14, 4.4)."""
    org = tree.union_a1a
    org._change_reason = "seed_demo"
    org.name = "甲公司工会（演示）"
    org.save()
    client.force_login(city_staff)
    page = client.get(reverse("organizations:detail", args=[org.code])).content.decode()
    assert "演示数据" in page and "seed_demo" not in page
