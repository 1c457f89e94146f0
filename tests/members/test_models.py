import pytest
from django.db import IntegrityError, transaction

from apps.members.models import Member, Transfer
from tests.members.factories import MemberFactory, TransferFactory


@pytest.mark.django_db
def test_database_refuses_a_second_current_membership_of_one_person(tree):
    first = MemberFactory(organization=tree.union_a1a)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(organization=tree.union_b1, id_number=first.id_number)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(organization=tree.union_b1, id_number=first.id_number, status=Member.Status.RETAINED)


@pytest.mark.django_db
def test_earlier_memberships_stay_beside_the_current_one(tree):
    first = MemberFactory(organization=tree.union_a1a, status=Member.Status.TRANSFERRED_OUT)
    MemberFactory(organization=tree.union_a1b, id_number=first.id_number, status=Member.Status.WITHDRAWN)
    MemberFactory(organization=tree.union_b1, id_number=first.id_number)
    assert Member.objects.filter(id_number=first.id_number).count() == 3


@pytest.mark.django_db
def test_database_refuses_a_second_pending_transfer_of_one_member(tree, branch_officer):
    member = MemberFactory(organization=tree.union_a1a)
    TransferFactory(member=member, to_organization=tree.union_b1, requested_by=branch_officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferFactory(member=member, to_organization=tree.union_a1b, requested_by=branch_officer)
    TransferFactory(
        member=member,
        to_organization=tree.union_a1b,
        requested_by=branch_officer,
        status=Transfer.Status.REJECTED,
    )
