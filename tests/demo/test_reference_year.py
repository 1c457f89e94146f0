"""The seeders' exact counts for the reference year (demo/reference_year.py): the splits sum to
the year's figures, the ledger's coverage gives the rates exactly, the roll the current members."""

import datetime
import random
from decimal import Decimal

from demo import employers as ledger_demo
from demo import members as members_demo
from demo.reference_year import LINES, exact_split, scaled


def test_exact_split_sums_to_the_total_whatever_the_weights():
    rng = random.Random(3)
    for total, parts in ((1_120_000, 532), (10_000, 50), (7, 9), (0, 3)):
        counts = exact_split(total, [rng.uniform(0.5, 1.5) for _ in range(parts)])
        assert sum(counts) == total and len(counts) == parts and min(counts) >= 0


def test_coverage_makes_every_50_plus_employer_covered_and_93_percent_of_25_plus():
    """The union establishment rate (建会率) of the federation's summary: 100% of active employers
    with 50 or more employees, 93% of those with 25 or more; closed employers are not counted."""
    rng = random.Random(5)
    drawn = [(rng.choice(("50+", "25-49", "<25")), "", rng.random() < 0.02) for _ in range(13_000)]
    covered = ledger_demo._coverage(rng, drawn)
    active = [(bracket, c) for (bracket, _kind, closed), c in zip(drawn, covered) if not closed]
    fifty = [c for bracket, c in active if bracket == "50+"]
    twenty_five = [c for bracket, c in active if bracket != "<25"]
    assert all(fifty)
    assert round(Decimal(sum(twenty_five)) * 100 / len(twenty_five), 1) == Decimal("93.0")


def test_member_rows_make_exactly_the_former_members_asked_for():
    rng = random.Random(11)
    union = members_demo.Union(1, "371302", "临沂测试")
    people = members_demo.PersonFactory(rng)
    rows = list(members_demo.member_rows(rng, people, [union, union], [300, 200], first_card=0,
                                         now=datetime.datetime(2026, 1, 1), former=17))
    assert len(rows) == 500
    assert sum(row["status"] not in ("active", "retained") for row in rows) == 17


def test_every_reference_line_scales_to_at_least_one():
    for line in LINES:
        if line.target and not line.rate and not line.between:
            assert line.expected(0.001) >= 1, line.label
    assert scaled(856_000, 0.02) == 17_120
