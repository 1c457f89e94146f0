"""Demo members for `seed_demo` (issue 4 "Add the members to seed_demo", issue 8).

small: a few thousand members; city: the reference year's 856,000 current members exactly
(demo/reference_year.py), and about 31,000 former ones beside them.
Both scales take the same bulk path: rows generated from `ctx.rng` and streamed into
PostgreSQL by one COPY (Python makes rows on one core while the server inserts them on
the other), then one INSERT … SELECT that gives every seeded member its initial "+"
history row (so the detail page's history and the history table have realistic sizes);
then the kept member figures (apps.members.counts) recounted from them; all in one
transaction: all or nothing.

Idempotent: the step tops the roll up to the scale's target and does nothing when the
table already holds that many members (a second run, or city after city).

The people are plausible, not real: names from common surnames and given-name
characters, resident ID numbers with 临沂's county region codes (3713xx, a few from
elsewhere), real birth dates 1960–2005, a sequence whose parity agrees with the sex and a
correct check character. Demo IDs use sequences 000–899; `PersonFactory(sequence_floor=900)`
makes people (for benchmark roster files) who can never collide with a demo member.
"""

import datetime
import random
from bisect import bisect_right
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone

from apps.core.history import DEMO_DATA_REASON, history_insert_sql
from apps.core.spreadsheets.bulk import copy_value
from apps.core.validators import resident_id_check_char
from apps.employers.models import Employer
from apps.members import counts as member_counts
from apps.members.models import Member
from apps.organizations.models import Organization

from . import reference_year
from .reference_year import scaled

TARGETS = {"small": 3_000, "city": 887_046}  # rows; the city's: _target
COPY_READ_BYTES = 1 << 16

# --- people ------------------------------------------------------------------------------

# Common surnames with rough weights for Shandong (most frequent first).
SURNAMES = (
    ("王", 90), ("张", 80), ("李", 75), ("刘", 60), ("陈", 30), ("杨", 28), ("赵", 26), ("孙", 26),
    ("徐", 22), ("高", 20), ("马", 18), ("朱", 16), ("胡", 14), ("郭", 14), ("于", 14), ("吴", 12),
    ("周", 12), ("宋", 12), ("田", 10), ("杜", 10), ("魏", 10), ("韩", 10), ("曹", 10), ("孟", 9),
    ("董", 9), ("姜", 9), ("邵", 8), ("丁", 8), ("颜", 8), ("庄", 8), ("薛", 7), ("崔", 7), ("程", 7),
    ("彭", 6), ("袁", 6), ("许", 6), ("侯", 6), ("沈", 5), ("谢", 5), ("葛", 5), ("苏", 5), ("范", 5),
    ("石", 5), ("贾", 5), ("尹", 4), ("任", 4), ("蒋", 4), ("秦", 4), ("付", 4), ("吕", 4), ("袁", 3),
    ("何", 3), ("林", 3), ("罗", 3), ("梁", 3), ("郑", 3), ("唐", 3), ("冯", 3), ("潘", 3), ("蔡", 3),
    ("诸葛", 1), ("欧阳", 1), ("司马", 1), ("上官", 1),
)
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁凯健峰浩宇文龙俊志成建国庆东海洋亮兵永涛振兴德胜"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英玲婷雪慧莹琳倩红梅兰凤洁燕萍颖佳欣悦晶璐瑶婧薇丹月春晓云"
GIVEN_EITHER = "子一文思嘉晨阳海林新佳雨玉金小立永春秋明安宏伟建志庆淑桂凤学"

# 临沂's counties and districts (GB/T 2260), where most members were born; the rest come from elsewhere.
LINYI_REGIONS = (
    "371302", "371311", "371312", "371321", "371322", "371323",
    "371324", "371325", "371326", "371327", "371328", "371329",
)
OTHER_REGIONS = ("370102", "370203", "370302", "370781", "371102", "370882", "320322", "410102", "130102")
OTHER_REGION_SHARE = 0.08

