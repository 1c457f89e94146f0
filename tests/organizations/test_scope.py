import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from apps.employers.models import Employer
from apps.organizations.models import Organization
from apps.organizations.scope import (
    ensure_visible,
    get_visible_or_404,
    is_in_scope,
    require_in_scope,
    scope_queryset,
    scope_queryset_any,
    single_organization_scope,
    visible_organizations,
)
from tests.employers.factories import EmployerFactory


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_city_staff_sees_the_whole_tree(tree, city_staff):
    assert codes(visible_organizations(city_staff)) == ["C", "CA", "CA1", "CA1a", "CA1b", "CB", "CB1"]


def test_county_staff_sees_exactly_their_county_subtree(tree, county_staff):
    assert codes(visible_organizations(county_staff)) == ["CA", "CA1", "CA1a", "CA1b"]


def test_branch_officer_sees_only_their_union(tree, branch_officer):
    assert codes(visible_organizations(branch_officer)) == ["CA1a"]


def test_code_prefix_does_not_leak_into_scope(tree, branch_officer):
    # "CA1a" is a string prefix of "CA1ab"; the path separator keeps them apart.
    from tests.organizations.factories import OrganizationFactory

    OrganizationFactory(code="CA1ab", parent=tree.township_a1)
    assert codes(visible_organizations(branch_officer)) == ["CA1a"]


def test_row_outside_scope_is_404(tree, branch_officer):
    with pytest.raises(Http404):
        get_visible_or_404(Organization.objects.all(), branch_officer, via="", code="CA1b")
    assert get_visible_or_404(Organization.objects.all(), branch_officer, via="", code="CA1a") == tree.union_a1a


def test_inactive_or_orgless_user_sees_nothing(tree, branch_officer, sibling_officer):
    assert visible_organizations(branch_officer).exists()
    branch_officer.is_active = False
    assert not visible_organizations(branch_officer).exists()
    assert not is_in_scope(branch_officer, tree.union_a1a)
    sibling_officer.organization = None
    assert not visible_organizations(sibling_officer).exists()
    assert not is_in_scope(sibling_officer, tree.union_a1b)


def test_county_is_derived_from_the_tree(tree):
    assert tree.union_a1a.county == tree.county_a
    assert tree.county_a.county == tree.county_a
    assert tree.city.county is None
    assert tree.union_a1a.depth == 3


@pytest.mark.parametrize("few_rows", [False, True], ids=["id arrays", "joined per row"])
def test_any_of_several_links_in_scope_makes_a_row_visible(tree, branch_officer, county_staff, sibling_officer,
                                                           city_staff, few_rows):
    """The employer rule: visible through its county, its township or its covering union —
    the same rows whichever way the scope is written (`few_rows` only changes the SQL)."""
    covered = EmployerFactory(county=tree.county_a, covering_union=tree.union_a1a)
    sibling = EmployerFactory(county=tree.county_a, covering_union=tree.union_a1b)
    other_county = EmployerFactory(county=tree.county_b, covering_union=tree.union_b1)
    # Registered in county B, covered from county A: visible to A's union through coverage only.
    across = EmployerFactory(county=tree.county_b, township=None, covering_union=tree.union_a1a)
    uncovered = EmployerFactory(county=tree.county_a, township=tree.township_a1, covering_union=None)
    vias = ("county", "township", "covering_union")

    def seen(user):
        return set(scope_queryset_any(Employer.objects.all(), user, vias=vias, few_rows=few_rows))

    assert seen(branch_officer) == {covered, across}
    assert seen(sibling_officer) == {sibling}
    assert seen(county_staff) == {covered, sibling, across, uncovered}
    assert seen(city_staff) == {covered, sibling, other_county, across, uncovered}


@pytest.mark.parametrize("via", ["county", "covering_union"])
def test_reading_the_scopes_ids_first_gives_the_same_rows(tree, via, branch_officer, sibling_officer, county_staff,
                                                          city_staff, superuser, django_user_model):
    """`ids_first` changes only the SQL (the scope's organization ids read on their own):
    every user sees exactly the rows of the joined path test, none for a user without an
    organization; rows whose link is empty are in nobody's scope but the superuser's."""
    rows = [EmployerFactory(county=tree.county_a, covering_union=tree.union_a1a),
            EmployerFactory(county=tree.county_a, covering_union=tree.union_a1b),
            EmployerFactory(county=tree.county_b, covering_union=tree.union_b1),
            EmployerFactory(county=tree.county_b, covering_union=None)]
    nobody = django_user_model.objects.create(username="no-organization")
    for user in (branch_officer, sibling_officer, county_staff, city_staff, superuser, nobody):
        joined = set(scope_queryset(Employer.objects.all(), user, via=via))
        assert set(scope_queryset(Employer.objects.all(), user, via=via, ids_first=True)) == joined, user
    seen = set(scope_queryset(Employer.objects.all(), branch_officer, via=via, ids_first=True))
    assert seen == ({rows[0]} if via == "covering_union" else set())
    assert set(scope_queryset(Employer.objects.all(), county_staff, via=via, ids_first=True)) == set(rows[:2])
    assert set(scope_queryset(Employer.objects.all(), superuser, via=via, ids_first=True)) == set(rows)


def test_a_service_guard_answers_404_for_the_object_and_a_field_error_for_a_form_choice(tree, branch_officer):
    with pytest.raises(Http404):
        ensure_visible(branch_officer, tree.union_a1b)
    ensure_visible(branch_officer, tree.union_a1a)
    with pytest.raises(ValidationError) as refused:
        require_in_scope(branch_officer, organization=tree.union_a1b, parent=tree.union_a1a, other=None)
    assert set(refused.value.message_dict) == {"organization"}


def test_single_organization_scope_is_a_union_with_nothing_under_it(tree, branch_officer, city_staff,
                                                                     county_staff, superuser):
    from tests.organizations.factories import OrganizationFactory

    assert single_organization_scope(branch_officer) == tree.union_a1a
    # federations, the whole tree and a union that has a union under it are more than one
    assert single_organization_scope(city_staff) is None and single_organization_scope(county_staff) is None
    assert single_organization_scope(superuser) is None
    OrganizationFactory(code="CA1a1", parent=tree.union_a1a)
    assert single_organization_scope(branch_officer) is None


@pytest.mark.django_db(transaction=False)
def test_a_scope_never_scans_the_tree_in_parallel(tree, branch_officer):
    """Issue 21: under a province the tree is big enough for a parallel sequential scan,
    which the planner prefers by a hair to the path index and which then costs 15-25 ms on
    every scoped page (migration organizations 0005). Parallel plans made free here, as if
    the tree were the province's: the members' side may still go parallel, the tree never."""
    from django.db import connection

    from apps.members.models import Member
    from apps.organizations.scope import scope_queryset

    qs = scope_queryset(Member.objects.filter(status="active"), branch_officer).select_related("organization")
    sql, params = qs.order_by("-id")[:26].query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in ("parallel_setup_cost", "parallel_tuple_cost", "min_parallel_table_scan_size",
                        "min_parallel_index_scan_size"):
            cursor.execute(f"SET LOCAL {setting} = 0")
        cursor.execute("SET LOCAL enable_indexscan = off")  # no index path: the tree is scanned whole
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on organizations_organization" in plan
    assert "Parallel Seq Scan on organizations_organization" not in plan
