"""Demo competitions, honors and all-staff innovation enterprises: `seed_demo` step (after
accounts; issue 17 item 7).

small: a few of each, most in 兰山区 (the demo users' county): two key-project competitions
with scored stages and a ranking (one finished, with quotas and awards), theme, skills and a
speech contest, honors across the levels, innovation enterprises paid from the fund.
city: the reference year (demo/reference_year.py) — 10 key-project competitions ("奋进'十四五'·
建功新沂蒙") and 62 theme competitions across the levels (the article's "70+"), skills
competitions, the city-wide speech contest with about 100,000 participant-times recorded as
counts per organization, 3 provincial, 10 city and 100 county innovation enterprises named in
the year, granted and paid the whole 2,000,000-yuan special fund, and honors across the four levels.

Written through bulk paths, deterministically from `ctx.rng`; every row obeys the database's
rules (scores 0–100, one honor per person per kind and year, the fund never overspent).
Idempotent: when the scale's competitions are there the step writes nothing; `--scale city`
after the small demo adds the city's set beside the small one (honors, enterprises and the
fund's grants still obey their rules against what is there).
"""

import datetime
from decimal import Decimal

from django.db import transaction

from apps.accounts.models import User
from apps.competitions.city_lists import ensure_city_lists
from apps.competitions.choices import DEFAULT_WEIGHTS, Criterion
from apps.competitions.models import (
    AwardQuota,
    Competition,
    FundPayment,
    Honor,
    HonorKind,
    InnovationEnterprise,
    InnovationOutcome,
    KeyIndustry,
    Participant,
    Participation,
    Score,
    SpecialFund,
    Stage,
    Team,
)
from apps.core.validators import build_resident_id
from apps.employers.models import Employer
from apps.members.models import Member
from apps.organizations.models import Organization
from demo.accounts import DEMO_COUNTY

from . import reference_year
from .reference_year import exact_split, scaled, scaled_money

YEAR = reference_year.YEAR
BUDGET = reference_year.FUND
UNION_KINDS = (Organization.Kind.GRASSROOTS, Organization.Kind.JOINT_GRASSROOTS)
KEY_PROJECTS = ["临沂北站综合枢纽", "沂河新区城市更新", "鲁南高铁临沂段", "临沂港物流园", "兰山区智能制造产业园",
                "罗庄区冶金新材料基地", "沂水抽水蓄能电站", "临沂机场改扩建", "国际陆港冷链中心", "沂蒙山旅游公路"]
THEMES = ["安全生产月", "节能减排", "技术革新", "质量提升", "优质服务", "数字化转型", "绿色工厂", "降本增效"]
SKILLS = ["电工", "焊工", "叉车司机", "快递员", "网约车司机", "数控车工", "茶艺师", "汽车维修工"]
SCALE = {
    "small": {"key": 2, "theme": 4, "skills": 2, "teams": 5, "speech_orgs": 40, "speech_people": 6_000,
              "honors": 24, "enterprises": (1, 3, 6)},
    "city": {"key": reference_year.KEY_PROJECT_COMPETITIONS, "theme": reference_year.THEME_COMPETITIONS,
             "skills": 16, "teams": 8, "speech_orgs": 2_000, "speech_people": 100_000, "honors": 640,
             "enterprises": tuple(reference_year.ENTERPRISES[level] for level in ("provincial", "city", "county"))},
}
# Grants from the fund in these proportions, so that the enterprises named in the year get
# the whole budget (the city's 2,000,000 yuan: 200,000 / 100,000 / 4,000 yuan each).
GRANT_WEIGHTS = {"provincial": 50, "city": 25, "county": 1}


def _size(ctx) -> dict:
    """The scale's sizes; the city at `ctx.fraction` scales the reference year's counts."""
    size = dict(SCALE[ctx.scale])
    fraction = getattr(ctx, "fraction", 1.0)
    if ctx.scale == "city" and fraction != 1:
        size.update(key=scaled(size["key"], fraction), theme=scaled(size["theme"], fraction),
                    skills=scaled(size["skills"], fraction), speech_orgs=scaled(size["speech_orgs"], fraction),
                    speech_people=scaled(size["speech_people"], fraction), honors=scaled(size["honors"], fraction),
                    enterprises=tuple(scaled(n, fraction) for n in size["enterprises"]))
    size["budget"] = scaled_money(BUDGET, fraction) if ctx.scale == "city" else BUDGET
    return size


