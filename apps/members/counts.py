"""The kept member figures (OrganizationMemberCount): the one module that writes them.

Every write to the roll calls in here inside its own transaction, so a figure is exact the
moment the write commits (issue 15):

- services (create, edit, status change, transfer confirm) and the admin:
  `record_change(removed=[key_of(before)], added=[key_of(after)])`, with the "before" read
  under the row lock (`locked_keys`);
- the roster commit and other set-based writes: `delta_sql(signed_rows)`, an upsert that the
  caller runs as a data-modifying CTE of its own INSERT/UPDATE statement, so the figures
  change in the same statement as the rows, however many;
- `recount()`: recompute every figure from the members, report drift, repair it.

A write is reduced to signed member keys — (organization, status, worker category, joining
date) with +1 for a membership as it now is and −1 for what it was — which one grouped
upsert turns into per-(organization, year) deltas. Only current memberships (active,
retained) count. The upsert writes its rows in key order and adds to the row as it is
(`ON CONFLICT … SET x = x + EXCLUDED.x`), so concurrent writers never lose an update and
never deadlock on these rows: they lock them in the same order, and writers into different
organizations never share one.
"""

import datetime
import logging
from dataclasses import dataclass, replace

from django.db import connection, transaction

from .models import CURRENT_STATUSES, Member, MemberStatus, OrganizationMemberCount, WorkerCategory

logger = logging.getLogger(__name__)

TABLE = OrganizationMemberCount._meta.db_table
MEMBERS = Member._meta.db_table
ALL_YEARS = OrganizationMemberCount.ALL_YEARS
FIGURES = OrganizationMemberCount.FIGURES
_CURRENT_SQL = ", ".join(f"'{s}'" for s in CURRENT_STATUSES)

# Each figure as a sum over signed rows s(organization_id, status, worker_category, joined_on, sign).
_FIGURE_SQL = {
    "active": f"s.status = '{MemberStatus.ACTIVE}'",
    "retained": f"s.status = '{MemberStatus.RETAINED}'",
    "regular": f"s.worker_category = '{WorkerCategory.REGULAR}'",
    "migrant": f"s.worker_category = '{WorkerCategory.MIGRANT}'",
    "new_employment": f"s.worker_category = '{WorkerCategory.NEW_EMPLOYMENT}'",
    "dispatched": f"s.worker_category = '{WorkerCategory.DISPATCHED}'",
}
assert tuple(_FIGURE_SQL) == FIGURES
assert set(WorkerCategory.values) | {"active", "retained"} == set(FIGURES), "a worker category without a figure"


def _grouped_sql(signed_rows: str) -> str:
    """SELECT (organization_id, joined_year, figures…) grouped from `signed_rows`: every
    current membership counts in its organization's ALL_YEARS row and in its joining year's."""
    figures = ", ".join(f"sum(CASE WHEN {cond} THEN s.sign ELSE 0 END) AS {name}"
                        for name, cond in _FIGURE_SQL.items())
    return (
        f"SELECT s.organization_id, y.joined_year, {figures} "
        f"FROM ({signed_rows}) AS s(organization_id, status, worker_category, joined_on, sign) "
        f"CROSS JOIN LATERAL (VALUES ({ALL_YEARS}), (extract(year FROM s.joined_on)::int)) AS y(joined_year) "
        f"WHERE s.status IN ({_CURRENT_SQL}) AND y.joined_year IS NOT NULL "
        f"GROUP BY s.organization_id, y.joined_year"
    )


