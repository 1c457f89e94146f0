"""Member counts for organization pages (issue 4 item 8): scoped, per subtree, one query."""

import pytest
from django.urls import reverse

from apps.members.models import Member
from apps.members.selectors import (
    members_count_by_county,
    members_count_by_organization,
    new_employment_count,
)
from apps.organizations.models import Organization
from tests.members.factories import MemberFactory
from tests.organizations.factories import bulk_children

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(tree):
    MemberFactory.create_batch(3, organization=tree.union_a1a)
    MemberFactory(organization=tree.union_a1a, worker_category="new_employment")
    MemberFactory(organization=tree.union_a1b, worker_category="new_employment")
    MemberFactory(organization=tree.union_a1b, status=Member.Status.WITHDRAWN)
    MemberFactory.create_batch(2, organization=tree.union_b1)


def test_counts_cover_each_subtree_in_one_query(tree, city_staff, members, django_assert_num_queries):
    orgs = [tree.city, tree.county_a, tree.township_a1, tree.union_a1a, tree.union_a1b, tree.union_b1]
    with django_assert_num_queries(1):
        counts = members_count_by_organization(actor=city_staff, orgs=orgs)
    assert {o.code: counts[o.pk]["members"] for o in orgs} == {
        "C": 7,
        "CA": 5,
        "CA1": 5,
        "CA1a": 4,
        "CA1b": 1,
        "CB1": 2,
    }
    assert counts[tree.county_a.pk]["new_employment"] == 2


def test_counts_leave_out_organizations_outside_scope(tree, branch_officer, members):
    counts = members_count_by_organization(
        actor=branch_officer, orgs=[tree.union_a1a, tree.union_a1b, tree.city]
    )
    assert counts == {tree.union_a1a.pk: {"members": 4, "new_employment": 1}}


def test_counts_per_county_and_new_employment(tree, city_staff, county_staff, members):
    by_county = {r["county_id"]: r for r in members_count_by_county(actor=city_staff)}
    assert by_county[tree.county_a.pk]["members"] == 5 and by_county[tree.county_b.pk]["members"] == 2
    assert [r["county_id"] for r in members_count_by_county(actor=county_staff)] == [tree.county_a.pk]
    assert new_employment_count(actor=city_staff) == 2
    assert new_employment_count(actor=county_staff, organization=tree.union_a1b) == 1


def test_counts_partial_is_scoped(tree, branch_officer, members, login):
    client = login(branch_officer)
    response = client.get(reverse("members:org_counts", args=[tree.union_a1a.pk]))
    assert response.status_code == 200 and 'id="org-members-total">4<' in response.content.decode()
    assert client.get(reverse("members:org_counts", args=[tree.union_a1b.pk])).status_code == 404


def test_count_button_counts_the_filtered_scope(tree, branch_officer, members, login):
    response = login(branch_officer).get(reverse("members:count"))
    assert response.status_code == 200 and response.content.decode() == "4 members"


def test_organization_page_loads_the_member_counts_panel(tree, branch_officer, members, login):
    client = login(branch_officer)
    page = client.get(reverse("organizations:detail", args=[tree.union_a1a.code])).content.decode()
    assert 'id="org-member-counts"' in page
    assert reverse("members:org_counts", args=[tree.union_a1a.pk]) in page


def _plain_sql_county_counts(path_prefix: str) -> dict[str, tuple[int, int]]:
    """The same figures straight from SQL, for reconciliation."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.code, count(*), count(*) FILTER (WHERE m.worker_category = 'new_employment')
            FROM members_member m
            JOIN organizations_organization o ON o.id = m.organization_id
            JOIN organizations_organization c ON c.id = o.county_id
            WHERE m.status IN ('active', 'retained') AND o.path LIKE %s
            GROUP BY c.code
            """,
            [path_prefix + "%"],
        )
        return {code: (members, new) for code, members, new in cursor.fetchall()}


@pytest.mark.parametrize("user_fixture", ["city_staff", "county_staff", "branch_officer"])
def test_county_panel_equals_plain_sql_for_each_scope(client, tree, members, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    response = client.get(reverse("members:county_counts"))
    assert response.status_code == 200
    expected = _plain_sql_county_counts(user.organization.path)
    rows = {r["county_name"]: (r["members"], r["new_employment"]) for r in response.context["rows"]}
    names = dict(Organization.objects.filter(code__in=expected).values_list("code", "name"))
    assert rows == {names[code]: figures for code, figures in expected.items()}
    assert response.context["total"]["members"] == sum(m for m, _ in expected.values())


def test_county_panel_for_a_county_outside_scope_is_404(client, tree, members, county_staff):
    client.force_login(county_staff)
    assert client.get(reverse("members:county_counts"), {"county": tree.county_b.code}).status_code == 404
    response = client.get(reverse("members:county_counts"), {"county": tree.county_a.code})
    assert response.context["total"] == {"members": 5, "new_employment": 2}


def test_rate_and_new_sector_pages_load_the_county_member_panel(client, tree, city_staff):
    client.force_login(city_staff)
    for name in ("employers:rate", "employers:new_sector"):
        body = client.get(reverse(name)).content.decode()
        assert reverse("members:county_counts") in body


# --- the count box lists every child (issue 14 part 4 item 11) --------------------------------


def test_count_box_links_each_child_to_its_page(tree, county_staff, members, login):
    html = login(county_staff).get(reverse("members:org_counts", args=[tree.county_a.pk])).content.decode()
    assert f'<a href="{reverse("organizations:detail", args=["CA1"])}">银雀山街道总工会</a>' in html


def test_count_box_pages_through_every_child_and_totals_them_all(tree, county_staff, login):
    """A county with 147 children showed the first 100 and said nothing of the rest, which
    held more than half of the members: every child is reachable, the total covers all."""
    children = bulk_children(tree.township_a1, 120)
    for child in children[::10]:  # 12 unions with 2 members each, spread over every page
        MemberFactory.create_batch(2, organization=child)
    MemberFactory(organization=tree.township_a1)  # one member of the township itself
    client = login(county_staff)
    url = reverse("members:org_counts", args=[tree.township_a1.pk])
    first = client.get(url)
    html = first.content.decode()
    assert len(first.context["box"].children) == 50 and first.context["box"].next_offset == 50
    assert f'{url}?offset=50' in html and "More… (50 of 122 shown)" in html
    total = html.split('id="org-member-counts-children-total"')[1].split("</tr>")[0]
    assert "all 122 child organizations" in total and ">24<" in total
    assert "directly in 银雀山街道总工会" in html and 'id="org-members-total">25<' in html
    seen = [child.code for child, _counts in first.context["box"].children]
    offset = 50
    while offset is not None:
        page = client.get(url, {"offset": offset})
        assert "<section" not in page.content.decode()  # rows only, appended in place of "more"
        seen += [child.code for child, _counts in page.context["box"].children]
        offset = page.context["box"].next_offset
    assert len(seen) == len(set(seen)) == 122


@pytest.mark.parametrize("size", [10, 300])
def test_count_box_queries_do_not_grow_with_children(tree, county_staff, login, size, django_assert_max_num_queries):
    for child in bulk_children(tree.township_a1, size)[::5]:
        MemberFactory(organization=child)
    client = login(county_staff)
    url = reverse("members:org_counts", args=[tree.township_a1.pk])
    # session, user, scope root, the organization, its children, the grouped count; session save (3)
    for query in ({}, {"offset": 50}):
        with django_assert_max_num_queries(9):
            assert client.get(url, query).status_code == 200