SMALL_DEMO_GRANTED = Decimal("0.6")


def _grants(levels: list[str], budget: Decimal) -> list[Decimal]:
    """The budget over the enterprises by GRANT_WEIGHTS, in cents, summing exactly to it."""
    weights = [GRANT_WEIGHTS[level] for level in levels]
    cents = exact_split(int(budget * 100), weights)
    return [Decimal(c) / 100 for c in cents]


def _user(ctx, name: str):
    pk = (ctx.facts.get("users") or {}).get(name)
    return User.objects.filter(pk=pk).first() if pk else User.objects.filter(is_superuser=True).first()


def _period(rng, start_month: int, months: int) -> tuple[datetime.date, datetime.date]:
    starts = datetime.date(YEAR, start_month, 1 + rng.randrange(20))
    end_month = min(12, start_month + months)
    return starts, datetime.date(YEAR, end_month, 28)


@transaction.atomic
def seed(ctx) -> None:
    size = _size(ctx)
    wanted = size["key"] + size["theme"] + size["skills"] + 1
    if Competition.objects.count() >= wanted:
        ctx.say("  competitions: present, nothing to add")
        return
    facts = ctx.facts.get("organizations")
    if not facts:
        ctx.say("  competitions: no organizations yet, skipped")
        return
    rng = ctx.rng
    city = Organization.objects.get(code=facts["city"])
    counties = list(Organization.objects.filter(kind=Organization.Kind.COUNTY_FEDERATION, parent=city).order_by("code"))
    unions = list(Organization.objects.filter(code__in=[c for codes in facts["unions_by_county"].values()
                                                        for c in codes], kind__in=UNION_KINDS, status="active")
                  .select_related("county").order_by("code"))
    demo_unions = [u for u in unions if u.county and u.county.code == DEMO_COUNTY]
    city_user, county_user, branch_user = _user(ctx, "city_staff"), _user(ctx, "county_staff"), _user(ctx, "branch_officer")
    ensure_city_lists(HonorKind, KeyIndustry)
    industries = list(KeyIndustry.objects.all())
    demo_county = next((c for c in counties if c.code == DEMO_COUNTY), counties[0])

    # --- competitions ----------------------------------------------------------------------
    comps: list[Competition] = []

    def add(name, kind, level, host, start_month, months, status, creator, **extra):
        starts, ends = _period(rng, start_month, months)
        comps.append(Competition(name=name, kind=kind, level=level, host=host, starts_on=starts, ends_on=ends,
                                 status=status, created_by=creator, rules=f"{name}实施方案：比安全、比质量、比进度、"
                                 "比创新、比管理、创优质工程。", industry=rng.choice(industries) if industries else None,
                                 **extra))

    for n in range(size["key"]):
        project = KEY_PROJECTS[n % len(KEY_PROJECTS)]
        add(f"奋进'十四五'·建功新沂蒙 {project}劳动竞赛", "key_project", "city", city, 2 + n % 3, 9,
            "finished" if n == 0 else "running", city_user, project=project)
    for n in range(size["theme"]):
        level = ("city", "county", "county", "county", "enterprise")[n % 5]
        county = demo_county if ctx.scale == "small" else counties[n % len(counties)]
        host = city if level == "city" else county if level == "county" else \
            rng.choice(demo_unions if ctx.scale == "small" and demo_unions else unions)
        creator = city_user if level == "city" else county_user if level == "county" else branch_user
        add(f"{host.name}{THEMES[n % len(THEMES)]}主题竞赛", "theme", level, host, 1 + n % 10, 2,
            ("finished", "running", "planned")[n % 3], creator)
    for n in range(size["skills"]):
        host = demo_county if n % 2 == 0 else city
        add(f"{host.name}{SKILLS[n % len(SKILLS)]}职业技能竞赛", "skills", "county" if host != city else "city", host,
            4 + n % 6, 1, "finished" if n % 2 else "running", county_user if host != city else city_user)
    add("“中国梦·劳动美”全市职工演讲比赛", "speech", "city", city, 4, 6, "running", city_user)
    Competition.objects.bulk_create(comps, batch_size=500)

    # --- entrants, stages, scores, quotas, awards --------------------------------------------
    teams, stages, participations, participants = [], [], {}, []
    for comp in comps:
        if comp.kind == "speech":
            continue
        reach = [u for u in unions if u.path.startswith(comp.host.path)] or unions
        for i, org in enumerate(rng.sample(reach, min(len(reach), size["teams"]))):
            teams.append(Team(competition=comp, organization=org, name=f"{org.name}{'标段' if comp.kind == 'key_project' else '代表队'}{i + 1}"))
            participations[(comp.pk, org.pk)] = Participation(competition=comp, organization=org,
                                                              counted_people=rng.randint(20, 200))
        for position, label in enumerate(("第一季度", "第二季度", "第三季度") if comp.kind == "key_project" else ("初赛", "决赛"),
                                         start=1):
            stages.append(Stage(competition=comp, name=label, position=position))
    Team.objects.bulk_create(teams, batch_size=1000)
    Stage.objects.bulk_create(stages, batch_size=1000)
    teams_of: dict[int, list[Team]] = {}
    for team in teams:
        teams_of.setdefault(team.competition_id, []).append(team)
    scores = []
    for stage in stages:
        comp = next(c for c in comps if c.pk == stage.competition_id)
        if comp.status == "planned":
            continue
        criteria = [c.value for c in Criterion if c.value in DEFAULT_WEIGHTS] if comp.kind == "key_project" \
            else [Criterion.OVERALL.value]
        for team in teams_of.get(comp.pk, []):
            for criterion in criteria:
                scores.append(Score(stage=stage, team=team, criterion=criterion, recorded_by=comp.created_by,
                                    value=Decimal(rng.randint(70, 99)) + Decimal(rng.choice((0, 50))) / 100))
    Score.objects.bulk_create(scores, batch_size=5000)
    quotas = []
    for comp in comps:
        if comp.status != "finished" or comp.kind == "speech":
            continue
        counties_here = {t.organization.county_id for t in teams_of.get(comp.pk, []) if t.organization.county_id}
        for county_id in counties_here:
            quotas.append(AwardQuota(competition=comp, county_id=county_id, quota=2))
        given: dict[int, int] = {}
        for team in teams_of.get(comp.pk, [])[:3]:
            county_id = team.organization.county_id
            if county_id and given.get(county_id, 0) < 2:
                given[county_id] = given.get(county_id, 0) + 1
                team.award, team.awarded_by = ("first", "second", "third")[len(given) % 3], comp.created_by
                team.save(update_fields=["award", "awarded_by"])
    AwardQuota.objects.bulk_create(quotas)

    # The speech contest: the city's 100,000 participant-times arrive as counts per organization.
    speech = comps[-1]
    speakers = rng.sample(unions, min(len(unions), size["speech_orgs"]))
    share = size["speech_people"] // max(1, len(speakers))
    for org in speakers:
        participations[(speech.pk, org.pk)] = Participation(competition=speech, organization=org,
                                                            counted_people=share)
    Participation.objects.bulk_create(participations.values(), batch_size=2000)
    members = list(Member.objects.filter(organization__in=demo_unions[:20] or unions[:20], status="active")
                   .select_related("organization")[:30])
    for member in members[:10]:
        participants.append(Participant(competition=speech, organization=member.organization, member=member,
                                        name=member.name, result=rng.choice(("一等奖", "二等奖", "三等奖", "优秀奖"))))
    Participant.objects.bulk_create(participants)

    # --- honors ------------------------------------------------------------------------------
    kinds = {k.code: k for k in HonorKind.objects.all()}
    honors = []
    seen = {(k, y, i or f"{o}:{h}") for k, y, i, o, h in
            Honor.objects.values_list("kind_id", "year", "id_number", "organization_id", "honoree")}
    level_weights = (("national", 2), ("provincial", 8), ("city", 40), ("county", 50))
    for n in range(size["honors"]):
        level = rng.choices([lv for lv, _w in level_weights], [w for _lv, w in level_weights])[0]
        org = rng.choice(demo_unions if ctx.scale == "small" and demo_unions and n % 3 else unions)
        year = YEAR - (n % 3)
        kind = rng.choice(list(kinds.values()))
        if kind.collective:
            honoree, id_number, member = f"{org.name}先锋班组{n}", "", None
        elif n < len(members):
            member = members[n]
            honoree, id_number, org = member.name, member.id_number, member.organization
        else:
            member = None
            id_number = build_resident_id("371302", datetime.date(1975 + n % 25, 1 + n % 12, 1 + n % 28), 850 + n % 50)
            honoree = f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice(('建国', '秀英', '志强', '海燕', '卫东', '丽娟'))}"
        key = (kind.pk, year, id_number or f"{org.pk}:{honoree}")
        if key in seen:
            continue
        seen.add(key)
        honors.append(Honor(kind=kind, level=level, year=year, organization=org, member=member, honoree=honoree,
                            id_number=id_number, title=rng.choice(("班组长", "高级技师", "项目经理", "一线职工")),
                            recorded_by=city_user if level != "county" else county_user))
    Honor.objects.bulk_create(honors, batch_size=1000)

    # --- innovation enterprises and the fund ---------------------------------------------------
    fund, _created = SpecialFund.objects.get_or_create(name="全员创新企业专项资金",
                                                       defaults={"owner": city, "budget": size["budget"]})
    provincial, city_level, county_level = size["enterprises"]
    to_name = provincial + city_level + county_level
    pool = (Employer.objects.filter(status="active").exclude(pk__in=InnovationEnterprise.objects.values("employer_id"))
            .order_by("-headcount", "id"))
    if ctx.scale == "small":
        pool = pool.filter(county=demo_county)
    employers = list(pool.select_related("county")[:to_name])
    enterprises = []
    levels = ["provincial" if i < provincial else "city" if i < provincial + city_level else "county"
              for i in range(len(employers))]
    # The city's reference year uses the whole fund; the small demo grants 60 % of it, so a
    # clerk trying the demo (and the browser journey) can still name an enterprise with a grant.
    granting = fund.budget if ctx.scale == "city" else (fund.budget * SMALL_DEMO_GRANTED).quantize(Decimal("0.01"))
    for employer, level, granted in zip(employers, levels, _grants(levels, granting), strict=True):
        enterprises.append(InnovationEnterprise(employer=employer, level=level, year_named=YEAR, fund=fund,
                                                granted=granted,
                                                named_by=city_user if level != "county" else county_user))
    left = fund.budget - sum(InnovationEnterprise.objects.values_list("granted", flat=True), Decimal(0))
    for e in enterprises:  # the fund is never overspent: a grant it cannot cover is not made
        if e.granted > left:
            e.granted = Decimal(0)
        left -= e.granted
    InnovationEnterprise.objects.bulk_create(enterprises)
    payments, outcomes = [], []
    for e in enterprises:  # each grant paid in the year, in two instalments (the fund used: the budget)
        if e.granted:
            first = (e.granted * Decimal("0.6")).quantize(Decimal("0.01"))
            payments.append(FundPayment(fund=fund, enterprise=e, amount=first,
                                        paid_on=datetime.date(YEAR, 3 + rng.randrange(6), 15), note="首期拨付",
                                        recorded_by=city_user))
            payments.append(FundPayment(fund=fund, enterprise=e, amount=e.granted - first,
                                        paid_on=datetime.date(YEAR, 10, 15 + rng.randrange(10)), note="二期拨付",
                                        recorded_by=city_user))
        outcomes.append(InnovationOutcome(enterprise=e, year=YEAR, kind=rng.choice(("innovation", "patent", "suggestion", "method")),
                                          count=rng.randint(1, 40), description="职工技术创新成果", reported_by=city_user))
    FundPayment.objects.bulk_create(payments)
    InnovationOutcome.objects.bulk_create(outcomes, batch_size=1000)
    people = sum(p.counted_people for p in participations.values()) + len(participants)
    ctx.facts["competitions"] = {"competitions": len(comps), "people_times": people, "honors": len(honors),
                                 "enterprises": len(enterprises)}
    ctx.say(f"  competitions: {len(comps)} competitions, {len(teams)} teams, {len(scores)} scores, "
            f"{people} people-times, {len(honors)} honors, {len(enterprises)} innovation enterprises")
