"""`seed_demo --scale province` (issue 21): each copy of the reference city has its own codes
and names, and the same shape. The full seed (6 million members) is measured in
docs/PERFORMANCE.md, not run here."""

import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demo import organizations, province


def test_a_copy_is_the_reference_plan_under_the_copys_codes_and_names():
    counties, levels, facts = province.copy_plan(random.Random(3), "3701", "济南")
    reference = organizations.build_plan(random.Random(3), "city")
    nodes = counties + [n for level in levels for n in level]
    assert len(nodes) == len(reference[0]) + sum(len(level) for level in reference[1])
    assert all(n.code.startswith("3701") and n.parent.startswith("3701") for n in nodes)
    assert [n.code for n in counties][:2] == ["370102", "370111"]  # 兰山区 371302 → 370102
    assert counties[0].name == "济南市兰山区总工会"
    assert not any("临沂" in n.name for n in nodes)
    assert facts["city"] == "3701" and set(facts["counties"]) == {n.code for n in counties}
    assert sum(len(u) for u in facts["unions_by_county"].values()) == sum(
        len(u) for u in reference[2]["unions_by_county"].values())


def test_copies_have_distinct_codes_from_each_other_and_the_reference():
    plans = [province.copy_plan(random.Random(n), code, short) for n, (code, short) in enumerate(province.COPIES[:3])]
    reference = organizations.build_plan(random.Random(9), "city")
    code_sets = [{n.code for n in c + [x for level in lv for x in level]} for c, lv, _f in plans]
    code_sets.append({n.code for n in reference[0] + [x for level in reference[1] for x in level]})
    assert sum(len(s) for s in code_sets) == len(set().union(*code_sets))


def test_cities_must_be_between_one_and_the_provinces_sixteen(db):
    with pytest.raises(CommandError, match="--cities"):
        call_command("seed_demo", "--scale", "province", "--cities", "17")
    assert province.MAX_CITIES == 16
