"""Demo employer ledger, work instructors and demonstration sites: `seed_demo` step (after the tree).

Shaped so that the demo city shows the reference year's figures (demo/reference_year.py):
an establishment rate of exactly 100% for employers of 50 or more and 93% for 25 or more
(_coverage); 100 work instructors in office at city scale; 3–5 demonstration sites per county.

- "small": 2,000 employers, 2 instructors per county; "city": 30,000 employers, 100 instructors.
- Deterministic: the plan is a pure function of the rng (one draw from ctx.rng seeds our own)
  and the union tree; idempotent: employers are keyed by their credit code (only missing ones
  are inserted), instructors and sites are skipped when the demo counties already have some.
- Fast: employers by COPY with their history in one INSERT … SELECT; the rest by bulk_create.
"""

import datetime
import itertools
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from apps.core.history import DEMO_DATA_REASON, history_insert_sql
from apps.core.spreadsheets.bulk import copy_rows
from apps.core.validators import credit_code_check_char
from apps.employers.models import (
    COVERING_KINDS,
    DemonstrationSite,
    DemonstrationTarget,
    Employer,
    InstructorVisit,
    NewSectorKind,
    WorkInstructor,
)
from apps.organizations.models import Organization

from .reference_year import INSTRUCTORS, RATE_25, scaled

K = Organization.Kind
SCALES = {
    "small": {"employers": 2_000, "instructors": None},
    "city": {"employers": 30_000, "instructors": INSTRUCTORS},
}
SMALL_INSTRUCTORS_PER_COUNTY = 2
BATCH = 2000

# headcount bracket → (share of employers, probability of being covered)
BRACKET_PLAN = {"50+": (25, 0.998), "25-49": (20, 0.8425), "<25": (55, 0.45)}
BRACKET_WEIGHTS = {k: share for k, (share, _covered) in BRACKET_PLAN.items()}
NEW_SECTOR_SHARE = 0.12
CLOSED_SHARE = 0.02

NEW_SECTOR_WEIGHTS = {
    NewSectorKind.COURIER: 20,
    NewSectorKind.FOOD_DELIVERY: 10,
    NewSectorKind.RIDE_HAILING: 8,
    NewSectorKind.FREIGHT: 12,
    NewSectorKind.INTERNET_PLATFORM: 6,
    NewSectorKind.SOCIAL_ORGANIZATION: 14,
    NewSectorKind.LAW_FIRM: 8,
    NewSectorKind.ACCOUNTING_FIRM: 6,
    NewSectorKind.PROPERTY_MANAGEMENT: 12,
    NewSectorKind.OTHER: 4,
}
# kind → (industry section, ownership, name ending)
NEW_SECTOR_SHAPE = {
    "courier": ("G", "private", "快递服务有限公司"),
    "food_delivery": ("G", "private", "外卖配送站"),
    "ride_hailing": ("G", "private", "网约车服务有限公司"),
    "freight": ("G", "private", "货运物流有限公司"),
    "internet_platform": ("I", "private", "网络科技有限公司"),
    "social_organization": ("S", "social_organization", "行业协会"),
    "law_firm": ("L", "private", "律师事务所"),
    "accounting_firm": ("L", "private", "会计师事务所"),
    "property_management": ("K", "private", "物业服务有限公司"),
    "other": ("O", "private", "家政服务有限公司"),
}
INDUSTRY_WEIGHTS = {
    "C": 34,
    "F": 16,
    "E": 9,
    "G": 7,
    "H": 6,
    "A": 4,
    "I": 3,
    "J": 2,
    "K": 3,
    "L": 4,
    "M": 2,
    "N": 1,
    "O": 3,
    "P": 3,
    "Q": 2,
    "R": 1,
}
OWNERSHIP_WEIGHTS = {
    "private": 70,
    "state_owned": 6,
    "collective": 3,
    "foreign_funded": 4,
    "public_institution": 5,
    "individual_business": 10,
    "other": 2,
}
BRAND = "华鑫泰恒盛源祥瑞丰宏达利兴隆昌鸿金银中新东方圣天和安康永福海山蒙沂琅琊阳光明德嘉润宇航远诚信力强正通顺佳汇联宝凯腾"
TRADES = [
    "机械制造",
    "木业",
    "板材",
    "食品",
    "物流",
    "商贸",
    "化工",
    "建材",
    "电子",
    "医药",
    "纺织",
    "服装",
    "新材料",
    "汽车配件",
    "包装",
    "塑料制品",
    "新能源",
    "五金",
    "印刷",
    "建筑工程",
]
SURNAMES = "王李张刘陈杨赵孙周吴徐朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌"
VISIT_NOTES = [
    "宣传工会政策，指导筹备建会",
    "指导召开会员大会",
    "了解职工诉求，协调劳动关系",
    "指导开展集体协商",
    "送清凉慰问一线骑手",
    "指导建立职工之家",
    "督促规范会员信息录入",
]
SITE_THEMES = [
    "党建带工建，组织共建、活动共办",
    "党员职工双向培养",
    "新就业形态劳动者建会入会示范",
    "党工共建职工服务阵地",
    "劳模工匠创新工作室共建",
    "和谐劳动关系共建",
]


