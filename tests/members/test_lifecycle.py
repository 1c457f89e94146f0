import pytest
from django.core.exceptions import ValidationError

from apps.members.models import Member, Transfer
from apps.organizations.services import dissolve_organization, merge_organization
from tests.members.factories import MemberFactory, TransferFactory


def test_merge_moves_current_members_with_history_and_keeps_past_ones(tree, city_staff):
    active = MemberFactory(organization=tree.union_a1b)
    retained = MemberFactory(organization=tree.union_a1b, status=Member.Status.RETAINED)
    withdrawn = MemberFactory(organization=tree.union_a1b, status=Member.Status.WITHDRAWN)

    change = merge_organization(source=tree.union_a1b, target=tree.union_a1a, actor=city_staff, reason="两厂合并")

    assert change.extra == {"members": 2}
    for member in (active, retained):
        member.refresh_from_db()
        assert member.organization == tree.union_a1a
        last = member.history.first()
        assert last.history_user == city_staff and last.history_change_reason == "两厂合并"
    withdrawn.refresh_from_db()
    assert withdrawn.organization == tree.union_a1b


def test_merge_redirects_pending_transfers_to_the_target(tree, city_staff):
    incoming = TransferFactory(
        member=MemberFactory(organization=tree.union_b1), to_organization=tree.union_a1b, requested_by=city_staff
    )
    merge_organization(source=tree.union_a1b, target=tree.union_a1a, actor=city_staff, reason="合并")
    incoming.refresh_from_db()
    assert incoming.to_organization == tree.union_a1a and incoming.status == Transfer.Status.PENDING


def test_dissolve_is_refused_while_the_union_has_current_members(tree, city_staff):
    member = MemberFactory(organization=tree.union_a1b)
    with pytest.raises(ValidationError):
        dissolve_organization(organization=tree.union_a1b, actor=city_staff, reason="撤销")
    tree.union_a1b.refresh_from_db()
    member.refresh_from_db()
    assert tree.union_a1b.status == "active" and member.organization == tree.union_a1b


def test_dissolve_goes_through_once_only_past_members_remain(tree, city_staff):
    MemberFactory(organization=tree.union_a1b, status=Member.Status.TRANSFERRED_OUT)
    change = dissolve_organization(organization=tree.union_a1b, actor=city_staff, reason="撤销")
    assert change.kind == "dissolved"
