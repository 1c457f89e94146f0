"""Demo hardship files and the help they got: `seed_demo` step (after accounts; issue 16).

small: about 60 files in every state of the workflow, most in 兰山区 (the demo users'
county) and a dozen in the demo branch union. city: a year of the reference city —
about 4,200 files, a year of assistance across the four seasons and the four city
campaigns, and the reference year's (demo/reference_year.py) 1,120 households visited with
160 problems solved and 1,350 legal aid cases, exactly.

Written through bulk paths, deterministically from `ctx.rng`; every row obeys the
database's rules (one open file per household, income per head that matches, a reason
for a category other than the suggested one) and every file has its timeline. Heads of
household are current members of their union about half the time; the others are
workers who are not members yet (ID sequences 900–999, which no demo member uses).
Idempotent: the files are topped up to the scale's target, as the members step does, and
a second run finds the target reached and writes nothing. At the end the assistance
reminder rules run once, so the demo users find their notifications (keyed: once).
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.assistance.choices import Category, Season
from apps.assistance.models import (
    AssistanceRecord,
    AssistanceSettings,
    Campaign,
    CampaignAllocation,
    CampaignRecipient,
    FileEvent,
    FollowUp,
    HardshipFile,
    HouseholdMember,
    LegalAidCase,
    LivingStandard,
    Visit,
    VisitProblem,
)
from apps.members.models import Member
from apps.notifications.reminders import run_reminder_rule
from apps.organizations.models import Organization
from demo.accounts import DEMO_COUNTY
from demo.members import PersonFactory
from demo.organizations import CITY_CODE

from . import reference_year
from .reference_year import HOUSEHOLDS_VISITED, PROBLEMS_SOLVED, scaled

TARGETS = {"small": 60, "city": 4_200}
LEGAL_TARGETS = {"small": 30, "city": reference_year.LEGAL_AID_CASES}
YEAR = reference_year.YEAR
CENT = Decimal("0.01")
UNION_KINDS = (Organization.Kind.GRASSROOTS, Organization.Kind.JOINT_GRASSROOTS, Organization.Kind.VILLAGE)

# (status, weight): the city's files are mostly active; the small demo shows every state.
STATUS_WEIGHTS = {
    "city": [("active", 66), ("reverifying", 5), ("exited", 13), ("draft", 5), ("submitted", 6), ("reviewed", 5)],
    "small": [("active", 40), ("reverifying", 10), ("exited", 12), ("draft", 12), ("submitted", 14), ("reviewed", 12)],
}
CAUSES = [("illness", 34), ("disability", 14), ("unemployment", 16), ("education", 14), ("accident", 7),
          ("disaster", 2), ("single_parent", 8), ("other", 5)]
ACCIDENT_REASONS = ("突发重大疾病，医疗支出远超收入", "家庭成员意外伤残", "房屋火灾损毁", "车祸致家庭主要劳动力丧失劳动能力")
STREETS = ("人民路", "沂蒙路", "解放路", "通达路", "北京路", "金雀山路", "兰山路", "工业大道", "滨河大道", "商城路")
RELATIVES = [("spouse", 40), ("child", 45), ("parent", 12), ("grandchild", 3)]
HEALTH = [("healthy", 70), ("chronic", 16), ("serious", 8), ("disabled", 6)]
VISITORS = ("工会主席", "工会副主席", "帮扶中心主任", "工会干事", "女工委员")
FINDINGS = ("家中收入来源单一，主要靠低保和零工维持", "户主长期患病，每月药费支出较大", "子女在读，学费压力较大",
            "住房陈旧，冬季取暖困难", "户主失业后正在寻找工作", "家庭成员残疾，需要长期照护")
PROBLEMS = ("申请大病医疗救助", "协调子女助学金", "推荐就业岗位", "协助办理低保", "维修住房", "联系慈善总会救助")
DISPUTES = [("wages", 45), ("contract", 22), ("injury", 15), ("social_insurance", 13), ("other", 5)]
HANDLERS = ("职工法律援助工作站", "律师事务所驻站律师", "工会法律顾问", "劳动争议调解委员会")


def _pick(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8), rng.randrange(60))))


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=min(day.day, 28))


# --- settings and people who act -------------------------------------------------------------


def _standards(counties) -> dict[int, tuple[Decimal, Decimal]]:
    """Each county's minimum living standard, 2025 and 2026 (a history of two rows)."""
    result = {}
    for index, county in enumerate(counties):
        old = Decimal(760 + (index * 17) % 120)
        new = (old * Decimal("1.04")).quantize(Decimal(1))
        for since, amount in ((datetime.date(2025, 1, 1), old), (datetime.date(2026, 1, 1), new)):
            LivingStandard.objects.get_or_create(county=county, effective_from=since,
                                                 defaults={"monthly_amount": amount, "note": "seed_demo"})
        result[county.pk] = (old, new)
    return result