_CUMULATIVE: dict[int, tuple[list, list]] = {}


def _weighted(rng, weights: dict):
    """One key drawn by weight; the cumulative weights are computed once per table (30,000 draws)."""
    keys, cumulative = _CUMULATIVE.get(id(weights)) or _CUMULATIVE.setdefault(
        id(weights), (list(weights), list(itertools.accumulate(weights.values())))
    )
    return rng.choices(keys, cum_weights=cumulative)[0]


def _credit_code(county_index: int, county_code: str, n: int) -> str:
    region = county_code if county_code.isdigit() and len(county_code) == 6 else "371300"
    first17 = f"91{region}{county_index:03d}{n:06d}"
    return first17 + credit_code_check_char(first17)


def _unions(counties) -> dict[int, dict]:
    """Per county: its grassroots and joint unions (id, township id or None) and townships."""
    result = {c.pk: {"grassroots": [], "joint": [], "townships": []} for c in counties}
    rows = (
        Organization.objects.filter(county__in=counties, status=Organization.Status.ACTIVE)
        .filter(kind__in=(*COVERING_KINDS, K.TOWNSHIP_FEDERATION))
        .order_by("code")
        .values_list("id", "kind", "county_id", "parent_id", "parent__kind")
    )
    for pk, kind, county_id, parent_id, parent_kind in rows:
        if kind == K.TOWNSHIP_FEDERATION:
            result[county_id]["townships"].append(pk)
            continue
        township = parent_id if parent_kind == K.TOWNSHIP_FEDERATION else None
        result[county_id]["grassroots" if kind == K.GRASSROOTS else "joint"].append((pk, township))
    return result


def _headcount(rng, bracket: str) -> int:
    if bracket == "50+":
        return min(50 + int(rng.paretovariate(1.2) * 30) - 30, 20_000)
    if bracket == "25-49":
        return rng.randint(25, 49)
    return rng.randint(2, 24)