BIRTH_FIRST = datetime.date(1960, 1, 1)
BIRTH_LAST = datetime.date(2005, 12, 31)
PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                  "155", "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "183",
                  "185", "186", "187", "188", "189", "199")


def _cumulative(pairs):
    values = [v for v, _w in pairs]
    return values, list(accumulate(w for _v, w in pairs))


_SURNAME_VALUES, _SURNAME_CUM = _cumulative(SURNAMES)


class PersonFactory:
    """Deterministic plausible people: (name, id_number, sex "M"/"F", birth date, phone).

    Every ID number it hands out is distinct from the others it made and from `taken`.
    `sequence_floor` splits the sequence space (demo members: 0–899, benchmark files: 900–999).
    """

    def __init__(self, rng: random.Random, *, taken=(), sequence_floor: int = 0, sequence_ceiling: int = 900):
        self.rng = rng
        self.taken = {id_number[:17] for id_number in taken}
        self.floor = sequence_floor
        self.ceiling = sequence_ceiling
        self._first_day = BIRTH_FIRST.toordinal()
        self._days = BIRTH_LAST.toordinal() - self._first_day + 1

    def name(self, male: bool) -> str:
        rng = self.rng
        surname = rng.choices(_SURNAME_VALUES, cum_weights=_SURNAME_CUM)[0]
        pool = GIVEN_MALE if male else GIVEN_FEMALE
        if rng.random() < 0.3:
            return surname + rng.choice(pool)
        return surname + rng.choice(GIVEN_EITHER + pool) + rng.choice(pool)

    def birth_date(self) -> datetime.date:
        # Two uniforms averaged: working ages (30–50) more common than the ends of the range.
        offset = int((self.rng.random() + self.rng.random()) / 2 * self._days)
        return datetime.date.fromordinal(self._first_day + offset)

    def id_number(self, region: str, born: datetime.date, male: bool) -> str:
        rng = self.rng
        while True:
            sequence = rng.randrange(self.floor, self.ceiling)
            sequence = sequence - (sequence % 2) + (1 if male else 0)  # odd = male (GB 11643)
            if sequence >= self.ceiling:
                sequence -= 2
            first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
            if first17 not in self.taken:
                self.taken.add(first17)
                return first17 + resident_id_check_char(first17)

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(100_000_000):08d}"

    def region(self, home_region: str) -> str:
        if self.rng.random() < OTHER_REGION_SHARE:
            return self.rng.choice(OTHER_REGIONS)
        return home_region

    def person(self, home_region: str = "371302"):
        male = self.rng.random() < 0.55
        born = self.birth_date()
        id_number = self.id_number(self.region(home_region), born, male)
        return self.name(male), id_number, "M" if male else "F", born, self.phone()


# --- membership attributes -----------------------------------------------------------------

WORKER_CATEGORIES = (("regular", 70), ("migrant", 18), ("new_employment", 5), ("dispatched", 7))
POLITICAL = (("masses", 62), ("cpc_member", 18), ("cyl_member", 15), ("cpc_probationary", 2),
             ("democratic_party", 1), ("", 2))
EDUCATION_BY_ERA = {  # people born before 1975 went to school for less long
    "old": (("primary", 10), ("junior_high", 35), ("senior_high", 30), ("junior_college", 15),
            ("bachelor", 9), ("master", 1)),
    "young": (("junior_high", 15), ("senior_high", 28), ("junior_college", 27), ("bachelor", 25),
              ("master", 4), ("doctorate", 1)),
}
ETHNICITIES = (("汉族", 990), ("回族", 6), ("满族", 2), ("蒙古族", 1), ("壮族", 1))
# (status, weight, reasons)
STATUSES = (
    ("active", 915, ("",)),
    ("retained", 50, ("退休", "失业", "下岗待业")),
    ("transferred_out", 15, ("调离本市", "转入外地工会")),
    ("withdrawn", 12, ("本人申请退会", "离开单位")),
    ("deceased", 8, ("病故",)),
)
_STATUS_CUM = list(accumulate(w for _s, w, _r in STATUSES))
EARLIEST_JOIN = datetime.date(1985, 1, 1)
LATEST_JOIN = datetime.date(2026, 10, 31)


