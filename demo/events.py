"""Demo outreach events, trainings, job fairs and the hazard register: `seed_demo` step (after
accounts; issue 18 item 8).

small: a few of each kind around the demo users — lectures of the 沂蒙劳模宣讲团 at the
workers' cultural palace, a Party lesson, a legal lecture, safety trainings with per-employer
counts, a job fair, a culture activity, some held with reports and check-ins, some planned
(one tomorrow, one open for check-in now), one over without a report — and two dozen hazards,
a few overdue.
city: the reference year (demo/reference_year.py), every count exact — 532 lectures with
1,120,000 listeners (on site and 25 live streams' 250,000 views), 167 of them by model
workers, 50 legal lectures with 10,000 workers, 20,400 safety trainings with 410,000 trainees,
82,000 hazards found and all rectified, and 40 job fairs on site — written through bulk_create.

Idempotent: when the demo's lecture group is there, the step has run and writes nothing.
Deterministic from ctx.rng.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.employers.models import Employer
from apps.events.choices import EventKind, EventStatus, Mode, Severity, TargetGroup
from apps.events.models import (
    CheckIn,
    Event,
    Hazard,
    JobFairFigure,
    Lecturer,
    Registration,
    Talk,
    TrainingFigure,
    Venue,
)
from apps.notifications.reminders import run_reminder_rule
from apps.organizations.models import Organization
from demo.accounts import DEMO_COUNTY

from . import reference_year
from .reference_year import exact_split, scaled

GROUP = "沂蒙劳模宣讲团"
YEAR = reference_year.YEAR
BATCH = 5000
LECTURERS = [("王传喜", "全国劳动模范"), ("朱呈镕", "全国五一劳动奖章获得者"), ("林凡儒", "山东省劳动模范"),
             ("高纪明", "齐鲁大工匠"), ("孙晓燕", "全国三八红旗手"), ("张明", "临沂市劳动模范")]
TALKS = ["弘扬劳模精神 争做时代先锋", "工匠精神与岗位建功", "沂蒙精神代代传", "新时代产业工人队伍建设",
         "安全生产 人人有责", "职工权益与劳动法"]
VENUES = [("临沂市工人文化宫", "兰山区沂蒙路", 800), ("兰山区职工服务中心", "兰山区金雀山路", 200),
          ("罗庄区职工之家", "罗庄区罗庄街道", 150)]
TITLES = {
    EventKind.LECTURE: ["劳模工匠进企业宣讲", "沂蒙精神宣讲报告会", "学习贯彻工会十八大精神宣讲"],
    EventKind.PARTY_LESSON: ["七一专题党课", "工会干部廉政党课"],
    EventKind.SPEECH_CONTEST: ["我的岗位我的梦 演讲比赛"],
    EventKind.LEGAL_LECTURE: ["劳动合同法普法讲座", "新就业形态劳动者权益保障讲座"],
    EventKind.SAFETY_TRAINING: ["查保促安全生产培训", "有限空间作业安全培训", "消防安全培训"],
    EventKind.JOB_FAIR: ["春风行动招聘会", "就业援助月网络招聘会"],
    EventKind.CULTURE: ["职工文化艺术节", "送文化进基层"],
}
HAZARD_PLACES = ["配电室", "仓库", "一号车间", "消防通道", "锅炉房", "食堂后厨", "危化品库", "楼梯间"]
HAZARD_WORDS = ["灭火器过期", "消防通道堆放杂物", "电缆裸露老化", "安全出口指示灯损坏", "未设置防护栏",
                "危化品未分类存放", "应急照明失效", "特种作业人员无证上岗"]


def _tz(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def seed(ctx) -> None:
    if Lecturer.objects.filter(group=GROUP).exists():
        ctx.say("  events: already seeded")
        return
    rng = random.Random(ctx.rng.getrandbits(64))
    facts = ctx.facts["organizations"]
    city = Organization.objects.get(code=facts["city"])
    county = Organization.objects.get(code=DEMO_COUNTY)
    staff = User.objects.get(username="city_staff")
    branch_user = User.objects.get(username="branch_officer")
    with transaction.atomic():
        lecturers, venues = _registries(rng, city, county, staff)
        if ctx.scale == "city":
            made = _city(rng, facts, lecturers, venues, staff, getattr(ctx, "fraction", 1.0))
        else:
            made = _small(rng, facts, county, branch_user, lecturers, venues, staff)
    for code in ("events.registrants_day_before", "events.report_missing", "events.hazard_overdue"):
        run_reminder_rule(code)
    ctx.say(f"  events: {made['events']} events, {made['hazards']} hazards")


def _registries(rng, city, county, staff):
    lecturers = []
    for name, title in LECTURERS:
        lecturer = Lecturer.objects.create(organization=city, name=name, group=GROUP, title=title,
                                           is_model_worker="劳动" in title or "工匠" in title)
        Talk.objects.bulk_create(Talk(lecturer=lecturer, title=t) for t in rng.sample(TALKS, 2))
        lecturers.append(lecturer)
    lecturers.append(Lecturer.objects.create(organization=county, name="赵律师", group="兰山区职工法律服务团",
                                             title="职工维权律师"))
    venues = [Venue.objects.create(organization=city if i == 0 else county, name=n, address=a, capacity=c)
              for i, (n, a, c) in enumerate(VENUES)]
    return lecturers, venues


def _unions(facts, county_code=None) -> list[Organization]:
    codes = facts["unions_by_county"][county_code] if county_code else [
        c for codes in facts["unions_by_county"].values() for c in codes]
    return list(Organization.objects.filter(code__in=codes).only("id", "path", "county_id"))


def _event(kind, org, when, staff, rng, *, held, venue=None, hours=2, mode=Mode.OFFLINE, audience=0, views=None,
           title=None):
    return Event(
        kind=kind, title=title or rng.choice(TITLES.get(kind, ["工会活动"])), organization=org, venue=venue,
        place="" if venue else "单位会议室", mode=mode, target_group=rng.choice([c for c, _l in TargetGroup.choices]),
        starts_at=when, ends_at=when + datetime.timedelta(hours=hours),
        expected_attendance=audience or None, reported_attendance=audience if held else None,
        online_views=views, status=EventStatus.HELD if held else EventStatus.PLANNED,
        report="活动按计划举办，职工反响良好。" if held else "", created_by=staff,
        held_recorded_by=staff if held else None,
    )


def _small(rng, facts, county, branch_user, lecturers, venues, staff):
    today = timezone.localdate()
    branch = branch_user.organization
    unions = [branch] + [u for u in _unions(facts, DEMO_COUNTY) if u.pk != branch.pk][:8]
    events = []
    kinds = [k for k in TITLES]
    for i in range(36):
        kind = kinds[i % len(kinds)]
        day = today - datetime.timedelta(days=rng.randint(3, 150)) if i < 26 else today + datetime.timedelta(
            days=rng.randint(2, 40))
        org = (branch, county, unions[1 + i % (len(unions) - 1)] if len(unions) > 1 else branch)[i % 3]
        mode = Mode.HYBRID if i % 7 == 0 else (Mode.ONLINE if kind == EventKind.JOB_FAIR and i % 2 else Mode.OFFLINE)
        events.append(_event(kind, org, _tz(day, 9 + i % 6), staff, rng, held=i < 26,
                             venue=venues[i % len(venues)] if i % 2 == 0 else None, mode=mode,
                             audience=rng.randint(30, 400), views=rng.randint(500, 20000) if mode != Mode.OFFLINE
                             else None))
    # for the demo users: one tomorrow with registrations, one on now (check-in open), one over without a report
    now = timezone.now()
    tomorrow = _event(EventKind.LECTURE, branch, _tz(today + datetime.timedelta(days=1), 14), branch_user, rng,
                      held=False, venue=venues[0], audience=120, title="劳模工匠进企业宣讲（明日）")
    on_now = _event(EventKind.SAFETY_TRAINING, branch, now - datetime.timedelta(minutes=30), branch_user, rng,
                    held=False, hours=3, audience=40, title="查保促安全生产培训（进行中）")
    missing = _event(EventKind.LEGAL_LECTURE, branch, _tz(today - datetime.timedelta(days=2), 9), branch_user, rng,
                     held=False, audience=60, title="劳动合同法普法讲座（待填报）")
    events += [tomorrow, on_now, missing]
    Event.objects.bulk_create(events)
    for event in events:
        if event.kind in (EventKind.LECTURE, EventKind.PARTY_LESSON):
            event.speakers.add(*rng.sample(lecturers[:6], 2))
        elif event.kind == EventKind.LEGAL_LECTURE:
            event.speakers.add(lecturers[6])
    employers = list(Employer.objects.filter(county=county).order_by("id").values_list("id", flat=True)[:20])
    for event in events:
        if event.kind == EventKind.SAFETY_TRAINING and event.status == EventStatus.HELD:
            TrainingFigure.objects.bulk_create(
                TrainingFigure(event=event, employer_id=e, sessions=rng.randint(1, 3), trainees=rng.randint(10, 60))
                for e in rng.sample(employers, min(3, len(employers))))
        if event.kind == EventKind.JOB_FAIR and event.status == EventStatus.HELD:
            applicants = rng.randint(200, 900)
            JobFairFigure.objects.create(event=event, employers=rng.randint(20, 80), positions=rng.randint(300, 1500),
                                         applicants=applicants, hires=rng.randint(30, applicants // 3))
    names = ["王芳", "李明", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴敏", "徐娟", "孙浩"]
    for event in (tomorrow, on_now):
        Registration.objects.bulk_create(
            Registration(event=event, name=n, id_last4=f"{rng.randint(0, 9999):04d}", group=branch.name,
                         registered_by=branch_user) for n in names)
    for registration in list(Registration.objects.filter(event=on_now).order_by("id")[:5]):
        CheckIn.objects.create(registration=registration, event=on_now)
    Event.objects.filter(pk=on_now.pk).update(checkin_count=5)
    hazards = []
    for i in range(24):
        found = today - datetime.timedelta(days=rng.randint(5, 120))
        rectified = found + datetime.timedelta(days=rng.randint(2, 20)) if i % 4 else None
        hazards.append(Hazard(
            organization=branch if i % 2 else county, employer_id=employers[i % len(employers)],
            found_on=found, place=f"{HAZARD_PLACES[i % len(HAZARD_PLACES)]}{i}", description=rng.choice(HAZARD_WORDS),
            severity=Severity.MAJOR if i % 6 == 0 else Severity.GENERAL, deadline=found + datetime.timedelta(days=15),
            rectified_on=rectified if rectified and rectified <= today else None,
            rectification="已按要求整改到位" if rectified and rectified <= today else "",
            verified_by=staff if rectified and rectified <= today and i % 3 == 0 else None,
            verified_on=rectified if rectified and rectified <= today and i % 3 == 0 else None,
            recorded_by=branch_user))
    Hazard.objects.bulk_create(hazards)
    return {"events": len(events), "hazards": len(hazards)}


def _city(rng, facts, lecturers, venues, staff, fraction=1.0):
    """The reference year's events and hazards (demo/reference_year.py), every count exact:
    the audiences are split so that they sum to the year's figures."""
    unions = _unions(facts)
    counties = list(Organization.objects.filter(code__in=facts["counties"]))
    start = datetime.date(YEAR, 1, 1)
    n = {name: scaled(getattr(reference_year, name), fraction) for name in (
        "LECTURES", "LECTURE_AUDIENCE", "LIVE_STREAMS", "LIVE_STREAM_VIEWS", "LEGAL_LECTURES", "LEGAL_ATTENDEES",
        "TRAININGS", "TRAINEES", "HAZARDS", "MODEL_WORKER_LECTURES")}

    def day():
        return start + datetime.timedelta(days=rng.randint(0, 333))

    def shares(total, parts):
        return exact_split(total, [rng.uniform(0.5, 1.5) for _ in range(parts)])

    events = []
    # Lectures: the first LIVE_STREAMS also streamed (hybrid); audience = on site + views.
    streams = n["LIVE_STREAMS"]
    views = shares(min(n["LIVE_STREAM_VIEWS"], n["LECTURE_AUDIENCE"] - n["LECTURES"]), streams)
    on_site = shares(n["LECTURE_AUDIENCE"] - sum(views), n["LECTURES"])
    for i in range(n["LECTURES"]):
        stream = i < streams
        events.append(_event(EventKind.LECTURE, rng.choice(counties) if i % 4 == 0 else rng.choice(unions),
                             _tz(day(), 9 + i % 8), staff, rng, held=True, venue=venues[i % 3] if i % 5 == 0 else None,
                             mode=Mode.HYBRID if stream else Mode.OFFLINE, audience=on_site[i],
                             views=views[i] if stream else None))
    for attendees in shares(n["LEGAL_ATTENDEES"], n["LEGAL_LECTURES"]):
        events.append(_event(EventKind.LEGAL_LECTURE, rng.choice(unions), _tz(day(), 14), staff, rng, held=True,
                             audience=attendees))
    # Job fairs on site: "live streams" counts every online or hybrid event held (apps.events
    # outreach_totals), and the reference year's 25 are the lectures streamed.
    for i in range(40 if fraction == 1 else scaled(40, fraction)):
        events.append(_event(EventKind.JOB_FAIR, rng.choice(counties), _tz(day(), 9), staff, rng, held=True,
                             hours=5, audience=rng.randint(800, 3000)))
    for kind in (EventKind.PARTY_LESSON, EventKind.SPEECH_CONTEST, EventKind.CULTURE):
        for i in range(scaled(60, fraction)):
            events.append(_event(kind, rng.choice(unions), _tz(day(), 15), staff, rng, held=True,
                                 audience=rng.randint(40, 500)))
    for i, trainees in enumerate(shares(n["TRAINEES"], n["TRAININGS"])):
        events.append(_event(EventKind.SAFETY_TRAINING, rng.choice(unions), _tz(day(), 8 + i % 9), staff, rng,
                             held=True, audience=trainees))
    Event.objects.bulk_create(events, batch_size=BATCH)
    through = Event.speakers.through
    model_worker = [lecturer for lecturer in lecturers if lecturer.is_model_worker]
    links = []
    lectures = [e for e in events if e.kind == EventKind.LECTURE]
    for i, event in enumerate(lectures):
        by_model_worker = i < n["MODEL_WORKER_LECTURES"]
        speaker = rng.choice(model_worker) if by_model_worker else lecturers[-1 if i % 9 == 0 else rng.randint(0, 5)]
        if not by_model_worker and speaker.is_model_worker:
            continue  # only the reference year's model-worker lectures
        links.append(through(event_id=event.pk, lecturer_id=speaker.pk))
    through.objects.bulk_create(links, batch_size=BATCH)
    employers = list(Employer.objects.values_list("id", flat=True)[:30000])
    TrainingFigure.objects.bulk_create(
        (TrainingFigure(event_id=e.pk, employer_id=rng.choice(employers) if employers else None, sessions=1,
                        trainees=e.reported_attendance) for e in events if e.kind == EventKind.SAFETY_TRAINING),
        batch_size=BATCH, ignore_conflicts=True)
    for e in events:
        if e.kind == EventKind.JOB_FAIR:
            applicants = rng.randint(400, 2000)
            JobFairFigure.objects.create(event_id=e.pk, employers=rng.randint(40, 200),
                                         positions=rng.randint(1000, 6000), applicants=applicants,
                                         hires=rng.randint(100, applicants // 2))
    by_union = {}
    for pk, county_id, union_id in Employer.objects.values_list("id", "county_id", "covering_union_id")[:30000]:
        by_union.setdefault(union_id or county_id, []).append(pk)
    orgs = Organization.objects.in_bulk(list(by_union))
    keys = list(by_union)
    hazards, made = [], 0
    for i in range(n["HAZARDS"]):
        org_id = keys[i % len(keys)]
        found = day()
        rectified = min(found + datetime.timedelta(days=rng.randint(1, 25)), datetime.date(YEAR, 11, 30))
        hazards.append(Hazard(
            organization=orgs[org_id], employer_id=rng.choice(by_union[org_id]), found_on=found,
            place=f"{rng.choice(HAZARD_PLACES)}{i}", description=rng.choice(HAZARD_WORDS),
            severity=Severity.MAJOR if i % 40 == 0 else Severity.GENERAL, deadline=found + datetime.timedelta(days=30),
            rectified_on=rectified, rectification="已整改", verified_by=staff, verified_on=rectified,
            recorded_by=staff))
        if len(hazards) >= BATCH:
            Hazard.objects.bulk_create(hazards)
            made += len(hazards)
            hazards = []
    Hazard.objects.bulk_create(hazards)
    made += len(hazards)
    return {"events": len(events), "hazards": made}
