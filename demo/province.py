"""`seed_demo --scale province [--cities N]`: the reference city repeated under a province (issue 21).

A provincial federation (山东省总工会, code 37) holds N cities: the reference city 临沂 (3713)
exactly as `--scale city` makes it, then copies of it under the codes and names of other
Shandong cities (GB/T 2260 prefixes: 济南 3701, 青岛 3702, …). A copy is the reference
plan (organizations.build_plan with the copy's own rng, so its unions differ) with the
city's prefix in every code ("371302" → "370102") and the city's name in the names
("临沂市教育工会" → "济南市教育工会", "兰山区总工会" → "济南市兰山区总工会").

Built through the per-app seeders, nothing written a second way:
- each city's tree below the counties by organizations._insert_level (bulk), its ledger by
  employers.seed (COPY) with that city's facts;
- the members once for all cities: members.seed with `multiple` = N (COPY of N × 860,000
  members spread over every city's unions by their ledger, as the city seed spreads them);
- users, transfers, assistance, competitions, events and reports as at city scale for the
  reference city (their steps count globally and are skipped once present);
- the province's own users: `province_staff` (city_staff role at the province, so the
  province's whole scope) and `city2_staff` (the first copy's city staff), same password.

The default of 7 cities makes about 6.0 million members (7 × 860,000); 16 is the whole
province (13.8 million), which this machine does not hold in reasonable time.
Idempotent like the city seed: present codes are skipped, every step tops up.
"""

import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.organizations.models import Organization
from apps.organizations.services import create_organization
from demo import employers
from demo import organizations as org_demo
from demo.accounts import DEMO_PASSWORD

K = Organization.Kind

PROVINCE_CODE = "37"
PROVINCE_NAME = "山东省总工会"
REFERENCE = (org_demo.CITY_CODE, "临沂")
# Shandong's other cities (GB/T 2260): the copies, in this order.
COPIES = [
    ("3701", "济南"), ("3702", "青岛"), ("3703", "淄博"), ("3704", "枣庄"), ("3705", "东营"),
    ("3706", "烟台"), ("3707", "潍坊"), ("3708", "济宁"), ("3709", "泰安"), ("3710", "威海"),
    ("3711", "日照"), ("3714", "德州"), ("3715", "聊城"), ("3716", "滨州"), ("3717", "菏泽"),
]
DEFAULT_CITIES = 7
MAX_CITIES = 1 + len(COPIES)
# Steps run once per city (with that city's facts); the rest once, for the reference city.
PER_CITY_STEPS = ("demo.organizations", "demo.employers")
FEDERATION_KINDS = {K.COUNTY_FEDERATION, K.TOWNSHIP_FEDERATION, K.INDUSTRY_FEDERATION}


def _province() -> Organization:
    province = Organization.objects.filter(code=PROVINCE_CODE).first()
    if province is None:
        province = create_organization(code=PROVINCE_CODE, name=PROVINCE_NAME, kind=K.PROVINCE_FEDERATION, parent=None)
    return province


def _city(province: Organization, code: str, name: str) -> Organization:
    city = Organization.objects.filter(code=code).first()
    if city is None:
        return create_organization(code=code, name=name, kind=K.CITY_FEDERATION, parent=province)
    if city.parent_id != province.pk:
        raise RuntimeError(f"{code} {city.name} exists outside the province: seed the province into an empty database")
    return city


def _renamed(name: str, kind: str, short: str) -> str:
    renamed = name.replace("临沂", short)
    if renamed == name and kind in FEDERATION_KINDS:
        renamed = f"{short}市{name}"
    return renamed


def copy_plan(rng: random.Random, code: str, short: str):
    """The reference city's plan under `code` and the city's name (a pure function of rng)."""
    counties, levels, facts = org_demo.build_plan(rng, "city")
    prefix = org_demo.CITY_CODE

    def recode(value: str) -> str:
        assert value.startswith(prefix), value  # every code of the plan starts with the city's
        return code + value[len(prefix):]

    def node(n: org_demo.Node) -> org_demo.Node:
        return org_demo.Node(recode(n.code), _renamed(n.name, n.kind, short), n.kind, recode(n.parent))

    copied_facts = {
        "city": code,
        "counties": [recode(c) for c in facts["counties"]],
        "unions_by_county": {recode(c): [recode(u) for u in us] for c, us in facts["unions_by_county"].items()},
    }
    return [node(n) for n in counties], [[node(n) for n in level] for level in levels], copied_facts


def _seed_copy(ctx, province: Organization, code: str, short: str) -> int:
    counties, levels, facts = copy_plan(random.Random(ctx.rng.getrandbits(64)), code, short)
    with transaction.atomic():
        city = _city(province, code, f"{short}市总工会")
        present = set(Organization.objects.filter(code__in=[n.code for n in counties]).values_list("code", flat=True))
        created = 0
        for n in counties:
            if n.code not in present:
                create_organization(code=n.code, name=n.name, kind=n.kind, parent=city)
                created += 1
        for level in levels:
            created += org_demo._insert_level(level)
        Organization.objects.filter(kind=K.COUNTY_FEDERATION, county__isnull=True).update(county=F("pk"))
    ctx.facts["organizations"] = facts
    return created


def _province_users(ctx, copy_city_code: str | None) -> None:
    encoded = make_password(DEMO_PASSWORD)
    specs = [("province_staff", "孙敏", Role.CITY_STAFF, PROVINCE_CODE)]
    if copy_city_code:
        specs.append(("city2_staff", "赵磊", Role.CITY_STAFF, copy_city_code))
    for username, first_name, role, code in specs:
        User.objects.update_or_create(
            username=username,
            defaults={"first_name": first_name, "role": role, "organization": Organization.objects.get(code=code),
                      "is_active": True, "is_superuser": False, "is_staff": False, "password": encoded},
        )
        ctx.say(f"    {username:<16} {role.label!s:<26} {code}")


def seed(ctx, *, steps, cities: int, timed) -> None:
    """The province, `cities` cities and then the once-only steps; `timed(name, fn)` times each part."""
    ctx.scale = "city"  # every per-app seeder sizes itself as for one city
    ctx.multiple = cities  # the members: `cities` times the city's
    province = _province()
    per_city = [m for m in steps if m.__name__ in PER_CITY_STEPS]
    once = [m for m in steps if m.__name__ not in PER_CITY_STEPS]
    _city(province, REFERENCE[0], org_demo.CITY_NAME)  # under the province before its tree is seeded
    for module in per_city:
        timed(f"{REFERENCE[1]} {module.__name__.removeprefix('demo.')}", lambda m=module: m.seed(ctx))
    reference_facts = ctx.facts["organizations"]
    for code, short in COPIES[: cities - 1]:
        timed(f"{short} organizations", lambda c=code, s=short: ctx.say(
            f"  organizations ({s}): {_seed_copy(ctx, province, c, s)} added"))
        timed(f"{short} employers", lambda: employers.seed(ctx))
    ctx.facts["organizations"] = reference_facts
    for module in once:
        timed(module.__name__.removeprefix("demo."), lambda m=module: m.seed(ctx))
    ctx.say("  province users:")
    _province_users(ctx, COPIES[0][0] if cities > 1 else None)
    ctx.say(f"  province: {cities} cities, {Organization.objects.count()} organizations")
