"""The ranking of a competition's teams, computed from their marks (issue 17 item 2).

- A stage's total for a team is the weighted sum of its marks: Σ mark × weight / 100 (a
  key project's 五比一创 weights, set per competition and adding up to 100; the other kinds
  have one overall mark of weight 100). A missing mark counts as 0 and marks the row incomplete.
- The competition's total is the sum of the stage totals; rounded to the fen (0.01) before
  comparing, so the order never depends on binary fractions.
- Ranks are "standard competition ranking" (1, 2, 2, 4): teams with equal totals share the
  rank and are named as tied. Teams without any mark are listed last, unranked.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass
class RankRow:
    team: object
    stage_totals: list[Decimal | None] = field(default_factory=list)
    total: Decimal | None = None
    rank: int | None = None
    tied: bool = False
    incomplete: bool = False


def stage_total(marks: dict[str, Decimal], weights: dict[str, int]) -> Decimal:
    raw = sum((marks.get(criterion, Decimal(0)) * weight for criterion, weight in weights.items()), Decimal(0))
    return (raw / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def rank(teams, stages, marks: dict[tuple[int, int, str], Decimal], weights: dict[str, int]) -> list[RankRow]:
    """`marks`: (stage id, team id, criterion) → mark. Returns the rows best first."""
    rows = []
    for team in teams:
        row = RankRow(team=team)
        scored = False
        for stage in stages:
            own = {c: marks[(stage.pk, team.pk, c)] for c in weights if (stage.pk, team.pk, c) in marks}
            if own:
                scored = True
                row.incomplete = row.incomplete or len(own) < len(weights)
                row.stage_totals.append(stage_total(own, weights))
            else:
                row.incomplete = True
                row.stage_totals.append(None)
        if scored:
            row.total = sum((t for t in row.stage_totals if t is not None), Decimal(0)).quantize(CENT)
        rows.append(row)
    ranked = sorted((r for r in rows if r.total is not None), key=lambda r: (-r.total, r.team.pk))
    position = 0
    previous = None
    for index, row in enumerate(ranked, start=1):
        if row.total != previous:
            position, previous = index, row.total
        row.rank = position
    counts: dict[Decimal, int] = {}
    for row in ranked:
        counts[row.total] = counts.get(row.total, 0) + 1
    for row in ranked:
        row.tied = counts[row.total] > 1
    return ranked + [r for r in rows if r.total is None]