class Weighted:
    """rng.choices with precomputed cumulative weights (the seed draws millions)."""

    def __init__(self, pairs):
        self.values, self.cum = _cumulative(pairs)

    def pick(self, rng: random.Random):
        return self.values[bisect_right(self.cum, rng.random() * self.cum[-1])]


_CATEGORY = Weighted(WORKER_CATEGORIES)
_POLITICAL = Weighted(POLITICAL)
_EDUCATION = {era: Weighted(pairs) for era, pairs in EDUCATION_BY_ERA.items()}
_ETHNICITY = Weighted(ETHNICITIES)


def _random_date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return datetime.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


_CURRENT_STATUSES = STATUSES[:2]  # active, retained: the members the figures count
_FORMER_STATUSES = STATUSES[2:]
_STATUS_CUM_BY_KIND = {True: list(accumulate(w for _s, w, _r in _CURRENT_STATUSES)),
                       False: list(accumulate(w for _s, w, _r in _FORMER_STATUSES))}
FORMER_PER_MILLE = sum(w for _s, w, _r in _FORMER_STATUSES)  # of every 1,000 rows (35)


def membership_attributes(rng: random.Random, born: datetime.date, *, new_sector: bool,
                          current: bool | None = None) -> dict:
    """The non-identity columns of one demo member; `current`: a current (active or retained)
    or a former member, when the caller keeps the count exact; None: drawn by weight."""
    adult = datetime.date(born.year + 18, born.month, min(born.day, 28))
    joined = _random_date(rng, max(adult, EARLIEST_JOIN), LATEST_JOIN)
    if current is None:
        status, _weight, reasons = STATUSES[bisect_right(_STATUS_CUM, rng.random() * _STATUS_CUM[-1])]
    else:
        statuses, cum = (_CURRENT_STATUSES if current else _FORMER_STATUSES), _STATUS_CUM_BY_KIND[current]
        status, _weight, reasons = statuses[bisect_right(cum, rng.random() * cum[-1])]
    if status == "retained" and born.year < 1966:
        reasons = ("退休",)
    changed = _random_date(rng, joined, LATEST_JOIN) if status != "active" else None
    category = "new_employment" if new_sector and rng.random() < 0.8 else _CATEGORY.pick(rng)
    return {
        "ethnicity": _ETHNICITY.pick(rng),
        "political_status": _POLITICAL.pick(rng),
        "education": _EDUCATION["old" if born.year < 1975 else "young"].pick(rng),
        "joined_on": joined,
        "worker_category": category,
        "status": status,
        "status_changed_on": changed,
        "status_reason": rng.choice(reasons),
    }


# --- where members go ------------------------------------------------------------------------

MEMBER_UNION_KINDS = ("grassroots", "joint_grassroots", "village")


