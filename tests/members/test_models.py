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


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["王芳", "王芳芳", "欧阳王芳", "司马王芳红", "阿依古丽·王芳", "王", "", "Li Fang"])
def test_name_bigrams_are_every_two_character_piece_of_the_name(name):
    # member_name_bigrams() backs the GIN index of two-character name search: its fast
    # branches (2-4 characters) and its general one must give the same pieces.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT member_name_bigrams(%s), member_name_bigrams(NULL)", [name])
        bigrams, of_null = cursor.fetchone()
    assert set(bigrams) == {name[i:i + 2] for i in range(len(name) - 1)}
    assert of_null is None
