"""apps.core.privacy: masks that never give the number back, and the access record."""

import datetime

import pytest

from apps.accounts.models import SensitiveAccess
from apps.accounts.services import record_sensitive_access
from apps.core.privacy import birth_year, mask_id_number, mask_phone
from tests.members.factories import MemberFactory, id_number_for


def test_id_mask_shows_14_asterisks_and_the_last_4_only():
    number = id_number_for(4321)
    masked = mask_id_number(number)
    assert masked == "*" * 14 + number[-4:]
    assert number[6:14] not in masked and number[:6] not in masked
    assert mask_id_number("37130219700101001X").endswith("001X")
    assert mask_id_number("") == "" and mask_id_number(None) == ""


def test_phone_mask_keeps_prefix_and_last_4():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""


def test_birth_date_next_to_a_masked_id_is_the_year_only():
    assert birth_year(datetime.date(1985, 7, 9)) == "1985"
    assert birth_year(None) == ""


@pytest.mark.django_db
def test_access_record_names_the_record_but_never_holds_the_value(tree, branch_officer):
    member = MemberFactory(organization=tree.union_a1a, name="钱八")
    access = record_sensitive_access(
        actor=branch_officer,
        action=SensitiveAccess.Action.REVEAL,
        subject=member,
        organization=member.organization,
        detail="id_number",
    )
    access.refresh_from_db()
    assert (access.subject_type, access.subject_id, access.subject_label) == (
        "members.member",
        member.pk,
        "钱八",
    )
    assert member.id_number not in f"{access.subject_label}{access.detail}"