def allocate(weights: list[float], total: int) -> list[int]:
    """Split `total` over `weights` proportionally (largest remainders), summing exactly to total."""
    weight_sum = sum(weights) or 1.0
    shares = [w * total / weight_sum for w in weights]
    counts = [int(s) for s in shares]
    short = total - sum(counts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[:short]:
        counts[i] += 1
    return counts


def _region_for_counties(county_ids_codes) -> dict:
    """County id → the ID region prefix of people living there (its own code when it is one)."""
    regions = {}
    for index, (county_id, code) in enumerate(sorted(county_ids_codes)):
        regions[county_id] = code if code in LINYI_REGIONS else LINYI_REGIONS[index % len(LINYI_REGIONS)]
    return regions


class Union:
    __slots__ = ("id", "region", "employers", "fallback_employer", "weight")

    def __init__(self, org_id, region, fallback_employer):
        self.id = org_id
        self.region = region
        self.employers = []  # (employer id, name, headcount, is_new_sector)
        self.fallback_employer = fallback_employer
        self.weight = 0.0


def load_unions(rng: random.Random) -> list[Union]:
    """The unions members belong to, with the employers each covers, in a stable order."""

    counties = Organization.objects.filter(kind="county_federation").values_list("id", "code")
    regions = _region_for_counties(counties)
    unions = {}
    rows = (
        Organization.objects.filter(kind__in=MEMBER_UNION_KINDS, status="active")
        .order_by("path")
        .values_list("id", "county_id", "name")
    )
    for org_id, county_id, name in rows.iterator(chunk_size=5000):
        fallback = name.removesuffix("联合工会").removesuffix("工会委员会").removesuffix("工会") or name
        unions[org_id] = Union(org_id, regions.get(county_id, LINYI_REGIONS[0]), fallback)
    employers = (
        Employer.objects.filter(covering_union__in=list(unions), status="active")
        .order_by("id")
        .values_list("id", "name", "headcount", "is_new_sector", "covering_union_id")
    )
    for employer_id, name, headcount, new_sector, union_id in employers.iterator(chunk_size=5000):
        unions[union_id].employers.append((employer_id, name, max(headcount, 1), new_sector))
    for union in unions.values():
        covered = sum(e[2] for e in union.employers)
        # Members ≈ 85% of the covered headcount; a union without ledger entries gets a
        # typical small-employer size (log-normal, median about 40).
        union.weight = covered * 0.85 if covered else rng.lognormvariate(3.7, 0.9)
    ordered = list(unions.values())
    # Rosters reach the city union by union in no particular order, so a union's members
    # have neighbouring ids but a county's are spread over the whole id range. Seeding in
    # tree order instead would make every county one block of ids, which real data never
    # is (and which misleads the planner's "newest first" plans).
    rng.shuffle(ordered)
    return ordered


# --- rows -------------------------------------------------------------------------------------

def _employer_of(rng: random.Random, union: Union):
    if union.employers and rng.random() < 0.97:
        if len(union.employers) == 1:
            return union.employers[0]
        return rng.choices(union.employers, weights=[e[2] for e in union.employers])[0]
    return (None, union.fallback_employer, 0, False)


def member_rows(rng: random.Random, people: PersonFactory, unions: list[Union], counts: list[int],
                *, first_card: int, now=None, former: int | None = None):
    """Yield one dict per demo member (column attname → value), union by union. `former`:
    exactly this many of them are former members (transferred out, withdrawn, deceased),
    spread at random by selection sampling; None: each status drawn by weight."""
    card = first_card
    left = sum(counts)
    for union, count in zip(unions, counts, strict=True):
        for _ in range(count):
            current = None
            if former is not None:
                current = not (rng.random() * left < former)
                former -= not current
                left -= 1
            name, id_number, sex, born, phone = people.person(union.region)
            employer_id, employer_name, _headcount, new_sector = _employer_of(rng, union)
            card += 1
            row = {
                "name": name,
                "id_number": id_number,
                "sex": sex,
                "birth_date": born,
                "phone": phone if rng.random() < 0.93 else "",
                "employer_name": employer_name,
                "employer_id": employer_id,
                "organization_id": union.id,
                "card_number": f"LY{card:09d}",
                "created_at": now,
                "updated_at": now,
            }
            row.update(membership_attributes(rng, born, new_sector=new_sector, current=current))
            yield row


ROW_COLUMNS = (
    "name", "id_number", "sex", "birth_date", "phone", "employer_name", "employer_id", "organization_id",
    "card_number", "created_at", "updated_at", "ethnicity", "political_status", "education", "joined_on",
    "worker_category", "status", "status_changed_on", "status_reason",
)
OPTIONAL_COLUMNS = {"updated_at"}  # left out when the model has no such column


class _LineStream:
    """A read()-able file over generated lines, so COPY streams while Python generates:
    PostgreSQL inserts (and maintains indexes) on one core while the rows are made on the other."""

    def __init__(self, lines):
        self._lines = lines
        self._pending = b""
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        parts, length = [self._pending], len(self._pending)
        for line in self._lines:
            data = line.encode()
            parts.append(data)
            length += len(data)
            self.count += 1
            if 0 <= size <= length:
                break
        chunk = b"".join(parts)
        if size < 0:
            self._pending = b""
            return chunk
        self._pending = chunk[size:]
        return chunk[:size]


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    """Stream dict rows into `table` with one COPY … FROM STDIN (text format)."""
    lines = ("\t".join(copy_value(row[c]) for c in columns) + "\n" for row in rows)
    stream = _LineStream(lines)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", stream, size=COPY_READ_BYTES)
    return stream.count


def member_copy_columns() -> list[str]:
    """The columns member_rows fills, checked against the model so a renamed field fails
    loudly here rather than as a half-understood COPY error."""

    fields = {f.attname: f for f in Member._meta.concrete_fields}
    columns = [c for c in ROW_COLUMNS if c in fields or c not in OPTIONAL_COLUMNS]
    unknown = [c for c in columns if c not in fields]
    if unknown:
        raise RuntimeError(f"members demo: Member has no column(s) {unknown}")
    missing = [
        f.attname for f in fields.values()
        if f.attname not in columns and not f.primary_key and not f.has_default() and not f.null
    ]
    if missing:
        raise RuntimeError(f"members demo: no generator for required column(s) {missing}")
    return columns


def copy_initial_history(cursor, *, after_id: int, when) -> int:
    """One "+" history row per member with id > after_id, built in the database."""

    cursor.execute(
        history_insert_sql(Member, f"{Member._meta.db_table} WHERE id > %(after)s", history_type="+"),
        {"now": when, "reason": DEMO_DATA_REASON, "user": None, "after": after_id},
    )
    return cursor.rowcount


def _target(ctx) -> tuple[int, int]:
    """(rows, of which former members). The city: the reference year's 856,000 current
    members (times `multiple`, at `fraction`) and former ones beside them in the usual share;
    small: 3,000 rows, the same share former."""
    if ctx.scale != "city":
        rows = TARGETS[ctx.scale] * ctx.multiple
        return rows, rows * FORMER_PER_MILLE // 1000
    current = scaled(reference_year.MEMBERS * ctx.multiple, getattr(ctx, "fraction", 1.0))
    former = current * FORMER_PER_MILLE // (1000 - FORMER_PER_MILLE)
    return current + former, former


def seed(ctx) -> None:

    target, former = _target(ctx)
    existing = Member.objects.count()
    if existing >= target:
        ctx.say(f"  members: {existing} present, nothing to add")
        return
    rng = ctx.rng
    unions = load_unions(rng)
    if not unions:
        ctx.say("  members: no grassroots unions yet, skipped")
        return
    counts = allocate([u.weight for u in unions], target - existing)
    taken = Member.objects.values_list("id_number", flat=True).iterator(chunk_size=20_000)
    people = PersonFactory(rng, taken=taken)
    now = timezone.now()
    # The former members among those added: their share of the target, so that a fresh seed
    # has exactly the target's current members.
    former = round(former * (target - existing) / target)
    rows = member_rows(rng, people, unions, counts, first_card=existing, now=now, former=former)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {Member._meta.db_table}")
        after_id = cursor.fetchone()[0]
        written = copy_rows(cursor.cursor, Member._meta.db_table, member_copy_columns(), rows)
        history = copy_initial_history(cursor, after_id=after_id, when=now)
        cursor.execute(f"ANALYZE {Member._meta.db_table}")
        # COPY bypasses the writers of the kept figures: recount them from the members.
        figures = member_counts.fill()
    ctx.facts["members"] = existing + written
    ctx.say(f"  members: {written} added over {len(unions)} unions ({history} history rows, "
            f"{figures} member-count rows)")