def _actors(ctx, counties) -> dict:
    """Who took the steps: the demo users (branch officer, county and city staff). The demo has
    no clerks of its own in the other counties, and logins nobody can use would only clutter
    the user list, so their files' timelines name the demo users too."""
    users = ctx.facts.get("users") or {}
    demo = {name: User.objects.get(pk=pk) for name, pk in users.items()}
    fallback = User.objects.filter(is_superuser=True).order_by("pk").first()
    who = {level: demo.get(name) or fallback for level, name in
           (("branch", "branch_officer"), ("county", "county_staff"), ("city", "city_staff"))}
    return {county.pk: who for county in counties}


# --- files ---------------------------------------------------------------------------------


class Plan:
    """Everything generated for one file, kept to derive the rows that hang off it."""

    __slots__ = ("actors", "approved_on", "events", "exited_on", "file", "household")

    def __init__(self, file, household, events, approved_on, exited_on, actors):
        self.file, self.household, self.events = file, household, events
        self.approved_on, self.exited_on, self.actors = approved_on, exited_on, actors


def _heads(unions, count, rng, people, used: set):
    """(union, name, id_number, member_id) for `count` households: about half current members
    of their union; `used` holds the ID numbers already given a file in this run."""
    if not unions or count <= 0:
        return []
    by_id = {u.pk: u for u in unions}
    bounds = Member.objects.filter(organization__in=unions).order_by("pk").values_list("pk", flat=True)
    first, last = bounds.first(), bounds.reverse().first()
    heads = []
    if first is not None:
        sample = rng.sample(range(first, last + 1), min(count * 4, last - first + 1))
        found = list(
            Member.objects.filter(pk__in=sample, status="active", organization__in=unions)
            .exclude(id_number__in=HardshipFile.objects.values("head_id_number"))
            .order_by("pk").values_list("organization_id", "name", "id_number", "pk")
        )
        rng.shuffle(found)  # members arrive union by union: in id order they would all be the first unions'
        for org_id, name, number, pk in found:
            if len(heads) >= count // 2:
                break
            if number not in used:
                used.add(number)
                heads.append((by_id[org_id], name, number, pk))
    while len(heads) < count:
        union = rng.choice(unions)
        name, number, _sex, _born, _phone = people.person(union.county.code if union.county else "371302")
        used.add(number)
        heads.append((union, name, number, None))
    rng.shuffle(heads)
    return heads


def _income(rng, size: int, standard: Decimal):
    """(category, suggested, reason, income, per head) that pass the database's rules."""
    kind = rng.random()
    if kind < 0.36:
        per_head_target = float(standard) * rng.uniform(0.35, 0.95)
    elif kind < 0.86:
        per_head_target = float(standard) * rng.uniform(1.05, 1.95)
    else:
        per_head_target = float(standard) * rng.uniform(1.2, 2.6)
    income = _money(per_head_target * size)
    per_head = (income / size).quantize(CENT, rounding=ROUND_HALF_UP)
    suggested = Category.DEEP if per_head < standard else Category.RELATIVE if per_head < 2 * standard else ""
    if kind >= 0.86:
        return Category.ACCIDENT, suggested, rng.choice(ACCIDENT_REASONS), income, per_head
    return suggested, suggested, "", income, per_head


