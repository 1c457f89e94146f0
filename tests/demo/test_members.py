"""The members demo step: valid people, every member in a member union, one history row
each, and a second run adds nothing."""

import random

import pytest
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from apps.core.validators import normalize_person_name, normalize_resident_id, resident_id_birth_date
from apps.members.counts import recount
from apps.members.models import Member, OrganizationMemberCount
from demo import members as demo
from demo.management.commands.seed_demo import DemoContext


def _ctx(seed=3):
    return DemoContext(scale="small", rng=random.Random(seed), out=BaseCommand())


def test_generated_people_have_valid_unique_ids_agreeing_with_sex_and_birth_date():
    people = demo.PersonFactory(random.Random(1))
    seen = set()
    for _ in range(5000):
        name, id_number, sex, born, phone = people.person("371302")
        assert normalize_resident_id(id_number) == id_number
        assert resident_id_birth_date(id_number) == born
        assert demo.BIRTH_FIRST <= born <= demo.BIRTH_LAST
        assert (int(id_number[16]) % 2 == 1) == (sex == "M")
        assert normalize_person_name(name) == name
        assert len(phone) == 11 and phone[0] == "1"
        seen.add(id_number)
    assert len(seen) == 5000


def test_benchmark_people_never_share_a_sequence_with_demo_people():
    people = demo.PersonFactory(random.Random(1), sequence_floor=900, sequence_ceiling=1000)
    assert all(int(people.person()[1][14:17]) >= 900 for _ in range(500))


def test_allocate_splits_exactly_and_proportionally():
    assert demo.allocate([1, 1, 2], 8) == [2, 2, 4]
    assert sum(demo.allocate([0.3, 5.1, 2.2, 9.9], 1001)) == 1001


def test_seed_fills_member_unions_with_history_and_is_idempotent(tree):
    demo.seed(_ctx())
    count = Member.objects.count()
    assert count == demo.TARGETS["small"]
    assert set(Member.objects.values_list("organization__kind", flat=True).distinct()) <= set(
        demo.MEMBER_UNION_KINDS
    )
    assert Member.history.filter(history_type="+").count() == count
    member = Member.objects.order_by("id").first()
    member.full_clean()

    demo.seed(_ctx(seed=4))
    assert Member.objects.count() == count


def test_seed_keeps_the_member_figures_equal_to_the_roll(tree):
    """seed_demo writes by COPY, around the writers of the kept figures: it recounts them."""
    demo.seed(_ctx())
    assert OrganizationMemberCount.objects.exists()
    assert recount(repair=False).drift == []


def test_a_multiple_of_the_members_is_for_the_city_only(db):
    with pytest.raises(CommandError, match="--multiple"):
        call_command("seed_demo", "--scale", "small", "--multiple", "4")


def test_a_multiple_seeds_that_many_times_the_members(tree, monkeypatch):
    monkeypatch.setitem(demo.TARGETS, "small", 200)
    ctx = _ctx()
    ctx.multiple = 3
    demo.seed(ctx)
    assert Member.objects.count() == 600