def delta_sql(signed_rows: str) -> str:
    """The upsert that adds the contributions of `signed_rows` to the kept figures.

    `signed_rows` is a SELECT of (organization_id, status, worker_category, joined_on, sign)
    — sign +1 for a membership as it now is, −1 for what it was; rows of other statuses
    are ignored. The result is one INSERT … ON CONFLICT DO UPDATE statement, to run alone or
    as a data-modifying CTE (`WITH kept AS (<this>) …`) of the statement that changes the
    members, so that both happen in one statement. Deltas that cancel out write nothing."""
    columns = ", ".join(FIGURES)
    updates = ", ".join(f"{f} = c.{f} + EXCLUDED.{f}" for f in FIGURES)
    nonzero = " OR ".join(f"d.{f} <> 0" for f in FIGURES)
    return (
        f"INSERT INTO {TABLE} AS c (organization_id, joined_year, {columns}) "
        f"SELECT d.organization_id, d.joined_year, {', '.join('d.' + f for f in FIGURES)} "
        f"FROM ({_grouped_sql(signed_rows)}) AS d WHERE {nonzero} "
        # Key order: every writer locks the rows it shares with another in the same order.
        f"ORDER BY d.organization_id, d.joined_year "
        f"ON CONFLICT (organization_id, joined_year) DO UPDATE SET {updates}"
    )


# --- single memberships (services, admin) ------------------------------------------------


@dataclass(frozen=True)
class MemberKey:
    """What a membership contributes to the figures."""

    organization_id: int
    status: str
    worker_category: str
    joined_on: datetime.date | None

    def moved_to(self, organization_id: int) -> "MemberKey":
        return replace(self, organization_id=organization_id)


def key_of(member: Member, **changes) -> MemberKey:
    """The key of `member` as it is in memory, with `changes` applied (e.g. status=…)."""
    key = MemberKey(member.organization_id, member.status, member.worker_category, member.joined_on)
    return replace(key, **changes) if changes else key


def locked_keys(member_ids) -> list[MemberKey]:
    """The keys of these members as stored, their rows locked (FOR UPDATE) until the
    transaction ends: the "before" of a change that no other writer can alter meanwhile."""
    ids = sorted(set(member_ids))
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT organization_id, status, worker_category, joined_on FROM {MEMBERS} "
            f"WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
            [ids],
        )
        return [MemberKey(*row) for row in cursor.fetchall()]


def record_change(*, removed=(), added=()) -> None:
    """Move the figures from the memberships as they were (`removed`) to as they are now
    (`added`), in one statement. Call it inside the transaction that changed them."""
    signed = {}
    for sign, keys in ((-1, removed), (1, added)):
        for key in keys:
            if key.status in CURRENT_STATUSES:
                signed[key] = signed.get(key, 0) + sign
    signed = {k: v for k, v in signed.items() if v}
    if not signed:
        return
    keys = list(signed)
    source = ("SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::date[], %s::int[])")
    with connection.cursor() as cursor:
        cursor.execute(delta_sql(source), [
            [k.organization_id for k in keys], [k.status for k in keys], [k.worker_category for k in keys],
            [k.joined_on for k in keys], [signed[k] for k in keys],
        ])


# --- recount -----------------------------------------------------------------------------

# Every figure recomputed from the members: the same grouping as the writes, each current
# membership with sign +1 (count(*) and sum(1) agree; the deltas merely start from zero).
_EXPECTED_SQL = _grouped_sql(
    f"SELECT organization_id, status, worker_category, joined_on, 1 FROM {MEMBERS} "
    f"WHERE status IN ({_CURRENT_SQL})"
)


@dataclass
class Drift:
    organization_id: int
    joined_year: int
    kept: dict  # figure → value in the table (0 where the row is missing)
    actual: dict  # figure → value recomputed from the members


@dataclass
class RecountResult:
    rows: int  # (organization, year) rows the members give
    drift: list[Drift]
    repaired: bool


