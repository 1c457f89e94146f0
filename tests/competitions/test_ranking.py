"""The ranking rule (issue 17 item 2): weighted 五比一创 totals per stage, summed over the
stages; equal totals share a rank and are named as tied (1, 2, 2, 4); unscored teams last."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from apps.competitions import services
from apps.competitions.ranking import rank, stage_total
from apps.competitions.selectors import competition_ranking
from tests.competitions.factories import make_competition

WEIGHTS = {"safety": 20, "quality": 20, "progress": 20, "innovation": 15, "management": 15, "excellence": 10}


@dataclass
class T:
    pk: int


@dataclass
class S:
    pk: int


def marks_for(stage, team, **values):
    return {(stage, team, c): Decimal(v) for c, v in values.items()}


def test_stage_total_is_the_weighted_sum():
    marks = {c: Decimal(v) for c, v in zip(WEIGHTS, ["90", "80", "70", "100", "60", "50"], strict=True)}
    # 90*.2 + 80*.2 + 70*.2 + 100*.15 + 60*.15 + 50*.1 = 18+16+14+15+9+5 = 77
    assert stage_total(marks, WEIGHTS) == Decimal("77.00")


def test_equal_totals_share_a_rank_and_are_tied_and_the_next_rank_skips():
    teams, stages = [T(1), T(2), T(3), T(4), T(5)], [S(10)]
    marks = {}
    for team, value in ((1, "80"), (2, "90"), (3, "80"), (4, "70")):
        marks |= marks_for(10, team, overall=value)
    rows = rank(teams, stages, marks, {"overall": 100})
    assert [(r.team.pk, r.rank, r.tied) for r in rows] == [
        (2, 1, False), (1, 2, True), (3, 2, True), (4, 4, False), (5, None, False)]


def test_stages_add_up_and_a_missing_mark_counts_zero_and_flags_the_row():
    teams, stages = [T(1), T(2)], [S(10), S(11)]
    marks = marks_for(10, 1, overall="50") | marks_for(11, 1, overall="40") | marks_for(10, 2, overall="95")
    rows = rank(teams, stages, marks, {"overall": 100})
    assert [(r.team.pk, r.total, r.incomplete) for r in rows] == [(2, Decimal("95.00"), True),
                                                                   (1, Decimal("90.00"), False)]


def test_weights_change_the_order():
    """The competition sets the weights: safety-heavy weights put the safe team first."""
    teams, stages = [T(1), T(2)], [S(10)]
    marks = marks_for(10, 1, safety="100", quality="60") | marks_for(10, 2, safety="60", quality="100")
    heavy_safety = {"safety": 80, "quality": 20}
    assert [r.team.pk for r in rank(teams, stages, marks, heavy_safety)] == [1, 2]
    assert [r.team.pk for r in rank(teams, stages, marks, {"safety": 20, "quality": 80})] == [2, 1]


@pytest.mark.django_db
def test_ranking_from_recorded_scores(city_staff, tree):
    competition = make_competition(city_staff, tree.city, start=True)
    stage = services.add_stage(actor=city_staff, competition=competition, name="第一季度")
    a = services.add_team(actor=city_staff, competition=competition, organization=tree.union_a1a, name="甲")
    b = services.add_team(actor=city_staff, competition=competition, organization=tree.union_b1, name="丙")
    services.record_scores(actor=city_staff, stage=stage, marks={
        **{(a.pk, c): "90" for c in WEIGHTS}, **{(b.pk, c): "90" for c in WEIGHTS}})
    _stages, rows = competition_ranking(competition=competition)
    assert [(r.rank, r.tied, r.total) for r in rows] == [(1, True, Decimal("90.00")), (1, True, Decimal("90.00"))]
    services.record_scores(actor=city_staff, stage=stage, marks={(b.pk, "safety"): "100"})
    _stages, rows = competition_ranking(competition=competition)
    assert [(r.team.name, r.rank, r.tied) for r in rows] == [("丙", 1, False), ("甲", 2, False)]
