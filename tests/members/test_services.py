import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.members import services
from apps.members.models import Member
from tests.members.factories import MemberFactory, id_number_for

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "name": "张三",
        "id_number": id_number_for(123456),
        "phone": "138 0013 8000",
        "joined_on": "2021年3月5日",
        "political_status": "中共党员",
        "worker_category": "新就业形态劳动者",
    }
    return data | overrides


def test_create_member_normalizes_and_derives_sex_and_birth_date(tree, branch_officer):
    raw_id = id_number_for(123456)
    member = services.create_member(
        actor=branch_officer,
        organization=tree.union_a1a,
        data=_data(id_number=" " + raw_id.lower() + "\u200b"),
    )
    member.refresh_from_db()
    assert member.id_number == raw_id.upper()
    assert member.birth_date == datetime.date(int(raw_id[6:10]), int(raw_id[10:12]), int(raw_id[12:14]))
    assert member.sex == ("M" if int(raw_id[16]) % 2 else "F")
    assert member.phone == "13800138000"
    assert member.joined_on == datetime.date(2021, 3, 5)
    assert member.political_status == "cpc_member"
    assert member.worker_category == "new_employment"
    assert member.history.get().history_user == branch_officer


def test_create_member_converts_an_old_15_digit_id(tree, branch_officer):
    eighteen = id_number_for(7)  # born 1970, so the 15-digit form exists
    fifteen = eighteen[:6] + eighteen[8:17]
    member = services.create_member(
        actor=branch_officer, organization=tree.union_a1a, data=_data(id_number=fifteen)
    )
    assert member.id_number == eighteen


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("id_number", "371302197001010010", "id_check_character"),
        ("id_number", "3.71302E+17", "id_scientific_notation"),
        ("name", "=HYPERLINK(1)", "name_formula"),
        ("name", "<b>张三</b>", "name_markup"),
        ("phone", "12345", "phone_invalid"),
        ("joined_on", "2999-01-01", "date_future"),
        ("political_status", "党外", "invalid_choice"),
    ],
)
def test_create_member_refuses_bad_input_and_writes_nothing(tree, branch_officer, field, value, code):
    with pytest.raises(ValidationError) as exc:
        services.create_member(
            actor=branch_officer, organization=tree.union_a1a, data=_data(**{field: value})
        )
    assert [e.code for e in exc.value.error_dict[field]] == [code]
    assert not Member.objects.exists()


def test_create_member_refuses_sex_that_contradicts_the_id(tree, branch_officer):
    id_number = id_number_for(123456)
    wrong = "女" if int(id_number[16]) % 2 else "男"
    with pytest.raises(ValidationError) as exc:
        services.create_member(actor=branch_officer, organization=tree.union_a1a, data=_data(sex=wrong))
    assert exc.value.error_dict["sex"][0].code == "sex_contradicts_id"


def test_create_member_refuses_a_person_who_is_a_member_elsewhere(tree, branch_officer):
    other = MemberFactory(organization=tree.union_b1)
    with pytest.raises(ValidationError) as exc:
        services.create_member(
            actor=branch_officer, organization=tree.union_a1a, data=_data(id_number=other.id_number)
        )
    assert exc.value.error_dict["id_number"][0].code == "already_member"
    assert Member.objects.count() == 1


def test_branch_officer_cannot_create_a_member_in_a_sibling_union(tree, branch_officer):
    # The union is chosen in the form: a field error naming it (apps.organizations.scope).
    with pytest.raises(ValidationError) as refused:
        services.create_member(actor=branch_officer, organization=tree.union_a1b, data=_data())
    assert set(refused.value.message_dict) == {"organization"}
    assert not Member.objects.exists()


def test_leader_cannot_create_members(tree, leader):
    with pytest.raises(PermissionDenied):
        services.create_member(actor=leader, organization=tree.union_a1a, data=_data())


def test_update_member_records_who_changed_what(tree, branch_officer):
    member = MemberFactory(organization=tree.union_a1a)
    services.update_member(actor=branch_officer, member=member, data={"name": "李四", "phone": "13900001111"})
    latest = member.history.first()
    assert latest.history_user == branch_officer
    delta = latest.diff_against(latest.prev_record)
    assert {c.field for c in delta.changes} == {"name", "phone"}


def test_change_status_keeps_date_and_reason_in_history(tree, branch_officer):
    member = MemberFactory(organization=tree.union_a1a)
    day = datetime.date(2024, 6, 30)
    services.change_member_status(member=member, status="retained", on=day, reason="退休", actor=branch_officer)
    member.refresh_from_db()
    assert (member.status, member.status_changed_on, member.status_reason) == ("retained", day, "退休")
    assert member.history.first().history_change_reason == "退休"


def test_change_status_cannot_set_transferred_out_nor_future_dates(tree, branch_officer):
    member = MemberFactory(organization=tree.union_a1a)
    with pytest.raises(ValidationError) as exc:
        services.change_member_status(
            member=member,
            status="transferred_out",
            on=datetime.date(2099, 1, 1),
            reason="",
            actor=branch_officer,
        )
    assert set(exc.value.error_dict) == {"status", "on", "reason"}


def test_reactivating_a_withdrawn_membership_is_refused_when_the_person_is_a_member_elsewhere(
    tree, branch_officer
):
    old = MemberFactory(organization=tree.union_a1a, status=Member.Status.WITHDRAWN)
    MemberFactory(organization=tree.union_b1, id_number=old.id_number)
    with pytest.raises(ValidationError) as exc:
        services.change_member_status(
            member=old, status="active", on=datetime.date(2024, 1, 1), reason="重新入会", actor=branch_officer
        )
    assert exc.value.error_dict["id_number"][0].code == "already_member"
