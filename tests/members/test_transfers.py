"""Membership transfers: either side asks, the receiving side (or a clerk above it) decides."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.members import services
from apps.members.models import Member, Transfer
from tests.accounts.factories import UserFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_b1(tree):
    return UserFactory(username="branch_b1", role="branch_officer", organization=tree.union_b1)


def _request(member, to, by, side="sending"):
    return services.request_transfer(
        member=member, to_organization=to, requested_by=by, reason="调动", side=side
    )


def test_confirmed_transfer_moves_the_membership_and_shows_in_both_unions(tree, branch_officer, officer_b1):
    member = MemberFactory(organization=tree.union_a1a, name="调动人")
    transfer = _request(member, tree.union_b1, branch_officer)
    new = services.confirm_transfer(transfer=transfer, by=officer_b1)
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.status == Member.Status.TRANSFERRED_OUT and member.organization == tree.union_a1a
    assert new.status == Member.Status.ACTIVE and new.organization == tree.union_b1
    assert new.id_number == member.id_number and new.joined_on == member.joined_on
    assert (transfer.status, transfer.decided_by, transfer.resulting_member) == ("confirmed", officer_b1, new)
    # history of both rows, by the confirming user
    assert member.history.first().history_user == officer_b1
    assert "丙公司工会" in member.history.first().history_change_reason
    assert new.history.get().history_user == officer_b1
    # each union sees the transfer
    from apps.members.selectors import transfer_list

    assert list(transfer_list(actor=branch_officer, direction="outgoing")) == [transfer]
    assert list(transfer_list(actor=officer_b1, direction="incoming")) == [transfer]
    assert list(transfer_list(actor=branch_officer, direction="incoming")) == []


def test_only_the_receiving_side_or_a_clerk_above_it_confirms(
    tree, branch_officer, sibling_officer, officer_b1, county_staff, city_staff
):
    member = MemberFactory(organization=tree.union_a1a)
    transfer = _request(member, tree.union_b1, branch_officer)
    for user in (branch_officer, sibling_officer, county_staff):  # county A does not cover union B1
        with pytest.raises(PermissionDenied):
            services.confirm_transfer(transfer=transfer, by=user)
    services.confirm_transfer(transfer=transfer, by=city_staff)
    with pytest.raises(ValidationError):
        services.confirm_transfer(transfer=transfer, by=officer_b1)  # already decided


def test_county_clerk_confirms_a_transfer_into_their_county(tree, officer_b1, county_staff):
    member = MemberFactory(organization=tree.union_b1)
    transfer = _request(member, tree.union_a1b, officer_b1)
    new = services.confirm_transfer(transfer=transfer, by=county_staff)
    assert new.organization == tree.union_a1b


def test_rejected_transfer_leaves_the_membership_and_needs_a_reason(tree, branch_officer, officer_b1):
    member = MemberFactory(organization=tree.union_a1a)
    transfer = _request(member, tree.union_b1, branch_officer)
    with pytest.raises(ValidationError):
        services.reject_transfer(transfer=transfer, by=officer_b1, note="")
    services.reject_transfer(transfer=transfer, by=officer_b1, note="查无此人")
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.status == "active" and member.organization == tree.union_a1a
    assert transfer.status == "rejected" and transfer.decision_note == "查无此人"
    _request(member, tree.union_b1, branch_officer)  # may ask again


def test_one_pending_transfer_per_member(tree, branch_officer):
    member = MemberFactory(organization=tree.union_a1a)
    _request(member, tree.union_b1, branch_officer)
    with pytest.raises(ValidationError):
        _request(member, tree.union_a1b, branch_officer)


def test_sending_side_may_only_move_its_own_members(tree, sibling_officer):
    member = MemberFactory(organization=tree.union_a1a)
    with pytest.raises(PermissionDenied):
        _request(member, tree.union_b1, sibling_officer)


def test_receiving_side_asks_through_full_id_and_name(tree, officer_b1, branch_officer, login):
    member = MemberFactory(organization=tree.union_a1a, name="李雷")
    client = login(officer_b1)
    url = reverse("members:transfer_in")
    wrong = client.post(url, {"id_number": member.id_number, "name": "韩梅梅", "to_organization": "CB1"})
    assert wrong.status_code == 200 and not Transfer.objects.exists()
    response = client.post(url, {"id_number": member.id_number, "name": "李雷", "to_organization": "CB1"})
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.initiated_by_side, transfer.to_organization) == ("receiving", tree.union_b1)
    # the sending union sees it as outgoing, but cannot confirm it
    page = login(branch_officer).get(reverse("members:transfers"), {"direction": "outgoing"})
    assert "李雷" in page.content.decode() and member.id_number not in page.content.decode()
    assert (
        login(branch_officer).post(reverse("members:transfer_confirm", args=[transfer.pk])).status_code == 403
    )


def test_transfer_pages_confirm_and_404_outside_both_sides(
    tree, branch_officer, sibling_officer, officer_b1, login
):
    member = MemberFactory(organization=tree.union_a1a, name="韩梅梅")
    response = login(branch_officer).post(
        reverse("members:transfer_out", args=[member.pk]), {"to_organization": "CB1", "reason": "工作调动"}
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert (
        login(sibling_officer).post(reverse("members:transfer_confirm", args=[transfer.pk])).status_code
        == 404
    )
    incoming = login(officer_b1).get(reverse("members:transfers"))
    assert "韩梅梅" in incoming.content.decode()
    response = login(officer_b1).post(reverse("members:transfer_confirm", args=[transfer.pk]))
    assert response.status_code == 302
    new = Member.objects.get(organization=tree.union_b1)
    detail = login(officer_b1).get(reverse("members:detail", args=[new.pk])).content.decode()
    assert "甲公司工会" in detail  # the transfer row names the sending union
    old_detail = login(branch_officer).get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "丙公司工会" in old_detail


def test_requester_can_withdraw_a_pending_request(tree, branch_officer, login):
    member = MemberFactory(organization=tree.union_a1a)
    transfer = _request(member, tree.union_b1, branch_officer)
    assert (
        login(branch_officer).post(reverse("members:transfer_cancel", args=[transfer.pk])).status_code == 302
    )
    transfer.refresh_from_db()
    assert transfer.status == "cancelled"


@pytest.mark.parametrize("size", [3, 40])
def test_transfer_list_query_count_does_not_grow(
    tree, branch_officer, officer_b1, login, size, django_assert_max_num_queries
):
    for member in MemberFactory.create_batch(size, organization=tree.union_a1a):
        _request(member, tree.union_b1, branch_officer)
    client = login(officer_b1)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("members:transfers"))
    assert len(response.context["rows"]) == size