def _coverage(rng, drawn: list[tuple[str, str, bool]]) -> list[bool]:
    """Which employers have a union: the reference year's rates exactly — every active employer
    of 50 or more, and as many active ones of 25–49 as make 93% of the 25-or-more (selection
    sampling: exactly that many, spread at random); the closed and the small ones by chance."""
    active_50 = sum(1 for bracket, _kind, closed in drawn if bracket == "50+" and not closed)
    active_25 = sum(1 for bracket, _kind, closed in drawn if bracket == "25-49" and not closed)
    wanted = int((RATE_25 * (active_50 + active_25) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    left_to_cover, left = max(0, min(active_25, wanted - active_50)), active_25
    covered = []
    for bracket, _kind, closed in drawn:
        if closed or bracket == "<25":
            covered.append(rng.random() < BRACKET_PLAN[bracket][1])
        elif bracket == "50+":
            covered.append(True)
        else:
            take = rng.random() * left < left_to_cover
            left_to_cover -= take
            left -= 1
            covered.append(take)
    return covered


def _plan_employers(rng, counties, unions, total: int) -> list[Employer]:
    weights = [max(len(unions[c.pk]["grassroots"]) + len(unions[c.pk]["joint"]), 1) for c in counties]
    whole = sum(weights)
    sizes = [total * weight // whole for weight in weights]
    sizes[-1] += total - sum(sizes)  # exactly `total`
    drawn = [
        (_weighted(rng, BRACKET_WEIGHTS), _weighted(rng, NEW_SECTOR_WEIGHTS) if rng.random() < NEW_SECTOR_SHARE else "",
         rng.random() < CLOSED_SHARE)
        for _ in range(total)
    ]
    coverage = iter(zip(drawn, _coverage(rng, drawn), strict=True))
    plan = []
    for index, (county, size) in enumerate(zip(counties, sizes), start=1):
        pool = unions[county.pk]
        unused = list(pool["grassroots"])  # every company union covers at least one employer
        for n in range(1, size + 1):
            (bracket, kind, closed), covered = next(coverage)
            union = None
            if covered:
                if (kind or bracket == "<25") and pool["joint"]:
                    union = rng.choice(pool["joint"])
                elif unused:
                    union = unused.pop()
                elif pool["grassroots"]:
                    union = rng.choice(pool["grassroots"])
            township = (
                union[1]
                if union and union[1]
                else (rng.choice(pool["townships"]) if pool["townships"] else None)
            )
            if kind:
                industry, ownership, ending = NEW_SECTOR_SHAPE[kind]
                name = f"临沂{rng.choice(BRAND)}{rng.choice(BRAND)}{ending}"
            else:
                industry, ownership = _weighted(rng, INDUSTRY_WEIGHTS), _weighted(rng, OWNERSHIP_WEIGHTS)
                name = f"临沂{rng.choice(BRAND)}{rng.choice(BRAND)}{rng.choice(TRADES)}有限公司"
            established = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randint(0, 9400))
            plan.append(
                (
                    name,
                    _credit_code(index, county.code, n),
                    county.pk,
                    township,
                    industry,
                    ownership,
                    _headcount(rng, bracket),
                    bool(kind),
                    kind,
                    union[0] if union else None,
                    established if union else None,
                    "closed" if closed else "active",
                )
            )
    return plan


# The order of the tuples _plan_employers makes.
EMPLOYER_COLUMNS = (
    "name",
    "social_credit_code",
    "county_id",
    "township_id",
    "industry",
    "ownership",
    "headcount",
    "is_new_sector",
    "new_sector_kind",
    "covering_union_id",
    "union_established_on",
    "status",
)


def _seed_employers(rng, counties, unions, total: int) -> int:
    """COPY the missing employers, then their history rows in one INSERT … SELECT.

    Building 30,000 model instances for bulk_create took longer than writing them
    (5 s of the step's 13 s); plain tuples and COPY make the step a few seconds.
    """
    plan = _plan_employers(rng, counties, unions, total)
    present = set(Employer.objects.filter(county__in=counties).values_list("social_credit_code", flat=True))
    missing = [e for e in plan if e[1] not in present]
    if not missing:
        return 0
    now = timezone.now()
    copy_rows(
        Employer._meta.db_table,
        [*EMPLOYER_COLUMNS, "created_at", "updated_at"],
        ((*e, now, now) for e in missing),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            history_insert_sql(
                Employer, f"{Employer._meta.db_table} WHERE social_credit_code = ANY(%(codes)s)", history_type="+"
            ),
            {"now": now, "reason": DEMO_DATA_REASON, "user": None, "codes": [e[1] for e in missing]},
        )
    return len(missing)


def _seed_instructors(rng, counties, city, scale, fraction=1.0) -> int:
    """The scale's instructors in office (the city: the reference year's 100), and a tenth as
    many more whose term has ended (the count in office leaves them out)."""
    if WorkInstructor.objects.filter(county__in=counties).exists():
        return 0
    in_office = scaled(INSTRUCTORS, fraction) if scale == "city" else SMALL_INSTRUCTORS_PER_COUNTY * len(counties)
    ended_too = in_office // 10
    ended_at = set(rng.sample(range(in_office + ended_too), ended_too))
    total = in_office + ended_too
    per_county = [
        total // len(counties) + (1 if i < total % len(counties) else 0) for i in range(len(counties))
    ]
    new_sector = defaultdict(list)
    for pk, county_id in (
        Employer.objects.filter(county__in=counties, is_new_sector=True, status="active")
        .order_by("social_credit_code")
        .values_list("id", "county_id")
    ):
        new_sector[county_id].append(pk)
    instructors, assignments = [], []
    position = 0
    for county, count in zip(counties, per_county):
        for _ in range(count):
            started = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randint(0, 1700))
            ended = started + datetime.timedelta(days=rng.randint(365, 1000)) if position in ended_at else None
            position += 1
            instructors.append(
                WorkInstructor(
                    name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2))),
                    phone=f"13{rng.randint(0, 999_999_999):09d}",
                    sent_by_id=county.pk if rng.random() < 0.8 else city.pk,
                    county_id=county.pk,
                    started_on=started,
                    ended_on=ended,
                    status="ended" if ended else "active",
                )
            )
            pool = new_sector[county.pk]
            assignments.append(rng.sample(pool, min(len(pool), rng.randint(3, 8))))
    created = bulk_create_with_history(
        instructors, WorkInstructor, batch_size=BATCH, default_change_reason=DEMO_DATA_REASON
    )
    Through = WorkInstructor.employers.through
    Through.objects.bulk_create(
        [
            Through(workinstructor_id=i.pk, employer_id=e)
            for i, chosen in zip(created, assignments)
            for e in chosen
        ],
        batch_size=BATCH,
    )
    visits = []
    for instructor, chosen in zip(created, assignments):
        for _ in range(rng.randint(1, 4) if chosen else 0):
            day = instructor.started_on + datetime.timedelta(days=rng.randint(0, 300))
            visits.append(
                InstructorVisit(
                    instructor_id=instructor.pk,
                    employer_id=rng.choice(chosen),
                    visited_on=min(day, datetime.date(2026, 10, 31)),
                    summary=rng.choice(VISIT_NOTES),
                )
            )
    InstructorVisit.objects.bulk_create(visits, batch_size=BATCH)
    return len(created)


