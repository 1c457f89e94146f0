"""Member pages: scope (404 outside), rights (403), masking, bounded queries."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from apps.accounts.models import SensitiveAccess
from apps.members.models import Member
from tests.members.factories import MemberFactory, id_number_for

pytestmark = pytest.mark.django_db


def _names(response):
    return {row.record.name for row in response.context["table"].page.object_list}


def _cells(response) -> list[list[str]]:
    """The member table's body cells, as text with the tags inside a cell kept."""
    body = re.search(r'<table[^>]*id="member-table".*?<tbody[^>]*>(.*?)</tbody>', response.content.decode(), re.S)
    return [[cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body[1], re.S)]


def test_list_rows_show_masked_values_labels_and_dashes_for_empty(tree, city_staff, login):
    full = MemberFactory(organization=tree.union_a1a, name="<b>王&小红</b>", id_number=id_number_for(7),
                         phone="13912345678", worker_category="migrant", status=Member.Status.RETAINED,
                         joined_on=datetime.date(2021, 3, 9))
    empty = MemberFactory(organization=tree.union_a1b, name="李四", phone="", joined_on=None)
    sex = {"M": "male", "F": "female"}
    rows = _cells(login(city_staff).get(reverse("members:list")))
    assert rows == [
        [f'<a href="/members/{empty.pk}/">李四</a>', "*" * 14 + empty.id_number[-4:], sex[empty.sex],
         empty.id_number[6:10], "—", tree.union_a1b.name, "employee", "—", "active"],
        [f'<a href="/members/{full.pk}/">&lt;b&gt;王&amp;小红&lt;/b&gt;</a>', "*" * 14 + full.id_number[-4:],
         sex[full.sex], full.id_number[6:10], "139****5678", tree.union_a1a.name,
         "migrant worker", "2021-03-09", "retained"],
    ]
    client = login(city_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"  # the language switcher's choice
    rows = _cells(client.get(reverse("members:list")))
    assert [row[6] for row in rows] == ["在职职工", "农民工"] and [row[8] for row in rows] == ["在册", "保留会籍"]


def test_list_without_matches_says_so_in_one_row(tree, city_staff, login):
    rows = _cells(login(city_staff).get(reverse("members:list"), {"q": "没有"}))
    assert rows == [["No members match."]]


def test_branch_officer_lists_only_own_union(tree, branch_officer, login):
    MemberFactory(organization=tree.union_a1a, name="甲会员")
    MemberFactory(organization=tree.union_a1b, name="乙会员")
    MemberFactory(organization=tree.union_b1, name="丙会员")
    response = login(branch_officer).get(reverse("members:list"))
    assert response.status_code == 200
    assert _names(response) == {"甲会员"}


def test_branch_officer_list_reads_their_union_alone_while_it_has_no_union_under_it(
    tree, branch_officer, login, django_assert_max_num_queries
):
    """A union with nothing under it is read as "organization = it" (the planner then reads
    the newest first by member_org_current_id_idx); once a union sits under it, its members
    are listed too."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.organizations.factories import OrganizationFactory

    MemberFactory(organization=tree.union_a1a, name="甲会员")
    client = login(branch_officer)
    with CaptureQueriesContext(connection) as captured:
        assert _names(client.get(reverse("members:list"))) == {"甲会员"}
    listed = [q["sql"] for q in captured.captured_queries if 'FROM "members_member"' in q["sql"]]
    assert len(listed) == 1 and f'"members_member"."organization_id" = {tree.union_a1a.pk}' in listed[0]
    child = OrganizationFactory(code="CA1a1", parent=tree.union_a1a)
    MemberFactory(organization=child, name="子会员")
    assert _names(client.get(reverse("members:list"))) == {"甲会员", "子会员"}


def test_county_staff_lists_their_county_and_filters_by_subtree_code(tree, county_staff, login):
    MemberFactory(organization=tree.union_a1a, name="甲会员")
    MemberFactory(organization=tree.union_a1b, name="乙会员")
    MemberFactory(organization=tree.union_b1, name="丙会员")
    client = login(county_staff)
    assert _names(client.get(reverse("members:list"))) == {"甲会员", "乙会员"}
    assert _names(client.get(reverse("members:list"), {"org": "CA1b"})) == {"乙会员"}
    # A code outside the scope narrows to nothing rather than widening the scope.
    assert _names(client.get(reverse("members:list"), {"org": "CB1"})) == set()


def test_sibling_member_is_not_findable_by_name_id_or_last_digits(tree, branch_officer, login):
    sibling = MemberFactory(organization=tree.union_a1b, name="王小明")
    own = MemberFactory(organization=tree.union_a1a, name="王小红")
    client = login(branch_officer)
    for q in ("王小", "小明", "王小明", sibling.id_number[-4:], sibling.id_number[-6:]):
        assert sibling.name not in _names(client.get(reverse("members:list"), {"q": q})), q
    assert _names(client.get(reverse("members:list"), {"q": own.id_number[-5:]})) == {"王小红"}
    assert _names(client.get(reverse("members:list"), {"q": "小红"})) == {"王小红"}
    assert _names(client.get(reverse("members:list"), {"q": "王小红"})) == {"王小红"}
    find = reverse("members:find")
    assert client.post(find, {"id_number": own.id_number.lower()}).url == reverse(
        "members:detail", args=[own.pk]
    )
    assert client.post(find, {"id_number": sibling.id_number}).url == reverse("members:list")


def test_two_character_name_search_finds_names_of_every_length(tree, branch_officer, login):
    names = {"王芳", "王芳芳", "李王芳", "欧阳王芳", "司马王芳红", "阿依古丽·王芳"}
    for name in names:
        MemberFactory(organization=tree.union_a1a, name=name)
    MemberFactory(organization=tree.union_a1a, name="王小芳")  # both characters, not side by side
    assert _names(login(branch_officer).get(reverse("members:list"), {"q": "王芳"})) == names


def test_full_id_number_is_never_searched_through_the_url(tree, branch_officer, login):
    own = MemberFactory(organization=tree.union_a1a)
    response = login(branch_officer).get(reverse("members:list"), {"q": own.id_number})
    assert response.context["filter"].form.errors.as_data()["q"][0].code == "full_id_in_url"
    assert login(branch_officer).get(reverse("members:find"), {"id_number": own.id_number}).status_code == 405


def test_find_lists_every_visible_membership_row_of_a_person(tree, county_staff, login):
    old = MemberFactory(organization=tree.union_a1a, status=Member.Status.TRANSFERRED_OUT, name="周七")
    MemberFactory(organization=tree.union_a1b, id_number=old.id_number, name="周七")
    response = login(county_staff).post(reverse("members:find"), {"id_number": old.id_number})
    assert response.status_code == 200
    assert len(response.context["table"].rows) == 2
    assert old.id_number not in response.content.decode()


def test_list_filters_status_category_sex_age_and_joined(tree, city_staff, login):
    import datetime

    MemberFactory(
        organization=tree.union_a1a,
        name="在册",
        joined_on=datetime.date(2020, 1, 1),
        worker_category="new_employment",
    )
    MemberFactory(organization=tree.union_a1a, name="退会", status=Member.Status.WITHDRAWN)
    client = login(city_staff)
    assert _names(client.get(reverse("members:list"))) == {"在册"}
    assert _names(client.get(reverse("members:list"), {"status": "withdrawn"})) == {"退会"}
    assert _names(client.get(reverse("members:list"), {"status": "all"})) == {"在册", "退会"}
    assert _names(client.get(reverse("members:list"), {"worker_category": "migrant"})) == set()
    assert _names(client.get(reverse("members:list"), {"worker_category": "new_employment"})) == {"在册"}
    assert _names(client.get(reverse("members:list"), {"joined_from": "2020-01-02"})) == set()
    invalid = client.get(reverse("members:list"), {"age_max": 200})  # ignored, with the error shown
    assert "age_max" in invalid.context["filter"].form.errors and _names(invalid) == {"在册"}
    assert _names(client.get(reverse("members:list"), {"age_min": 100})) == set()
    assert _names(client.get(reverse("members:list"), {"age_min": 18, "age_max": 120})) == {"在册"}


def test_list_masks_id_and_phone_and_shows_birth_year_only(tree, branch_officer, login):
    member = MemberFactory(organization=tree.union_a1a, phone="13812345678")
    html = login(branch_officer).get(reverse("members:list")).content.decode()
    assert member.id_number not in html
    assert member.id_number[6:14] not in html  # the birth date digits
    assert "**************" + member.id_number[-4:] in html
    assert "138****5678" in html and "13812345678" not in html
    assert member.birth_date.isoformat() not in html


def test_list_does_not_count_the_whole_table(tree, city_staff, login, django_assert_max_num_queries):
    MemberFactory.create_batch(30, organization=tree.union_a1a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = login(city_staff).get(reverse("members:list"))
    assert response.status_code == 200
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert "page=2" in response.content.decode()


@pytest.mark.parametrize("size", [10, 300])
def test_list_query_count_does_not_grow_with_members(
    tree, county_staff, login, django_assert_max_num_queries, size
):
    MemberFactory.create_batch(size, organization=tree.union_a1a)
    client = login(county_staff)
    # session, user, user's organization, subtree ids, one page of members, session save (3)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("members:list"), {"q": "会员"})
    assert len(response.context["table"].page.object_list) == min(size, 25)


@pytest.mark.parametrize("size", [10, 300])
def test_detail_query_count_does_not_grow_with_history(
    tree, branch_officer, login, django_assert_max_num_queries, size
):
    from apps.members import services

    member = MemberFactory(organization=tree.union_a1a)
    for i in range(size // 10):
        services.update_member(actor=branch_officer, member=member, data={"card_number": f"C{i}"})
    client = login(branch_officer)
    # session, user, user's organization, member, history, transfers, other memberships, session save (3)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("members:detail", args=[member.pk]))
    assert response.status_code == 200


def test_branch_officer_gets_404_for_sibling_member(tree, branch_officer, login):
    sibling = MemberFactory(organization=tree.union_a1b)
    client = login(branch_officer)
    for name in ("detail", "edit", "status", "transfer_out"):
        assert client.get(reverse(f"members:{name}", args=[sibling.pk])).status_code == 404, name
    assert (
        client.post(reverse("members:reveal", args=[sibling.pk]), {"field": "id_number"}).status_code == 404
    )
    assert not SensitiveAccess.objects.exists()


def test_leader_reads_but_cannot_write(tree, leader, login):
    member = MemberFactory(organization=tree.union_a1a)
    client = login(leader)
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 200
    assert client.get(reverse("members:create")).status_code == 403
    assert client.post(reverse("members:edit", args=[member.pk]), {"name": "x"}).status_code == 403
    assert client.post(reverse("members:status", args=[member.pk]), {}).status_code == 403
    assert client.post(reverse("members:reveal", args=[member.pk]), {"field": "id_number"}).status_code == 403
    assert client.get(reverse("members:export"), {"unmasked": "1"}).status_code == 403


def test_detail_masks_and_reveal_is_audited(tree, branch_officer, login):
    member = MemberFactory(organization=tree.union_a1a, name="赵六")
    client = login(branch_officer)
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert member.id_number not in html and member.id_number[6:14] not in html
    assert str(member.birth_date.year) in html
    response = client.post(reverse("members:reveal", args=[member.pk]), {"field": "id_number"})
    assert response.status_code == 200 and member.id_number in response.content.decode()
    access = SensitiveAccess.objects.get()
    assert (access.actor, access.action, access.subject_id, access.organization) == (
        branch_officer,
        "reveal",
        member.pk,
        tree.union_a1a,
    )
    assert member.id_number not in access.subject_label + access.detail


def test_reveal_needs_post(tree, branch_officer, login):
    member = MemberFactory(organization=tree.union_a1a)
    assert login(branch_officer).get(reverse("members:reveal", args=[member.pk])).status_code == 405


def test_create_form_shows_validation_errors_and_writes_nothing(tree, branch_officer, login):
    client = login(branch_officer)
    response = client.post(
        reverse("members:create"),
        {
            "organization": "CA1a",
            "name": "=1+1",
            "id_number": "371302197001010010",
            "phone": "123",
            "worker_category": "regular",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "id_number", "phone"}
    assert not Member.objects.exists()


def test_create_form_refuses_a_union_outside_scope(tree, branch_officer, login):
    response = login(branch_officer).post(
        reverse("members:create"),
        {
            "organization": "CA1b",
            "name": "张三",
            "id_number": id_number_for(5),
            "worker_category": "regular",
        },
    )
    assert "organization" in response.context["form"].errors
    assert not Member.objects.exists()


def test_create_and_edit_through_the_forms(tree, branch_officer, login):
    client = login(branch_officer)
    response = client.post(
        reverse("members:create"),
        {
            "organization": "CA1a",
            "name": "张三",
            "id_number": id_number_for(5),
            "worker_category": "regular",
            "joined_on": "2023/1/15",
        },
    )
    member = Member.objects.get()
    assert response.status_code == 302 and response.url == reverse("members:detail", args=[member.pk])
    response = client.post(
        reverse("members:edit", args=[member.pk]),
        {
            "name": "张三丰",
            "id_number": member.id_number,
            "worker_category": "migrant",
            "joined_on": "2023-01-15",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.worker_category) == ("张三丰", "migrant")
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    # The history table, not the page: the navbar shows the logged-in username anyway.
    history = html.split('id="member-history"')[1].split("</table>")[0]
    assert "张三丰" in history and branch_officer.username in history


def test_status_form_changes_status(tree, branch_officer, login):
    member = MemberFactory(organization=tree.union_a1a)
    response = login(branch_officer).post(
        reverse("members:status", args=[member.pk]),
        {"status": "deceased", "on": "2024-02-03", "reason": "病故"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "deceased"


def test_access_log_is_for_city_clerks_only(tree, city_staff, county_staff, branch_officer, leader, login):
    member = MemberFactory(organization=tree.union_a1a)
    login(branch_officer).post(reverse("members:reveal", args=[member.pk]), {"field": "phone"})
    for user in (county_staff, branch_officer, leader):
        assert login(user).get(reverse("members:access_log")).status_code == 403
    response = login(city_staff).get(reverse("members:access_log"))
    html = response.content.decode()
    assert response.status_code == 200
    assert branch_officer.username in html and member.name in html
    assert member.phone not in html


def test_edit_form_never_prints_the_full_numbers_and_empty_keeps_them(tree, branch_officer, login):
    member = MemberFactory(organization=tree.union_a1a, phone="13812345678", name="孙九")
    client = login(branch_officer)
    html = client.get(reverse("members:edit", args=[member.pk])).content.decode()
    assert member.id_number not in html and "13812345678" not in html
    assert "**************" + member.id_number[-4:] in html and "138****5678" in html
    response = client.post(
        reverse("members:edit", args=[member.pk]),
        {
            "name": "孙九",
            "id_number": "",
            "phone": "",
            "worker_category": "regular",
            "joined_on": "1960-01-01",
        },
    )
    assert "joined_on" in response.context["form"].errors  # before the birth date in the stored ID
    response = client.post(
        reverse("members:edit", args=[member.pk]),
        {"name": "孙久", "id_number": "", "phone": "", "worker_category": "regular"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.phone) == ("孙久", "13812345678")


def test_detail_of_a_bulk_loaded_member_without_history_renders(tree, branch_officer, login):
    # Demo data and the roster's COPY path may load members without a history row.
    member = MemberFactory(organization=tree.union_a1a)
    member.history.all().delete()
    response = login(branch_officer).get(reverse("members:detail", args=[member.pk]))
    assert response.status_code == 200 and response.context["history"] == []


def _page_ids_by_sql(path: str, *, order: str, limit: int, offset: int) -> list[int]:
    """A page of the list from its definition: current members under `path`, in `order`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.id FROM members_member m JOIN organizations_organization o ON o.id = m.organization_id "
            f"WHERE o.path LIKE %s AND m.status IN ('active', 'retained') ORDER BY {order} LIMIT %s OFFSET %s",
            [path + "%", limit, offset],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(("sort", "order"), [("", "m.id DESC"), ("name", "m.name, m.id")])
def test_a_deep_page_reads_its_keys_first_and_lists_the_rows_of_that_page(tree, county_staff, login, sort, order):
    """Issue 21: a page after the first is one query that picks the page's ids (LIMIT/OFFSET
    inside the subquery) and reads only those rows whole, so a county's page 400 under a
    province does not walk every city's members; the rows are those of the plain page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MemberFactory.create_batch(40, organization=tree.union_a1a)
    MemberFactory.create_batch(30, organization=tree.union_a1b)
    MemberFactory.create_batch(20, organization=tree.union_b1)  # another county: never listed
    MemberFactory(organization=tree.union_a1a, status="withdrawn")  # not current: never listed
    params = {"page": 2, **({"sort": sort} if sort else {})}
    with CaptureQueriesContext(connection) as queries:
        response = login(county_staff).get(reverse("members:list"), params)
    listed = [row.record.pk for row in response.context["table"].page.object_list]
    assert listed == _page_ids_by_sql(tree.county_a.path, order=order, limit=25, offset=25)
    page_queries = [q["sql"] for q in queries.captured_queries if 'FROM "members_member"' in q["sql"]]
    assert len(page_queries) == 1
    outer, _, inner = page_queries[0].partition(' IN (SELECT U0."id"')
    assert "OFFSET 25" in inner and "OFFSET" not in outer and "LIMIT" not in outer


def test_the_first_page_stays_one_plain_limit(tree, county_staff, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MemberFactory.create_batch(30, organization=tree.union_a1a)
    with CaptureQueriesContext(connection) as queries:
        response = login(county_staff).get(reverse("members:list"))
    listed = [row.record.pk for row in response.context["table"].page.object_list]
    assert listed == _page_ids_by_sql(tree.county_a.path, order="m.id DESC", limit=25, offset=0)
    page_sql = next(q["sql"] for q in queries.captured_queries if 'FROM "members_member"' in q["sql"])
    assert "LIMIT 26" in page_sql and " IN (SELECT" not in page_sql


def _page_query(client, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("members:list"), params)
    listed = [row.record.pk for row in response.context["table"].page.object_list]
    page_sql = [q["sql"] for q in queries.captured_queries if 'FROM "members_member"' in q["sql"]]
    assert len(page_sql) == 1
    return listed, page_sql[0]


def test_a_county_sorts_its_own_keys_past_the_deep_offset_the_city_walks_them(
        tree, county_staff, city_staff, login, monkeypatch):
    """Issue 21: from DEEP_PAGE_OFFSET a county (or less) orders its keys by an expression no
    index provides (id + 0), so they come from its own organizations' index and a sort,
    never a walk of every city's members by id; the city keeps the walk (its share of the
    table is large); a filter on another column keeps it too. The rows stay the page's."""
    from apps.members import selectors

    monkeypatch.setattr(selectors, "DEEP_PAGE_OFFSET", 25)
    MemberFactory.create_batch(40, organization=tree.union_a1a)
    MemberFactory.create_batch(30, organization=tree.union_a1b, worker_category="new_employment")
    MemberFactory.create_batch(20, organization=tree.union_b1)
    expected = _page_ids_by_sql(tree.county_a.path, order="m.id DESC", limit=25, offset=25)

    listed, sql = _page_query(login(county_staff), {"page": 2})
    assert listed == expected
    assert 'ORDER BY (U0."id" + 0) DESC LIMIT 26 OFFSET 25' in sql

    listed, sql = _page_query(login(city_staff), {"page": 2, "org": "CA"})  # the city narrowed to the county
    assert listed == expected
    assert 'ORDER BY (U0."id" + 0) DESC LIMIT 26 OFFSET 25' in sql

    listed, sql = _page_query(login(city_staff), {"page": 2})
    assert listed == _page_ids_by_sql(tree.city.path, order="m.id DESC", limit=25, offset=25)
    assert 'ORDER BY U0."id" DESC LIMIT 26 OFFSET 25' in sql

    _listed, sql = _page_query(login(county_staff), {"page": 2, "worker_category": "new_employment"})
    assert 'ORDER BY U0."id" DESC LIMIT 26 OFFSET 25' in sql
