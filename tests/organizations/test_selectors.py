from apps.organizations import selectors
from apps.organizations.models import Organization
from tests.organizations.factories import bulk_children


def codes(rows):
    return sorted(o.code for o in rows)


def test_ancestors_stop_at_the_users_root(tree, county_staff, city_staff):
    assert [o.code for o in selectors.ancestors_in_scope(actor=county_staff, organization=tree.union_a1a)] == [
        "CA", "CA1"]
    assert [o.code for o in selectors.ancestors_in_scope(actor=city_staff, organization=tree.union_a1a)] == [
        "C", "CA", "CA1"]


def test_tree_starts_at_the_scope_root(tree, county_staff, branch_officer):
    assert [o.code for o in selectors.tree_roots(actor=county_staff)] == ["CA"]
    assert [o.code for o in selectors.tree_roots(actor=branch_officer)] == ["CA1a"]


def test_tree_children_carry_their_child_count(tree, city_staff):
    page = selectors.tree_children(actor=city_staff, parent=tree.city)
    assert {o.code: o.child_count for o in page.children} == {"CA": 1, "CB": 1}
    assert page.next_offset is None


def test_tree_children_are_paged_with_a_next_offset(tree, county_staff):
    bulk_children(tree.township_a1, 7)
    first = selectors.tree_children(actor=county_staff, parent=tree.township_a1, limit=5)
    assert len(first.children) == 5 and first.next_offset == 5
    rest = selectors.tree_children(actor=county_staff, parent=tree.township_a1, offset=5, limit=5)
    assert len(rest.children) == 4 and rest.next_offset is None
    assert not set(codes(first.children)) & set(codes(rest.children))


def test_scope_counts_by_kind(tree, county_staff):
    counts = {kind: n for kind, _label, n in selectors.scope_counts_by_kind(actor=county_staff)}
    assert counts == {"county_federation": 1, "township_federation": 1, "grassroots": 2}


def test_county_choices_are_those_in_scope(tree, county_staff, city_staff, branch_officer):
    assert codes(selectors.county_choices(actor=city_staff)) == ["CA", "CB"]
    assert codes(selectors.county_choices(actor=county_staff)) == ["CA"]
    assert codes(selectors.county_choices(actor=branch_officer)) == []


def test_children_summary(tree):
    summary = selectors.children_summary(organization=tree.county_a)
    assert summary["children"] == 1 and summary["descendants"] == 3


def test_recent_history_shows_who_and_what(tree, county_staff):
    from apps.organizations.services import update_organization

    update_organization(actor=county_staff, organization=tree.union_a1a, name="新名", kind="grassroots",
                        status="active")
    latest, created = selectors.recent_history(organization=tree.union_a1a)
    assert latest.who == county_staff
    name_label = str(Organization._meta.get_field("name").verbose_name)
    assert [(str(label), old, new) for label, old, new in latest.changes] == [(name_label, "甲公司工会", "新名")]
    assert created.changes == []
