"""A household's file: what a clerk enters and what is refused (issue 16 items 1-2)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.assistance import services
from apps.assistance.choices import Category, FileStatus
from apps.assistance.models import HardshipFile, LivingStandard
from tests.assistance.factories import household_data, make_file
from tests.members.factories import MemberFactory, id_number_for

pytestmark = pytest.mark.django_db


_VALID = id_number_for(5)
WRONG_CHECK = _VALID[:-1] + ("0" if _VALID[-1] != "0" else "1")


def _create(user, org, **overrides):
    data, household = household_data(**overrides)
    return services.create_file(actor=user, organization=org, data=data, household=household)


def _errors(exc_info) -> dict:
    return {field: [str(m) for e in errors for m in e.messages] for field, errors in exc_info.value.error_dict.items()}


@pytest.mark.parametrize(
    ("income", "size", "suggested"),
    [("1500.00", 2, Category.DEEP), ("2399.97", 3, Category.DEEP), ("2400.00", 3, Category.RELATIVE),
     ("4799.95", 3, Category.RELATIVE), ("4800.00", 3, "")],
)
def test_the_category_is_suggested_from_income_per_head_against_the_county_standard(income, size, suggested):
    """Below the minimum living standard (800): deep; below twice it (1,600): relative."""
    per_head = services.expected_income_per_head(Decimal(income), size)
    assert services.suggest_category(per_head, Decimal(800)) == suggested


def test_a_file_stores_the_suggestion_and_the_standard_of_its_county_on_its_date(tree, branch_officer):
    LivingStandard.objects.create(county=tree.county_a, effective_from=datetime.date(2026, 1, 1),
                                  monthly_amount=Decimal("900.00"))
    old = _create(branch_officer, tree.union_a1a, file_date=datetime.date(2025, 12, 31))
    new = _create(branch_officer, tree.union_a1a, file_date=datetime.date(2026, 1, 1))
    assert (old.living_standard, new.living_standard) == (Decimal("800.00"), Decimal("900.00"))
    assert old.suggested_category == Category.DEEP and old.status == FileStatus.DRAFT


def test_another_category_than_the_suggested_one_needs_a_reason(tree, branch_officer):
    with pytest.raises(ValidationError) as refused:
        _create(branch_officer, tree.union_a1a, category=Category.RELATIVE)
    assert "category_reason" in refused.value.error_dict
    file = _create(branch_officer, tree.union_a1a, category=Category.RELATIVE, category_reason="大病医疗支出大")
    assert (file.category, file.suggested_category) == (Category.RELATIVE, Category.DEEP)


def test_income_per_head_that_does_not_match_income_and_size_is_refused(tree, branch_officer):
    with pytest.raises(ValidationError) as refused:
        _create(branch_officer, tree.union_a1a, income="1800.00", size=3, income_per_head=Decimal("700.00"))
    assert "600.00" in _errors(refused)["income_per_head"][0]
    assert not HardshipFile.objects.exists()


def test_the_database_refuses_income_per_head_that_does_not_match(tree, branch_officer):
    file = _create(branch_officer, tree.union_a1a)
    with pytest.raises(IntegrityError), transaction.atomic():
        HardshipFile.objects.filter(pk=file.pk).update(income_per_head=Decimal("700.00"))


@pytest.mark.parametrize(
    ("field", "value"),
    [("monthly_income", "-1"), ("monthly_income", "99999999"), ("monthly_income", "12.345"),
     ("monthly_income", "abc"), ("household_size", 0), ("household_size", 31), ("head_id_number", WRONG_CHECK),
     ("head_id_number", "3.71302E+17"), ("head_name", "=cmd()"), ("bank_account", "12ab"), ("causes", []),
     ("causes", ["other"]), ("category", "rich"), ("file_date", datetime.date(2099, 1, 1))],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(tree, branch_officer, field, value):
    data, household = household_data()
    data[field] = value
    if field == "household_size" and isinstance(value, int) and 1 <= value:
        household = household * 20
    with pytest.raises(ValidationError) as refused:
        services.create_file(actor=branch_officer, organization=tree.union_a1a, data=data, household=household)
    assert refused.value.error_dict, refused.value
    assert not HardshipFile.objects.exists()


def test_no_living_standard_for_the_county_is_a_clear_refusal(tree, branch_officer):
    LivingStandard.objects.filter(county=tree.county_a).delete()
    with pytest.raises(ValidationError) as refused:
        _create(branch_officer, tree.union_a1a)
    assert "兰山区总工会" in _errors(refused)["file_date"][0]


def test_a_household_in_another_unions_open_file_is_refused_naming_that_union(
    tree, branch_officer, sibling_officer
):
    first = _create(sibling_officer, tree.union_a1b)
    with pytest.raises(ValidationError) as refused:
        _create(branch_officer, tree.union_a1a, head_id_number=first.head_id_number)
    assert refused.value.error_dict["head_id_number"][0].code == "open_file_elsewhere"
    assert "乙公司工会" in _errors(refused)["head_id_number"][0]
    assert HardshipFile.objects.count() == 1


def test_a_person_listed_in_another_open_households_members_is_refused(tree, branch_officer, sibling_officer):
    data, household = household_data()
    household[0]["id_number"] = id_number_for(777_001)
    services.create_file(actor=sibling_officer, organization=tree.union_a1b, data=data, household=household)
    with pytest.raises(ValidationError) as refused:
        _create(branch_officer, tree.union_a1a, head_id_number=id_number_for(777_001))
    assert "乙公司工会" in _errors(refused)["head_id_number"][0]


def test_the_database_holds_one_open_file_per_household(tree, branch_officer):
    file = _create(branch_officer, tree.union_a1a)
    copy = HardshipFile.objects.get(pk=file.pk)
    copy.pk = None
    with pytest.raises(IntegrityError, match="hardship_one_open_file_per_household"), transaction.atomic():
        copy.save()


def test_an_exited_household_may_be_filed_again(tree, file_at, branch_officer):
    old = file_at(FileStatus.EXITED)
    again = _create(branch_officer, tree.union_a1a, head_id_number=old.head_id_number)
    assert again.status == FileStatus.DRAFT


def test_a_head_who_is_a_member_is_linked_and_one_who_is_not_is_accepted(tree, branch_officer):
    member = MemberFactory(organization=tree.union_a1a, id_number=id_number_for(888_001))
    linked = _create(branch_officer, tree.union_a1a, head_id_number=member.id_number)
    worker = _create(branch_officer, tree.union_a1a, head_id_number=id_number_for(888_002))
    assert linked.head_member == member and worker.head_member is None


def test_old_15_digit_and_lower_case_x_ids_are_stored_normalized(tree, branch_officer):
    file = _create(branch_officer, tree.union_a1a, head_id_number="  " + id_number_for(888_003).lower() + " ")
    assert file.head_id_number == id_number_for(888_003)


def test_a_union_outside_scope_cannot_be_given_a_file(tree, sibling_officer):
    from django.http import Http404

    with pytest.raises(Http404):
        _create(sibling_officer, tree.union_a1a)


def test_editing_a_draft_keeps_one_timeline(tree, branch_officer):
    file = make_file(branch_officer, tree.union_a1a)
    data, household = household_data(head_id_number=file.head_id_number, income="1200.00", size=2)
    data["address"] = "新地址"
    file = services.update_file(actor=branch_officer, file=file, expected_version=file.version, data=data,
                                household=household[:1])
    assert file.address == "新地址" and file.household.count() == 1 and file.version == 2
    assert list(file.events.values_list("action", flat=True)) == ["created", "edited"]
    assert file.updated_at <= timezone.now()