def _plan_files(ctx, rng, heads, people, standards, actors, today) -> list[Plan]:
    plans = []
    weights = STATUS_WEIGHTS[ctx.scale]
    for index, (union, name, number, member_id) in enumerate(heads):
        status = weights[index % len(weights)][0] if index < len(weights) else _pick(rng, weights)
        county = union.county
        who = actors[county.pk]
        size = rng.choices((1, 2, 3, 4, 5, 6), weights=(8, 20, 34, 25, 9, 4))[0]
        file_date = _day(rng, datetime.date(2025, 3, 1), today - datetime.timedelta(days=40))
        if status == "exited":
            file_date = _day(rng, datetime.date(2025, 3, 1), datetime.date(2025, 10, 31))
        elif status in ("draft", "submitted", "reviewed"):
            file_date = _day(rng, today - datetime.timedelta(days=35), today - datetime.timedelta(days=1))
        elif status == "reverifying":  # due about now: approved about a year ago
            file_date = today - datetime.timedelta(days=375 - rng.randrange(30))
        standard = standards[county.pk][1 if file_date.year >= 2026 else 0]
        category, suggested, reason, income, per_head = _income(rng, size, standard)
        causes = sorted({_pick(rng, CAUSES) for _ in range(rng.choice((1, 1, 2, 2, 3)))})
        created = _at(file_date, rng)
        events = [(FileEvent.Action.CREATED, "", "draft", who["branch"], created, "")]
        submitted = reviewed = approved = None
        steps = ["draft", "submitted", "reviewed", "active"]
        target = {"draft": 0, "submitted": 1, "reviewed": 2}.get(status, 3)
        moment = created
        latest = timezone.now() - datetime.timedelta(hours=1)
        for step in range(1, target + 1):
            moment = min(moment + datetime.timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 6)), latest)
            if step == 1:
                submitted = moment
                events.append((FileEvent.Action.SUBMITTED, "draft", "submitted", who["branch"], moment, ""))
            elif step == 2:
                reviewed = moment
                events.append((FileEvent.Action.REVIEWED, "submitted", "reviewed", who["county"], moment, "材料齐全，情况属实"))
            else:
                approved = moment
                events.append((FileEvent.Action.APPROVED, "reviewed", "active", who["city"], moment, ""))
        approved_on = timezone.localtime(approved).date() if approved else None
        valid_until = _add_months(approved_on, 12) if approved_on else None
        exited_on = None
        final = steps[target]
        if status == "active" and valid_until < today + datetime.timedelta(days=25) and rng.random() < 0.95:
            # re-verified and renewed a year on, as the rules want (the rest wait, overdue)
            reverified = min(_at(valid_until - datetime.timedelta(days=20), rng), latest - datetime.timedelta(days=6))
            events.append((FileEvent.Action.REVERIFICATION, "active", "reverifying", who["branch"], reverified, "收入无明显变化"))
            events.append((FileEvent.Action.RENEWED, "reverifying", "active", who["county"],
                           min(reverified + datetime.timedelta(days=5), latest), "复核通过"))
            valid_until = _add_months(valid_until, 12)
        if status == "reverifying":
            moment = timezone.make_aware(datetime.datetime.combine(valid_until - datetime.timedelta(days=20),
                                                                   datetime.time(10)))
            moment = min(moment, timezone.now() - datetime.timedelta(days=1))
            events.append((FileEvent.Action.REVERIFICATION, "active", "reverifying", who["branch"], moment, "收入无明显变化"))
            final = "reverifying"
        elif status == "exited":
            exited_on = min(_day(rng, max(approved_on + datetime.timedelta(days=60), datetime.date(YEAR, 1, 1)),
                                 today - datetime.timedelta(days=5)), today - datetime.timedelta(days=1))
            moment = _at(exited_on, rng)
            events.append((FileEvent.Action.EXITED, "active", "exited", who["county"], moment,
                           rng.choice(("实现再就业，收入稳定", "家庭收入超过认定标准", "病情好转，恢复劳动能力"))))
            final = "exited"
        household = []
        for n in range(size - 1):
            relation = "spouse" if n == 0 and rng.random() < 0.7 else _pick(rng, RELATIVES[1:])
            male = rng.random() < 0.5
            adult = relation in ("spouse", "parent")
            household.append(HouseholdMember(
                name=people.name(male), relation=relation, health=_pick(rng, HEALTH),
                occupation=rng.choice(("务农", "灵活就业", "无业", "退休")) if adult else rng.choice(("小学", "初中", "高中", "大学", "学龄前")),
            ))
        file = HardshipFile(
            organization=union, head_name=name, head_id_number=number, head_member_id=member_id,
            head_phone=people.phone(), employer_name=f"{union.name[:-2]}" if union.name.endswith("工会") else "",
            address=f"{county.name[:-3]}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
            category=category, suggested_category=suggested, category_reason=reason, causes=causes,
            cause_note="长期照顾失能老人" if "other" in causes else "", household_size=size, monthly_income=income,
            income_per_head=per_head, living_standard=standard, file_date=file_date,
            bank_name=rng.choice(("中国农业银行", "中国工商银行", "临沂农商银行", "中国建设银行")),
            bank_account="62" + "".join(str(rng.randrange(10)) for _ in range(17)),
            status=final, version=len(events), status_changed_at=events[-1][4],
            submitted_by=who["branch"] if submitted else None, submitted_at=submitted,
            reviewed_by=who["county"] if reviewed else None, reviewed_at=reviewed,
            approved_by=who["city"] if approved else None, approved_at=approved,
            valid_until=valid_until if final in ("active", "reverifying") else None,
            exited_on=exited_on, exit_reason="employed" if exited_on else "",
            created_by=who["branch"], updated_by=events[-1][3], updated_at=events[-1][4],
        )
        if final == "reverifying":
            file.submitted_by, file.submitted_at, file.reviewed_by, file.reviewed_at = (
                who["branch"], events[-1][4], None, None)
        plans.append(Plan(file, household, events, approved_on, exited_on, who))
    return plans