def _drift_sql() -> str:
    zero = " AND ".join(f"k.{f} = 0" for f in FIGURES)
    differs = " OR ".join(f"coalesce(k.{f}, 0) <> coalesce(e.{f}, 0)" for f in FIGURES)
    return (
        f"WITH e AS ({_EXPECTED_SQL}) "
        f"SELECT coalesce(e.organization_id, k.organization_id), coalesce(e.joined_year, k.joined_year), "
        f"{', '.join(f'coalesce(k.{f}, 0)' for f in FIGURES)}, {', '.join(f'coalesce(e.{f}, 0)' for f in FIGURES)}, "
        f"(SELECT count(*) FROM e) "
        f"FROM {TABLE} k FULL JOIN e ON e.organization_id = k.organization_id AND e.joined_year = k.joined_year "
        # A kept row of zeros (its members left) is no drift; a missing row of a figure is.
        f"WHERE ({differs}) AND NOT (e.organization_id IS NULL AND {zero}) "
        f"ORDER BY 1, 2"
    )


def recount(*, repair: bool) -> RecountResult:
    """Compare every kept figure with a count over the members; with `repair`, make the table
    what the members give (in one transaction) and return what was wrong.

    The comparison is one statement, so one snapshot: every write changes the members and
    the figures in one transaction, so no write in flight can look like drift. Repairing
    locks the table against writers first (readers go on): a writer that already changed
    figures is waited for and then counted, one that has not yet will add its delta to the
    repaired rows after us."""
    with transaction.atomic(), connection.cursor() as cursor:
        if repair:
            cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        cursor.execute(_drift_sql())
        found = cursor.fetchall()
        n = len(FIGURES)
        drift = [Drift(row[0], row[1], dict(zip(FIGURES, row[2:2 + n], strict=True)),
                       dict(zip(FIGURES, row[2 + n:2 + 2 * n], strict=True))) for row in found]
        rows = found[0][-1] if found else _expected_rows(cursor)
        if repair and drift:
            _repair(cursor)
    return RecountResult(rows=rows, drift=drift, repaired=repair and bool(drift))


def _expected_rows(cursor) -> int:
    cursor.execute(f"SELECT count(*) FROM ({_EXPECTED_SQL}) AS e")
    return cursor.fetchone()[0]


def _repair(cursor) -> None:
    columns = ", ".join(FIGURES)
    cursor.execute(
        f"CREATE TEMPORARY TABLE expected_member_counts ON COMMIT DROP AS {_EXPECTED_SQL}"
    )
    cursor.execute(
        f"DELETE FROM {TABLE} k WHERE NOT EXISTS (SELECT 1 FROM expected_member_counts e "
        f"WHERE e.organization_id = k.organization_id AND e.joined_year = k.joined_year)"
    )
    cursor.execute(
        f"INSERT INTO {TABLE} AS c (organization_id, joined_year, {columns}) "
        # Year-major: one year's rows (ALL_YEARS above all, read by every count box) lie
        # together, and updates keep them there (fillfactor, migration 0013). The table is
        # locked against writers, so no lock order to keep.
        f"SELECT organization_id, joined_year, {columns} FROM expected_member_counts "
        f"ORDER BY joined_year, organization_id "
        f"ON CONFLICT (organization_id, joined_year) DO UPDATE SET "
        + ", ".join(f"{f} = EXCLUDED.{f}" for f in FIGURES)
        + " WHERE " + " OR ".join(f"c.{f} IS DISTINCT FROM EXCLUDED.{f}" for f in FIGURES)
    )


def fill() -> int:
    """Rebuild the whole table from the members (seed_demo after its COPY); returns the rows."""
    recount(repair=True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def recount_and_log() -> RecountResult:
    """The nightly check (beat): compare without locking anybody out; only when something
    differs, repair (locking writers out for the recount) and log it — expected: nothing."""
    result = recount(repair=False)
    if result.drift:
        result = recount(repair=True)
    if result.drift:
        logger.error("member counts: %d of %d rows had drifted and were repaired: %s", len(result.drift),
                     result.rows, ", ".join(f"{d.organization_id}/{d.joined_year}" for d in result.drift[:20]))
    else:
        logger.info("member counts: %d rows checked, no drift", result.rows)
    return result