def _seed_sites(rng, counties, unions) -> int:
    DemonstrationTarget.objects.get_or_create(county=None, defaults={"minimum": 3, "maximum": 5})
    if DemonstrationSite.objects.filter(organization__county__in=counties).exists():
        return 0
    sites = []
    for county in counties:
        pool = [pk for pk, _township in unions[county.pk]["grassroots"]]
        for n, org_id in enumerate(rng.sample(pool, min(len(pool), rng.randint(3, 5)))):
            level = (
                DemonstrationSite.Level.CITY
                if n == 0 and rng.random() < 0.4
                else DemonstrationSite.Level.COUNTY
            )
            sites.append(
                DemonstrationSite(
                    organization_id=org_id,
                    level=level,
                    year_named=rng.randint(2019, 2025),
                    demonstrates=rng.choice(SITE_THEMES),
                )
            )
    bulk_create_with_history(sites, DemonstrationSite, batch_size=BATCH, default_change_reason=DEMO_DATA_REASON)
    return len(sites)


def seed(ctx) -> None:
    rng = random.Random(ctx.rng.getrandbits(64))  # one draw: our consumption never shifts later steps
    facts = ctx.facts["organizations"]
    city = Organization.objects.get(code=facts["city"])
    counties = list(
        Organization.objects.filter(code__in=facts["counties"], kind=K.COUNTY_FEDERATION).order_by("code")
    )
    unions = _unions(counties)
    with transaction.atomic():
        fraction = getattr(ctx, "fraction", 1.0) if ctx.scale == "city" else 1.0
        employers = _seed_employers(rng, counties, unions, scaled(SCALES[ctx.scale]["employers"], fraction))
        instructors = _seed_instructors(rng, counties, city, ctx.scale, fraction)
        sites = _seed_sites(rng, counties, unions)
    ctx.facts["ledger"] = {"employers": Employer.objects.filter(county__in=counties).count()}
    ctx.say(f"  ledger: {employers} employers, {instructors} instructors, {sites} demonstration sites added")
