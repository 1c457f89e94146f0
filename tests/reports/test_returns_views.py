"""The annual statistical return's pages: reachable from the download centre and the nav,
scoped (a branch officer sees and confirms only its own unit, a county only its units),
bounded in queries whatever the number of units, and the .xlsx equal to plain SQL."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.reports import return_services as services
from apps.reports.return_checks import BLOCK, DEFAULT_MODES, MEMBERS_OVER_EMPLOYEES
from apps.reports.return_models import ReturnCorrection, ReturnUnit
from tests.organizations.factories import bulk_children

from .helpers import sql_value

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def statistical_return(tree, city_staff):
    return services.open_return(actor=city_staff, year=YEAR, deadline=datetime.date(2027, 1, 31),
                                tolerance_percent=30, check_modes={**DEFAULT_MODES, MEMBERS_OVER_EMPLOYEES: BLOCK})


def unit_of(statistical_return, organization):
    return ReturnUnit.objects.get(statistical_return=statistical_return, organization=organization)


def test_reached_from_the_download_centre_and_the_nav(client, branch_officer, statistical_return, tree):
    client.force_login(branch_officer)
    centre = client.get(reverse("reports:centre")).content.decode()
    assert reverse("reports:returns") in centre
    listing = client.get(reverse("reports:returns")).content.decode()
    assert reverse("reports:return_detail", kwargs={"pk": statistical_return.pk}) in listing
    detail = client.get(reverse("reports:return_detail", kwargs={"pk": statistical_return.pk})).content.decode()
    unit = unit_of(statistical_return, tree.union_a1a)
    assert reverse("reports:return_unit", kwargs={"pk": unit.pk}) in detail
    assert reverse("reports:return_units", kwargs={"pk": statistical_return.pk}) in detail


def test_the_city_opens_a_return_from_the_page(client, city_staff, county_staff, tree):
    client.force_login(county_staff)
    assert client.get(reverse("reports:return_open")).status_code == 403
    client.force_login(city_staff)
    data = {"year": YEAR, "deadline": "2027-01-31", "tolerance_percent": 25,
            **{f"check_{code}": mode for code, mode in DEFAULT_MODES.items()}}
    response = client.post(reverse("reports:return_open"), data)
    assert response.status_code == 302
    assert ReturnUnit.objects.filter(statistical_return__year=YEAR).count() == 3
    again = client.post(reverse("reports:return_open"), data)
    assert again.status_code == 200 and "already open" in again.content.decode()


def figures_post(unit, **changes):
    data = {key: "" if value is None else value for key, value in services.unit_values(unit).items()}
    return {**data, "committee_members": 5, **changes}


def test_the_branch_officer_confirms_on_the_page_and_a_block_names_the_field(client, branch_officer, statistical_return,
                                                                          tree):
    unit = unit_of(statistical_return, tree.union_a1a)
    url = reverse("reports:return_unit", kwargs={"pk": unit.pk})
    client.force_login(branch_officer)
    page = client.get(url).content.decode()
    assert "The portal keeps no record of this figure" in page  # committee members: no live source
    refused = client.post(url, {**figures_post(unit, employees=1, members=2, regular=2), "confirm": "1"})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "is more than employees" in text and "Correct it before confirming" in text
    unit.refresh_from_db()
    assert (unit.status, unit.members) == ("not_started", 0)  # nothing written
    confirmed = client.post(url, {**figures_post(unit, employees=3), "confirm": "1"})
    assert confirmed.status_code == 302
    unit.refresh_from_db()
    assert (unit.status, unit.employees, unit.committee_members) == ("confirmed", 3, 5)


def test_a_branch_officer_cannot_see_or_confirm_a_siblings_unit_by_url(client, sibling_officer, statistical_return,
                                                                      tree):
    unit = unit_of(statistical_return, tree.union_a1a)
    url = reverse("reports:return_unit", kwargs={"pk": unit.pk})
    client.force_login(sibling_officer)
    assert client.get(url).status_code == 404
    assert client.post(url, {**figures_post(unit), "confirm": "1"}).status_code == 404
    unit.refresh_from_db()
    assert unit.status == "not_started"
    units = client.get(reverse("reports:return_units", kwargs={"pk": statistical_return.pk})).content.decode()
    assert tree.union_a1b.name in units and tree.union_a1a.name not in units


def test_a_county_sees_only_its_units(client, county_staff, county_b_staff, statistical_return, tree):
    url = reverse("reports:return_units", kwargs={"pk": statistical_return.pk})
    client.force_login(county_staff)
    page = client.get(url).content.decode()
    assert tree.union_a1a.name in page and tree.union_a1b.name in page and tree.union_b1.name not in page
    assert client.get(reverse("reports:return_unit",
                              kwargs={"pk": unit_of(statistical_return, tree.union_b1).pk})).status_code == 404
    client.force_login(county_b_staff)
    page = client.get(url).content.decode()
    assert tree.union_b1.name in page and tree.union_a1a.name not in page


def test_the_unit_list_filters_by_status_and_county(client, city_staff, branch_officer, statistical_return, tree):
    unit = unit_of(statistical_return, tree.union_a1a)
    services.save_unit(actor=branch_officer, unit=unit, values=figures_post(unit, employees=0) | {"employees": 0},
                       confirm=True)
    client.force_login(city_staff)
    url = reverse("reports:return_units", kwargs={"pk": statistical_return.pk})
    confirmed = client.get(url, {"status": "confirmed"}).content.decode()
    assert tree.union_a1a.name in confirmed and tree.union_a1b.name not in confirmed
    county_b = client.get(url, {"county": tree.county_b.pk}).content.decode()
    assert tree.union_b1.name in county_b and tree.union_a1b.name not in county_b


def test_the_unit_list_has_a_bounded_query_count_whatever_the_size(client, city_staff, tree, city_staff_return,
                                                                   django_assert_max_num_queries):
    client.force_login(city_staff)
    url = reverse("reports:return_units", kwargs={"pk": city_staff_return(5).pk})
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    url = reverse("reports:return_units", kwargs={"pk": city_staff_return(300).pk})
    with django_assert_max_num_queries(12):
        response = client.get(url, {"page": 2})
    assert response.status_code == 200 and 'id="next-page"' in response.content.decode()


@pytest.fixture
def city_staff_return(tree, city_staff):
    years = iter(range(2010, 2030))

    def make(extra_units: int):
        bulk_children(tree.township_a1, extra_units, prefix=f"Q{extra_units}")
        return services.open_return(actor=city_staff, year=next(years), deadline=datetime.date(2027, 1, 31),
                                    tolerance_percent=30, check_modes=dict(DEFAULT_MODES))
    return make


def test_the_unit_page_and_the_overview_have_bounded_query_counts(client, county_staff, statistical_return, tree,
                                                                 django_assert_max_num_queries):
    client.force_login(county_staff)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reports:return_unit",
                                  kwargs={"pk": unit_of(statistical_return, tree.union_a1a).pk})).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reports:return_detail", kwargs={"pk": statistical_return.pk})).status_code == 200


def test_a_correction_is_shown_on_the_units_page(client, county_staff, branch_officer, statistical_return, tree):
    unit = unit_of(statistical_return, tree.union_a1a)
    client.force_login(county_staff)
    url = reverse("reports:return_unit_correct", kwargs={"pk": unit.pk})
    refused = client.post(url, {"figure": "committee_members", "value": 6, "reason": ""})
    assert refused.status_code == 200 and not ReturnCorrection.objects.exists()
    assert client.post(url, {"figure": "committee_members", "value": 6, "reason": "据换届结果"}).status_code == 302
    client.force_login(branch_officer)
    page = client.get(reverse("reports:return_unit", kwargs={"pk": unit.pk})).content.decode()
    assert "据换届结果" in page and "county_a" in page and "— → 6" in page


def test_remind_now_button_notifies_once(client, county_staff, branch_officer, sibling_officer, statistical_return):
    client.force_login(county_staff)
    url = reverse("reports:return_remind", kwargs={"pk": statistical_return.pk})
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert branch_officer.notifications.count() == 1 and sibling_officer.notifications.count() == 1


def test_the_xlsx_sums_equal_plain_sql(client, city_staff, county_staff, branch_officer, statistical_return, tree):
    unit = unit_of(statistical_return, tree.union_a1a)
    services.save_unit(actor=branch_officer, unit=unit, values=figures_post(unit, employees=40, members=30, regular=30),
                       confirm=True)
    client.force_login(county_staff)
    response = client.get(reverse("reports:return_export", kwargs={"pk": statistical_return.pk}))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    summary = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    header, total = summary[2], summary[-2]
    members_confirmed = header.index("members (confirmed)")
    assert total[members_confirmed] == sql_value(
        "SELECT sum(u.members) FROM reports_returnunit u JOIN organizations_organization o ON o.id = u.organization_id "
        "WHERE u.status = 'confirmed' AND o.path LIKE %s", (tree.county_a.path + "%",)) == 30
    units = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert {row[0] for row in units[3:]} == {tree.union_a1a.code, tree.union_a1b.code}  # county A's only


def test_the_city_changes_the_deadline_and_a_check_which_applies_to_the_next_confirmation(
        client, city_staff, county_b_city_clerk_user, branch_officer, statistical_return, tree):
    url = reverse("reports:return_settings", kwargs={"pk": statistical_return.pk})
    data = {"deadline": "2027-02-28", "tolerance_percent": 30,
            **{f"check_{code}": mode for code, mode in DEFAULT_MODES.items()}, "check_members_over_employees": "warn"}
    client.force_login(county_b_city_clerk_user)  # city staff's role, but not the city's federation
    assert client.post(url, data).status_code == 403
    client.force_login(city_staff)
    assert client.post(url, data).status_code == 302
    statistical_return.refresh_from_db()
    assert (statistical_return.deadline, statistical_return.check_modes[MEMBERS_OVER_EMPLOYEES]) == (
        datetime.date(2027, 2, 28), "warn")
    unit = unit_of(statistical_return, tree.union_a1a)
    unit, findings = services.save_unit(actor=branch_officer, unit=unit,
                                        values=figures_post(unit, employees=1, members=2, regular=2), confirm=True)
    assert unit.status == "confirmed" and [f.mode for f in findings] == ["warn"]


@pytest.fixture
def county_b_city_clerk_user(tree):
    from apps.accounts.roles import Role
    from tests.accounts.factories import UserFactory

    return UserFactory(username="county_b_city", role=Role.CITY_STAFF, organization=tree.county_b)


def test_a_federations_staff_is_offered_no_form_of_its_own(client, county_staff, branch_officer, statistical_return):
    url = reverse("reports:return_detail", kwargs={"pk": statistical_return.pk})
    client.force_login(county_staff)
    assert 'id="own-units"' not in client.get(url).content.decode()
    client.force_login(branch_officer)
    assert 'id="own-units"' in client.get(url).content.decode()