# --- what the files got ------------------------------------------------------------------------


def _campaigns(city, counties, creator, budget_weights) -> dict[str, Campaign]:
    names = {Season.SPRING: "春送岗位", Season.SUMMER: "夏送清凉", Season.AUTUMN: "金秋助学", Season.WINTER: "冬送温暖"}
    budgets = {Season.SPRING: 200_000, Season.SUMMER: 600_000, Season.AUTUMN: 2_400_000, Season.WINTER: 3_000_000}
    campaigns = {}
    for season, label in names.items():
        campaign, made = Campaign.objects.get_or_create(
            name=f"{YEAR}年{label}", year=YEAR, season=season,
            defaults={"organizer": city, "budget": Decimal(budgets[season]), "created_by": creator},
        )
        if made:
            total = sum(budget_weights.values()) or 1
            CampaignAllocation.objects.bulk_create([
                CampaignAllocation(campaign=campaign, county=c,
                                   budget=(Decimal(budgets[season]) * budget_weights[c.pk] / total).quantize(Decimal(1)))
                for c in counties
            ])
        campaigns[season] = campaign
    return campaigns


def _give(rng, plan, last, records, recipients, kind, amount, day, source, campaign=None, goods=""):
    """One record for the plan's file (and its campaign delivery), if the file was helped that day."""
    f, who = plan.file, plan.actors
    if not (plan.approved_on <= day <= last):
        return
    above_threshold = amount > 2000  # AssistanceSettings' default: approved by the county
    record = AssistanceRecord(
        file=f, kind=kind, amount=_money(amount), goods=goods, given_on=day, fund_source=source,
        delivered_by=f.organization.name, campaign=campaign, organization=f.organization, status="approved",
        recorded_by=who["branch"], decided_by=who["county"] if above_threshold else None,
        decided_at=_at(day, rng) if above_threshold else None,
    )
    records.append(record)
    if campaign is not None:
        recipients.append(CampaignRecipient(campaign=campaign, file=f, organization=f.organization, name=f.head_name,
                                            delivered_on=day, amount=record.amount, goods=goods, record=record))


def _records(rng, plans, campaigns, today):
    """A year of assistance: the four seasons' campaigns and medical, living and education aid."""
    records, recipients = [], []
    for plan in plans:
        causes = plan.file.causes
        if plan.approved_on is None:
            continue
        args = (rng, plan, plan.exited_on or today, records, recipients)
        if rng.random() < 0.9:
            _give(*args, "winter_warmth", rng.choice((500, 600, 800, 1000)), datetime.date(YEAR, 1, rng.randint(5, 25)),
                  "upper_subsidy", campaigns[Season.WINTER], "米、面、油")
        if "unemployment" in causes and rng.random() < 0.7:
            _give(*args, "spring_jobs", 0, datetime.date(YEAR, rng.randint(3, 4), rng.randint(1, 28)), "own_funds",
                  campaigns[Season.SPRING], "推荐就业岗位")
        if rng.random() < 0.3:
            _give(*args, "summer_cooling", rng.choice((100, 150, 200)), datetime.date(YEAR, 7, rng.randint(1, 31)),
                  "own_funds", campaigns[Season.SUMMER], "防暑降温用品")
        if "education" in causes:
            _give(*args, "autumn_education", rng.choice((1000, 2000, 3000, 5000)),
                  datetime.date(YEAR, 8, rng.randint(15, 31)), "special_fund", campaigns[Season.AUTUMN])
        if "illness" in causes and rng.random() < 0.5:
            _give(*args, "medical", rng.randint(10, 80) * 100, _day(rng, datetime.date(YEAR, 1, 1), today), "donation")
        if rng.random() < 0.25:
            _give(*args, "living", rng.randint(3, 15) * 100, _day(rng, datetime.date(YEAR, 1, 1), today),
                  "upper_subsidy")
    return records, recipients


