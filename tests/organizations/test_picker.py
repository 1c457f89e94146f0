"""The organization picker (issue 14 part 4 item 6): a search by name or code, limited to the
user's scope and to the kinds the form allows; the field accepts only those."""

import pytest
from django.urls import reverse

from apps.imports.forms import ImportUploadForm
from apps.organizations.forms import OrganizationChangeForm
from apps.organizations.models import Organization
from apps.organizations.picker import OrganizationChoiceField
from tests.organizations.factories import bulk_children

pytestmark = pytest.mark.django_db
SEARCH = reverse("organizations:search")


def codes(response) -> list[str]:
    return [org.code for org in response.context["results"]]


def test_search_finds_by_part_of_the_name_or_the_start_of_the_code(client, tree, county_staff):
    client.force_login(county_staff)
    assert codes(client.get(SEARCH, {"q": "公司"})) == ["CA1a", "CA1b"]
    assert codes(client.get(SEARCH, {"q": "ca1"})) == ["CA1", "CA1a", "CA1b"]


def test_search_lists_only_the_users_scope(client, tree, county_staff, sibling_officer):
    """DESIGN.md "Who uses it": a user sees their organization and everything under it —
    never a sibling's, not even its name in a list of matches."""
    client.force_login(county_staff)
    assert "CB1" not in codes(client.get(SEARCH, {"q": "丙公司"}))
    client.force_login(sibling_officer)
    response = client.get(SEARCH, {"q": tree.union_a1a.name})
    assert codes(response) == [] and tree.union_a1a.name not in response.content.decode()
    assert codes(client.get(SEARCH, {"q": ""})) == ["CA1b"]


def test_search_narrows_to_the_kinds_active_ones_and_leaves_out_the_merge_source(client, tree, city_staff):
    client.force_login(city_staff)
    assert codes(client.get(SEARCH, {"q": "", "kinds": "county_federation"})) == ["CA", "CB"]
    Organization.objects.filter(code="CA1b").update(status=Organization.Status.MERGED)
    assert "CA1b" not in codes(client.get(SEARCH, {"q": "公司"}))
    assert "CA1b" in codes(client.get(SEARCH, {"q": "公司", "active": "0"}))
    assert codes(client.get(SEARCH, {"q": "C", "exclude": "CA"})) == ["C", "CB", "CB1"]


def test_search_puts_the_exact_code_first_and_shows_twenty_at_most(client, tree, county_staff):
    bulk_children(tree.township_a1, 30, prefix="CA1x")
    client.force_login(county_staff)
    response = client.get(SEARCH, {"q": "CA1"})
    assert codes(response)[0] == "CA1" and len(codes(response)) == 20
    assert response.context["more"] and "type more of the name or the code" in response.content.decode()
    exact = client.get(SEARCH, {"q": "CA1x00007"})
    assert codes(exact) == ["CA1x00007"] and not exact.context["more"]


def test_search_options_carry_the_code_the_name_and_where_it_lies(client, tree, county_staff):
    client.force_login(county_staff)
    html = client.get(SEARCH, {"q": "CA1a"}).content.decode()
    assert 'role="option"' in html and 'data-org-code="CA1a"' in html and 'data-org-name="甲公司工会"' in html
    assert "兰山区总工会" in html  # the county, to tell two unions of one name apart


@pytest.mark.parametrize("size", [10, 400])
def test_search_queries_do_not_grow_with_the_tree(client, tree, city_staff, size, django_assert_max_num_queries):
    bulk_children(tree.township_a1, size)
    client.force_login(city_staff)
    # session, user, the user's organization, the matches with their county; session save (3)
    with django_assert_max_num_queries(7):
        response = client.get(SEARCH, {"q": "批量"})
    assert len(codes(response)) == min(size, 20)


def test_field_takes_a_code_or_the_exact_name_of_one_organization(tree, county_staff):
    field = OrganizationChoiceField().limit_to(county_staff)
    assert field.clean("CA1a") == tree.union_a1a
    assert field.clean("甲公司工会") == tree.union_a1a


def test_field_refuses_an_organization_outside_the_scope_or_the_kinds(tree, county_staff):
    field = OrganizationChoiceField().limit_to(county_staff, kinds=("grassroots",))
    for outside in ("CB1", "丙公司工会", "CA1", "nonsense"):
        with pytest.raises(Exception, match="Choose one of the organizations the list offers"):
            field.clean(outside)


def test_field_refuses_two_organizations_of_the_same_name_typed_by_name(tree, county_staff):
    bulk_children(tree.township_a1, 1, prefix="DUP")
    Organization.objects.filter(code="DUP00000").update(name=tree.union_a1a.name)
    field = OrganizationChoiceField().limit_to(county_staff)
    with pytest.raises(Exception, match="Choose one"):
        field.clean(tree.union_a1a.name)
    assert field.clean("DUP00000").code == "DUP00000"  # the code still tells them apart


def test_picked_code_wins_over_the_typed_text(tree, county_staff):
    form = ImportUploadForm({"organization": "CA1b", "organization__text": "甲公司工会"}, actor=county_staff)
    form.is_valid()
    assert form.cleaned_data["organization"] == tree.union_a1b


def test_widget_shows_the_chosen_name_keeps_the_code_and_brings_its_script(tree, county_staff):
    form = ImportUploadForm(initial={"organization": "CA1a"}, actor=county_staff)
    html = str(form["organization"])
    assert 'type="hidden" name="organization" value="CA1a"' in html
    assert 'name="organization__text" value="甲公司工会"' in html
    assert f'hx-get="{SEARCH}?active=0"' in html and 'role="combobox"' in html
    assert "js/org_picker.js" in str(form.media)


def test_merge_target_is_picked_outside_the_source_subtree(client, tree, city_staff):
    form = OrganizationChangeForm(user=city_staff, source=tree.county_a, merging=True)
    field = form.fields["target"]
    assert set(field.queryset.values_list("code", flat=True)) == {"C", "CB", "CB1"}
    assert "exclude=CA" in str(form["target"])
    client.force_login(city_staff)
    html = client.get(reverse("organizations:organization_merge", args=["CA"])).content.decode()
    assert "data-org-picker" in html and "js/org_picker.js" in html


def test_county_staff_pick_the_upload_union_from_a_search_not_a_code_box(client, tree, county_staff):
    """Issue 14 part 4 item 6: county and city staff typed an organization code to upload."""
    client.force_login(county_staff)
    html = client.get(reverse("members:roster_upload")).content.decode()
    assert "data-org-picker" in html and "js/org_picker.js" in html
    assert "(code)" not in html


@pytest.mark.parametrize(
    ("url_name", "user"),
    [
        ("members:roster_upload", "county_staff"),
        ("employers:employer_import_upload", "county_staff"),
        ("employers:employer_create", "county_staff"),
        ("employers:instructor_create", "county_staff"),
        ("employers:site_create", "county_staff"),
        ("members:create", "branch_officer"),
        ("members:transfer_in", "branch_officer"),
        ("members:list", "branch_officer"),
        ("employers:employer_list", "county_staff"),
        ("organizations:create", "county_staff"),
    ],
)
def test_every_page_choosing_an_organization_uses_the_picker(client, tree, request, url_name, user):
    client.force_login(request.getfixturevalue(user))
    html = client.get(reverse(url_name)).content.decode()
    assert "data-org-picker" in html and "js/org_picker.js" in html