def _visits(rng, plans, households: int, solved: int, today):
    """Visits in the reference year to exactly `households` households (once or twice each),
    a problem raised at about a third of them, exactly `solved` of the problems solved in the
    year; visits end at the year's end (or today, before it)."""
    visits, problems = [], []
    year_end = min(today, datetime.date(YEAR, 12, 31))
    first = datetime.date(YEAR, 1, 1)

    def window(plan):
        return max(plan.approved_on, first), min(plan.exited_on or year_end, year_end)

    candidates = [p for p in plans if p.approved_on is not None and window(p)[0] <= window(p)[1]]
    for plan in rng.sample(candidates, min(households, len(candidates))):
        start, end = window(plan)
        for _ in range(rng.choice((1, 1, 1, 2))):
            visit = Visit(file=plan.file, visited_on=_day(rng, start, end), recorded_by=plan.actors["branch"],
                          visitors="、".join(rng.sample(VISITORS, 2)), findings=rng.choice(FINDINGS))
            visits.append(visit)
    raised = rng.sample(visits, min(len(visits), max(solved + solved // 2, len(visits) * 3 // 10)))
    solved_ones = set(map(id, rng.sample(raised, min(solved, len(raised)))))
    for visit in raised:
        plan_actor = visit.recorded_by
        day = visit.visited_on
        is_solved = id(visit) in solved_ones
        due = day + datetime.timedelta(days=rng.choice((14, 30, 60)))
        solved_on = min(day + datetime.timedelta(days=rng.randint(3, 40)), year_end) if is_solved else None
        problems.append(VisitProblem(
            visit=visit, file=visit.file, description=rng.choice(PROBLEMS), due_on=due,
            status="solved" if is_solved else rng.choice(("open", "in_progress")),
            started_on=day + datetime.timedelta(days=1), started_by=plan_actor,
            solved_on=solved_on, solved_by=plan_actor if is_solved else None,
            resolution="已协调解决" if is_solved else "",
        ))
    return visits, problems


def _legal_cases(rng, unions, people, actors, count, today):
    cases = []
    for _ in range(count):
        union = rng.choice(unions)
        name, number, *_rest = people.person(union.county.code if union.county else "371302")
        opened = _day(rng, datetime.date(YEAR, 1, 1), min(today, datetime.date(YEAR, 12, 31)))
        stage = rng.choices(("accepted", "mediation", "arbitration", "litigation", "closed"), (10, 15, 10, 5, 60))[0]
        closed = min(opened + datetime.timedelta(days=rng.randint(7, 120)), today) if stage == "closed" else None
        outcome = rng.choices(("won", "settled", "lost", "withdrawn"), (45, 40, 8, 7))[0] if closed else ""
        kind = _pick(rng, DISPUTES)
        recovered = _money(rng.randint(20, 600) * 100) if outcome in ("won", "settled") and kind != "other" else Decimal(0)
        cases.append(LegalAidCase(
            organization=union, worker_name=name, worker_id_number=number, dispute_kind=kind,
            handler=rng.choice(HANDLERS), stage=stage, outcome=outcome, amount_recovered=recovered, opened_on=opened,
            closed_on=closed, recorded_by=actors[union.county.pk]["branch"], summary="",
        ))
    return cases


# --- the step ---------------------------------------------------------------------------------


def _unions(ctx):
    facts = ctx.facts["organizations"]
    codes = [code for county_codes in facts["unions_by_county"].values() for code in county_codes]
    unions = list(
        Organization.objects.filter(code__in=codes, kind__in=UNION_KINDS, status="active").select_related("county")
    )
    if ctx.scale == "small":
        # Most demo files where the demo users work: 兰山区, and a dozen in the branch officer's union.
        demo = [u for u in unions if u.county and u.county.code == DEMO_COUNTY]
        others = [u for u in unions if u not in demo]
        return demo, others
    return unions, []


def seed(ctx) -> None:
    fraction = getattr(ctx, "fraction", 1.0) if ctx.scale == "city" else 1.0
    target = scaled(TARGETS[ctx.scale], fraction)
    existing = HardshipFile.objects.count()
    rng = ctx.rng
    today = timezone.localdate()
    # The reference city and its counties: under a province (seed_demo --scale province) the
    # root is the province and the other cities' counties are not this city's; beside a test's
    # own tree the first city by pk may be the test's, whose counties hold none of the demo's unions.
    cities = Organization.objects.filter(kind=Organization.Kind.CITY_FEDERATION)
    city = cities.filter(code=CITY_CODE).first() or cities.order_by("pk").first()
    counties = list(Organization.objects.filter(kind=Organization.Kind.COUNTY_FEDERATION, parent=city).order_by("code"))
    if not counties or city is None:
        ctx.say("  assistance: no organizations yet, skipped")
        return
    with transaction.atomic():
        AssistanceSettings.objects.get_or_create(pk=1)
        standards = _standards(counties)
        actors = _actors(ctx, counties)
        main, others = _unions(ctx)
        if existing >= target:
            ctx.say(f"  assistance: {existing} files present, nothing to add")
            return
        count = target - existing
        used: set = set()
        taken = HardshipFile.objects.values_list("head_id_number", flat=True)
        people = PersonFactory(rng, taken=[*taken, *LegalAidCase.objects.values_list("worker_id_number", flat=True)],
                               sequence_floor=900, sequence_ceiling=1000)
        if ctx.scale == "small":
            branch = User.objects.filter(username="branch_officer").values_list("organization_id", flat=True).first()
            home = _heads([u for u in main if u.pk == branch], 12, rng, people, used)
            near = _heads(main, count * 3 // 4 - len(home), rng, people, used)
            heads = home + near + _heads(others or main, count - len(home) - len(near), rng, people, used)
        else:
            heads = _heads(main, count, rng, people, used)
        plans = _plan_files(ctx, rng, heads, people, standards, actors, today)
        HardshipFile.objects.bulk_create([p.file for p in plans], batch_size=2000)
        for plan in plans:
            for member in plan.household:
                member.file = plan.file
        HouseholdMember.objects.bulk_create([m for p in plans for m in p.household], batch_size=5000)
        FileEvent.objects.bulk_create(
            [FileEvent(file=p.file, action=a, from_status=fr, to_status=to, actor=who, at=at, reason=why)
             for p in plans for a, fr, to, who, at, why in p.events],
            batch_size=5000,
        )
        FollowUp.objects.bulk_create([
            FollowUp(file=p.file, months=m, due_on=_add_months(p.exited_on, m),
                     done_on=_add_months(p.exited_on, m) if _add_months(p.exited_on, m) < today else None,
                     done_by=p.actors["branch"] if _add_months(p.exited_on, m) < today else None,
                     note="回访：生活稳定" if _add_months(p.exited_on, m) < today else "")
            for p in plans if p.exited_on for m in (6, 12)
        ])
        weights = {c.pk: 0 for c in counties}
        for p in plans:
            weights[p.file.organization.county_id] += 1
        campaigns = _campaigns(city, counties, actors[counties[0].pk]["city"] or plans[0].actors["branch"], weights)
        records, recipients = _records(rng, plans, campaigns, today)
        AssistanceRecord.objects.bulk_create(records, batch_size=5000)
        CampaignRecipient.objects.bulk_create(recipients, batch_size=5000, ignore_conflicts=True)
        if ctx.scale == "city":
            visited, solved = (scaled(n, fraction) for n in (HOUSEHOLDS_VISITED, PROBLEMS_SOLVED))
        else:
            visited = sum(1 for p in plans if p.approved_on) // 2
            solved = visited * 3 // 20
        visits, problems = _visits(rng, plans, visited, solved, today)
        Visit.objects.bulk_create(visits, batch_size=5000)
        VisitProblem.objects.bulk_create(problems, batch_size=5000)
        legal_needed = max(0, scaled(LEGAL_TARGETS[ctx.scale], fraction) - LegalAidCase.objects.count())
        LegalAidCase.objects.bulk_create(
            _legal_cases(rng, main + others, people, actors, legal_needed, today), batch_size=5000
        )
    written = {code: len(run_reminder_rule(code, today=today)) for code in
               ("assistance.reverification_due", "assistance.waiting_too_long", "assistance.problem_overdue")}
    households = len({v.file_id for v in visits})
    solved = sum(1 for p in problems if p.status == "solved")
    ctx.facts["assistance"] = {"files": existing + len(plans), "records": len(records), "households_visited": households,
                               "problems_solved": solved, "legal_cases": legal_needed}
    ctx.say(f"  assistance: {len(plans)} files, {len(records)} records, {len(visits)} visits to {households} "
            f"households ({len(problems)} problems, {solved} solved), {legal_needed} legal aid cases, "
            f"{sum(written.values())} reminders")

