"""Every read of events, registrations, hazards and the registries: from the user's scope.

Scope rule: an event, its registrations, check-ins, figures and photos are visible through
the event's organizer; a hazard through the union that recorded it. The lecturer and venue
registries are read through their keeping organization *and its ancestors*: a branch picks
the city's model-worker lecturers and the workers' cultural palace, but edits only what its
own subtree keeps.

Figures for the dashboard and reports (issue 18 item 7), per scope and period — each takes
`actor` and a `Period` and reads only through the scope:

- `audience_by_kind_and_month(actor=, period=)`  events held and audience on site + online
- `outreach_totals(actor=, period=)`  lectures, model-worker lectures, live streams, Party
  lessons, legal lectures and their attendees, job fairs and hires
- `training_totals(actor=, period=)`  safety trainings, sessions and trainees
- `hazard_totals(actor=, period=)`  hazards found / rectified / verified / overdue
- `statistics_by_county(actor=, period=)`  the same per county
- `statistics_page(actor=, period=)`  all of these for the statistics page, in four queries
"""

import calendar
import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, ExtractMonth, NullIf, RowNumber, TruncDate, TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.employers.selectors import employers_visible_to
from apps.organizations.models import Organization
from apps.organizations.scope import get_visible_or_404, scope_queryset, scope_root_path, visible_organizations

from .choices import EventKind, EventStatus, HazardState, Mode
from .models import CalendarFeed, Event, EventPhoto, Hazard, Lecturer, Registration, TrainingFigure, Venue

# --- events ---------------------------------------------------------------------------------


def events_visible_to(user, *, ids_first: bool = False) -> QuerySet[Event]:
    """The events of the user's scope; `ids_first` for a date range read whole (the calendar,
    the figures of a period): scope_queryset's ids_first. A list's first page walks the date
    index instead, testing each row's organization, and stops at the page."""
    return scope_queryset(Event.objects.all(), user, ids_first=ids_first)


@dataclass(frozen=True)
class EventFilters:
    kind: str = ""
    status: str = ""
    mode: str = ""
    organization: Organization | None = None
    q: str = ""
    year: int | None = None
    month: int | None = None
    county: Organization | None = None
    stream_only: bool = False
    model_worker: bool = False
    start: datetime.date | None = None  # from … to … (local dates, both included): the dashboard's period
    end: datetime.date | None = None


def _model_worker_speaker():
    return Exists(Event.speakers.through.objects.filter(event_id=OuterRef("pk"), lecturer__is_model_worker=True))


def event_list(*, actor, filters: EventFilters = EventFilters()) -> QuerySet[Event]:
    events = events_visible_to(actor).select_related("organization", "venue")
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.status:
        events = events.filter(status=filters.status)
    if filters.mode:
        events = events.filter(mode=filters.mode)
    if filters.stream_only:
        events = events.filter(STREAMED)
    if filters.model_worker:
        events = events.filter(_model_worker_speaker())
    if filters.organization is not None:
        events = events.filter(organization__path__startswith=filters.organization.path)
    if filters.county is not None:
        events = events.filter(organization__county=filters.county)
    if filters.year:
        start, end = Period(filters.year, filters.month).bounds()
        events = events.filter(starts_at__gte=start, starts_at__lt=end)
    if filters.start and filters.end:
        events = events.filter(starts_at__gte=local_midnight(filters.start),
                               starts_at__lt=local_midnight(filters.end + datetime.timedelta(days=1)))
    if filters.q:
        events = events.filter(title__icontains=filters.q)
    return events.order_by("-starts_at", "-id")


def event_detail(*, actor, pk: int) -> Event:
    return get_visible_or_404(
        Event.objects.select_related("organization", "venue", "created_by", "held_recorded_by").prefetch_related(
            "speakers", Prefetch("photos", queryset=EventPhoto.objects.order_by("id")),
            Prefetch("training_figures", queryset=TrainingFigure.objects.select_related("employer")),
        ),
        actor, pk=pk,
    )


def event_for_change(*, actor, pk: int) -> Event:
    """The event to change, locked: the caller is inside a transaction."""
    return get_visible_or_404(Event.objects.select_for_update(of=("self",)), actor, pk=pk)


def checkin_event(*, pk: int) -> Event | None:
    """The event a public check-in link names (the token decides whether it may be used)."""
    return Event.objects.filter(pk=pk).only("id", "title", "starts_at", "ends_at", "status", "place",
                                            "venue__name").select_related("venue").first()


def registrations_of(*, event: Event) -> QuerySet[Registration]:
    return event.registrations.select_related("checkin").order_by("name", "id")


def photo_detail(*, actor, pk: int) -> EventPhoto:
    return get_visible_or_404(EventPhoto.objects.select_related("event"), actor, via="event__organization", pk=pk)


def job_fair_of(event: Event):
    try:
        return event.job_fair
    except Event.job_fair.RelatedObjectDoesNotExist:
        return None


# --- calendar -------------------------------------------------------------------------------


def events_between(*, actor, start: datetime.datetime, end: datetime.datetime) -> list[Event]:
    """Events overlapping [start, end), for the calendar grid and the feed."""
    return list(
        events_visible_to(actor, ids_first=True).filter(starts_at__lt=end, ends_at__gt=start).select_related("venue")
        .only("id", "title", "kind", "status", "starts_at", "ends_at", "place", "venue__name", "organization_id")
        .order_by("starts_at", "id")[:500]
    )


def month_cells(*, actor, start: datetime.datetime, end: datetime.datetime, per_day: int
                ) -> tuple[list[Event], dict[datetime.date, int]]:
    """The first `per_day` events starting on each day of [start, end) and how many start on each
    day: one query whatever the month holds (a city month, about 2,000 events) — each day's
    count is a window over the same rows, carried by the day's first events."""
    tz = timezone.get_current_timezone()
    day = TruncDate("starts_at", tzinfo=tz)
    first = list(
        events_visible_to(actor, ids_first=True).filter(starts_at__gte=start, starts_at__lt=end)
        .annotate(day=day, rank=Window(RowNumber(), partition_by=[day], order_by=[F("starts_at"), F("id")]),
                  day_total=Window(Count("id"), partition_by=[day]))
        .filter(rank__lte=per_day)
        .only("id", "title", "kind", "status", "starts_at", "ends_at", "organization_id")
        .order_by("starts_at", "id")
    )
    return first, {event.day: event.day_total for event in first}


def feed_events(*, user) -> list[Event]:
    """What a user's calendar feed carries: their scope's events from 60 days back on."""
    since = timezone.now() - datetime.timedelta(days=60)
    return list(
        events_visible_to(user).filter(ends_at__gte=since).select_related("venue", "organization")
        .order_by("starts_at", "id")[:1000]
    )


def feed_by_token(token: str) -> CalendarFeed | None:
    if not token or len(token) > 64:
        return None
    return CalendarFeed.objects.select_related("user", "user__organization").filter(token=token).first()


def feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


# --- registries -----------------------------------------------------------------------------


def _ancestor_paths(user) -> list[str]:
    root = scope_root_path(user)
    if not root:
        return []
    parts = [p for p in root.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def _registry(queryset: QuerySet, user) -> QuerySet:
    root = scope_root_path(user)
    if root is None:
        return queryset.none()
    if root == "":
        return queryset
    return queryset.filter(Q(organization__path__startswith=root) | Q(organization__path__in=_ancestor_paths(user)))


def lecturers_usable_by(user) -> QuerySet[Lecturer]:
    return _registry(Lecturer.objects.all(), user)


def venues_usable_by(user) -> QuerySet[Venue]:
    return _registry(Venue.objects.all(), user)


def lecturer_list(*, actor, q: str = "") -> QuerySet[Lecturer]:
    lecturers = lecturers_usable_by(actor).select_related("organization").prefetch_related("talks").annotate(
        event_count=Count("events", filter=Q(events__status=EventStatus.HELD))
    )
    if q:
        lecturers = lecturers.filter(Q(name__icontains=q) | Q(group__icontains=q))
    return lecturers.order_by("group", "name", "id")


def lecturer_detail(*, actor, pk: int) -> Lecturer:
    return get_object_or_404(lecturers_usable_by(actor).select_related("organization").prefetch_related("talks"),
                             pk=pk)


def lecturer_events(*, actor, lecturer: Lecturer) -> QuerySet[Event]:
    """The events the lecturer spoke at, as far as the actor's scope sees them."""
    return events_visible_to(actor).filter(speakers=lecturer).select_related("organization").order_by("-starts_at")[
        :100
    ]


def lecturer_for_change(*, actor, pk: int) -> Lecturer:
    return get_visible_or_404(Lecturer.objects.all(), actor, pk=pk)


def venue_list(*, actor) -> QuerySet[Venue]:
    return venues_usable_by(actor).select_related("organization").order_by("name", "id")


def venue_for_change(*, actor, pk: int) -> Venue:
    return get_visible_or_404(Venue.objects.all(), actor, pk=pk)


# --- hazards --------------------------------------------------------------------------------


def hazards_visible_to(user, *, ids_first: bool = False) -> QuerySet[Hazard]:
    """The hazards of the user's scope; `ids_first` as for events_visible_to (figures over a period)."""
    return scope_queryset(Hazard.objects.all(), user, ids_first=ids_first)


@dataclass(frozen=True)
class HazardFilters:
    state: str = ""
    severity: str = ""
    organization: Organization | None = None
    q: str = ""
    year: int | None = None
    county: Organization | None = None
    month: int | None = None  # of the year
    rectified: bool = False  # rectified, verified or not (the dashboard's figure)
    start: datetime.date | None = None  # found from … to … (both included): the dashboard's period
    end: datetime.date | None = None


def hazard_state_filter(state: str, today: datetime.date) -> Q:
    return {
        HazardState.OPEN: Q(rectified_on__isnull=True, deadline__gte=today),
        HazardState.OVERDUE: Q(rectified_on__isnull=True, deadline__lt=today),
        HazardState.RECTIFIED: Q(rectified_on__isnull=False, verified_on__isnull=True),
        HazardState.VERIFIED: Q(verified_on__isnull=False),
    }.get(state, Q())


def hazard_list(*, actor, filters: HazardFilters = HazardFilters()) -> QuerySet[Hazard]:
    hazards = hazards_visible_to(actor).select_related("organization", "employer", "verified_by")
    if filters.state:
        hazards = hazards.filter(hazard_state_filter(filters.state, timezone.localdate()))
    if filters.severity:
        hazards = hazards.filter(severity=filters.severity)
    if filters.organization is not None:
        hazards = hazards.filter(organization__path__startswith=filters.organization.path)
    if filters.county is not None:
        hazards = hazards.filter(organization__county=filters.county)
    if filters.year:
        start, end = Period(filters.year, filters.month).date_bounds()
        hazards = hazards.filter(found_on__gte=start, found_on__lt=end)
    if filters.rectified:
        hazards = hazards.filter(rectified_on__isnull=False)
    if filters.start and filters.end:
        hazards = hazards.filter(found_on__range=(filters.start, filters.end))
    if filters.q:
        hazards = hazards.filter(Q(place__icontains=filters.q) | Q(employer__name__icontains=filters.q)
                                 | Q(description__icontains=filters.q))
    return hazards.order_by("-found_on", "-id")


def hazard_detail(*, actor, pk: int) -> Hazard:
    return get_visible_or_404(Hazard.objects.select_related("organization", "employer", "event", "recorded_by",
                                                            "verified_by"), actor, pk=pk)


def hazard_for_change(*, actor, pk: int) -> Hazard:
    return get_visible_or_404(Hazard.objects.select_for_update(of=("self",)), actor, pk=pk)


def employers_for_hazards(user):
    return employers_visible_to(user)


def visible_organization_by_code(user, code: str) -> Organization | None:
    return visible_organizations(user).filter(code=code).first()


# --- figures for the statistics page, the dashboard and reports ------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar year, or one month of it, in Asia/Shanghai."""

    year: int
    month: int | None = None

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        tz = timezone.get_current_timezone()
        if self.month:
            start = datetime.datetime(self.year, self.month, 1, tzinfo=tz)
            end = datetime.datetime(self.year + (self.month == 12), self.month % 12 + 1, 1, tzinfo=tz)
        else:
            start = datetime.datetime(self.year, 1, 1, tzinfo=tz)
            end = datetime.datetime(self.year + 1, 1, 1, tzinfo=tz)
        return start, end

    def date_bounds(self) -> tuple[datetime.date, datetime.date]:
        start, end = self.bounds()
        return start.date(), end.date()


def _within(queryset: QuerySet, organization: Organization | None) -> QuerySet:
    """Rows of `organization`'s subtree (as the lists' `org` filter), or every row in scope."""
    if organization is None:
        return queryset
    return queryset.filter(organization__path__startswith=organization.path)


def _held(actor, period: Period, organization: Organization | None = None) -> QuerySet[Event]:
    start, end = period.bounds()
    return _within(events_visible_to(actor, ids_first=True), organization).filter(
        status=EventStatus.HELD, starts_at__gte=start, starts_at__lt=end)


# Audience on site: the check-ins where used, else the organizer's figure (Event.attendance).
# A live stream (网络直播) is an event broadcast online: held online or both ways, any kind but a
# job fair — an online job fair is a recruiting platform, not a broadcast (the reference year's
# 25 live streams sit beside its lectures; its online job fairs are counted as job fairs).
STREAMED = Q(mode__in=[Mode.ONLINE, Mode.HYBRID]) & ~Q(kind=EventKind.JOB_FAIR)
ON_SITE = Coalesce(NullIf(F("checkin_count"), Value(0)), F("reported_attendance"), Value(0))
ONLINE = Coalesce(F("online_views"), Value(0))


def audience_by_kind_and_month(*, actor, period: Period, organization: Organization | None = None) -> list[dict]:
    """[{kind, month, events, on_site, online}] of the events held in the period."""
    rows = (
        _held(actor, period, organization).annotate(month=ExtractMonth("starts_at")).values("kind", "month")
        .annotate(events=Count("id"), on_site=Sum(ON_SITE), online=Sum(ONLINE)).order_by("month", "kind")
    )
    return list(rows)


def outreach_totals(*, actor, period: Period, organization: Organization | None = None) -> dict:
    """Lectures (宣讲), model-worker lectures, live streams, Party lessons, legal lectures with
    their attendees, job fairs with their hires, and every event held with its audience."""
    held = _held(actor, period, organization)
    lecture = Q(kind=EventKind.LECTURE)
    # An IN over the model workers' lecture ids (one hashed subplan), not an EXISTS per event:
    by_model_worker = Q(pk__in=Event.speakers.through.objects.filter(lecturer__is_model_worker=True).values("event_id"))
    totals = held.aggregate(
        events=Count("id"),
        on_site=Coalesce(Sum(ON_SITE), 0), online=Coalesce(Sum(ONLINE), 0),
        lectures=Count("id", filter=lecture), lecture_audience=Coalesce(Sum(ON_SITE + ONLINE, filter=lecture), 0),
        model_worker_lectures=Count("id", filter=lecture & by_model_worker),
        live_streams=Count("id", filter=STREAMED), live_stream_views=Coalesce(Sum(ONLINE, filter=STREAMED), 0),
        party_lessons=Count("id", filter=Q(kind=EventKind.PARTY_LESSON)),
        legal_lectures=Count("id", filter=Q(kind=EventKind.LEGAL_LECTURE)),
        legal_attendees=Coalesce(Sum(ON_SITE + ONLINE, filter=Q(kind=EventKind.LEGAL_LECTURE)), 0),
        job_fairs=Count("id", filter=Q(kind=EventKind.JOB_FAIR)),
        job_fair_hires=Coalesce(Sum("job_fair__hires", filter=Q(kind=EventKind.JOB_FAIR)), 0),
        job_fair_applicants=Coalesce(Sum("job_fair__applicants", filter=Q(kind=EventKind.JOB_FAIR)), 0),
    )
    return totals


def training_totals(*, actor, period: Period, organization: Organization | None = None) -> dict:
    """Safety trainings held in the period, their sessions and trainees (per-employer counts summed)."""
    # One query: the join repeats a training per employer, so trainings count distinct events.
    return _held(actor, period, organization).filter(kind=EventKind.SAFETY_TRAINING).aggregate(
        trainings=Count("id", distinct=True), sessions=Coalesce(Sum("training_figures__sessions"), 0),
        trainees=Coalesce(Sum("training_figures__trainees"), 0))


def hazard_totals(*, actor, period: Period, today: datetime.date | None = None,
                  organization: Organization | None = None) -> dict:
    """Hazards found in the period, how many are rectified, verified, and overdue today."""
    today = today or timezone.localdate()
    start, end = period.date_bounds()
    return _within(hazards_visible_to(actor, ids_first=True), organization).filter(found_on__gte=start, found_on__lt=end).aggregate(
        found=Count("id"), rectified=Count("id", filter=Q(rectified_on__isnull=False)),
        verified=Count("id", filter=Q(verified_on__isnull=False)),
        overdue=Count("id", filter=Q(rectified_on__isnull=True, deadline__lt=today)),
        major=Count("id", filter=Q(severity="major")),
    )


def hazards_by_month(*, actor, period: Period, organization: Organization | None = None,
                     today: datetime.date | None = None) -> dict[int, dict]:
    """{month: {"found": n, "rectified": n, "overdue": n}}: hazards found in each month of the
    period, and how many of those are rectified and overdue today (as hazard_totals counts
    them; their sums are its figures), one query."""
    today = today or timezone.localdate()
    start, end = period.date_bounds()
    rows = (_within(hazards_visible_to(actor, ids_first=True), organization).filter(found_on__gte=start, found_on__lt=end)
            .annotate(month=ExtractMonth("found_on")).values("month")
            .annotate(found=Count("id"), rectified=Count("id", filter=Q(rectified_on__isnull=False)),
                      overdue=Count("id", filter=Q(rectified_on__isnull=True, deadline__lt=today))).order_by())
    return {r.pop("month"): r for r in rows}


def statistics_by_county(*, actor, period: Period, today: datetime.date | None = None) -> list[dict]:
    """One row per county (the organizer's or recording union's county) with every figure;
    a figure recorded at the city itself falls in the row without a county."""
    return statistics_page(actor=actor, period=period, today=today)["rows"]


def statistics_page(*, actor, period: Period, today: datetime.date | None = None) -> dict:
    """Every figure of the statistics page in four queries whatever the data size: the events
    held grouped by county and kind (the per-county rows, outreach_totals and the audience per
    kind are sums of these groups; no month, whose time-zone conversion per row was a third of
    the query), the training figures per county, the
    hazards per county (the totals are the rows' sums, as training_totals and hazard_totals
    count them), and the counties' names and codes. At city scale each of the three grouped
    queries is one scan of its table; the page read each table two or three times before.

    Returns {"rows": [per county], "outreach": {as outreach_totals}, "training": {as
    training_totals}, "hazards": {as hazard_totals}, "by_kind": [{kind, events, on_site,
    online}: audience_by_kind_and_month summed over the months]}."""
    today = today or timezone.localdate()
    start, end = period.bounds()
    rows: dict = {}

    def row(county_id):
        return rows.setdefault(county_id, {"county_id": county_id, "events": 0, "on_site": 0, "online": 0,
                                           "trainings": 0, "sessions": 0, "trainees": 0, "hires": 0,
                                           "found": 0, "rectified": 0, "verified": 0, "overdue": 0, "major": 0})

    # An IN over the model workers' lecture ids (one hashed subplan), not an EXISTS per event:
    by_model_worker = Q(pk__in=Event.speakers.through.objects.filter(lecturer__is_model_worker=True).values("event_id"))
    groups = list(
        _held(actor, period).values("organization__county", "kind")
        .annotate(events=Count("id"), on_site=Coalesce(Sum(ON_SITE), 0), online=Coalesce(Sum(ONLINE), 0),
                  streams=Count("id", filter=STREAMED), stream_views=Coalesce(Sum(ONLINE, filter=STREAMED), 0),
                  model_worker=Count("id", filter=by_model_worker),
                  hires=Coalesce(Sum("job_fair__hires"), 0), applicants=Coalesce(Sum("job_fair__applicants"), 0))
        .order_by()
    )
    outreach = dict.fromkeys(("events", "on_site", "online", "lectures", "lecture_audience", "model_worker_lectures",
                              "live_streams", "live_stream_views", "party_lessons", "legal_lectures",
                              "legal_attendees", "job_fairs", "job_fair_hires", "job_fair_applicants"), 0)
    by_kind: dict = {}
    for g in groups:
        county = row(g["organization__county"])
        for f in ("events", "on_site", "online", "hires"):
            county[f] += g[f]
        kind, audience = g["kind"], g["on_site"] + g["online"]
        if kind == EventKind.SAFETY_TRAINING:
            county["trainings"] += g["events"]
        for f in ("events", "on_site", "online"):
            outreach[f] += g[f]
        outreach["live_streams"] += g["streams"]
        outreach["live_stream_views"] += g["stream_views"]
        if kind == EventKind.LECTURE:
            outreach["lectures"] += g["events"]
            outreach["lecture_audience"] += audience
            outreach["model_worker_lectures"] += g["model_worker"]
        elif kind == EventKind.PARTY_LESSON:
            outreach["party_lessons"] += g["events"]
        elif kind == EventKind.LEGAL_LECTURE:
            outreach["legal_lectures"] += g["events"]
            outreach["legal_attendees"] += audience
        elif kind == EventKind.JOB_FAIR:
            outreach["job_fairs"] += g["events"]
            outreach["job_fair_hires"] += g["hires"]
            outreach["job_fair_applicants"] += g["applicants"]
        cell = by_kind.setdefault(kind, {"kind": kind, "events": 0, "on_site": 0, "online": 0})
        for f in ("events", "on_site", "online"):
            cell[f] += g[f]

    # Scoped through the event's organizer: one join chain, not a second scan of the events.
    figures = scope_queryset(TrainingFigure.objects.all(), actor, via="event__organization", ids_first=True).filter(
        event__status=EventStatus.HELD, event__kind=EventKind.SAFETY_TRAINING, event__starts_at__gte=start,
        event__starts_at__lt=end)
    for r in figures.values("event__organization__county").annotate(sessions=Sum("sessions"),
                                                                    trainees=Sum("trainees")).order_by():
        county = row(r.pop("event__organization__county"))
        county["sessions"] += r["sessions"]
        county["trainees"] += r["trainees"]

    first, last = period.date_bounds()
    for r in hazards_visible_to(actor, ids_first=True).filter(found_on__gte=first, found_on__lt=last).values(
        "organization__county"
    ).annotate(found=Count("id"), rectified=Count("id", filter=Q(rectified_on__isnull=False)),
               verified=Count("id", filter=Q(verified_on__isnull=False)),
               overdue=Count("id", filter=Q(rectified_on__isnull=True, deadline__lt=today)),
               major=Count("id", filter=Q(severity="major"))).order_by():
        row(r.pop("organization__county")).update(r)

    counties = {pk: (name, code) for pk, name, code in Organization.objects.filter(
        pk__in=[k for k in rows if k]).order_by().values_list("pk", "name", "code")}
    out = []
    for county_id, values in rows.items():
        values["county_name"], values["county_code"] = counties.get(county_id, ("", ""))
        out.append(values)
    out.sort(key=lambda r: (r["county_code"] == "", r["county_code"]))
    training = {"trainings": sum(r["trainings"] for r in out), "sessions": sum(r["sessions"] for r in out),
                "trainees": sum(r["trainees"] for r in out)}
    hazards = {f: sum(r[f] for r in out) for f in ("found", "rectified", "verified", "overdue", "major")}
    return {"rows": out, "outreach": outreach, "training": training, "hazards": hazards,
            "by_kind": sorted(by_kind.values(), key=lambda c: c["kind"])}


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


def _period_index(field: str, periods, to_bound) -> Case:
    return Case(*(When(**{f"{field}__gte": to_bound(a), f"{field}__lt": to_bound(b + datetime.timedelta(days=1))},
                       then=Value(i)) for i, (a, b) in enumerate(periods)), output_field=IntegerField())


def dashboard_figures(*, actor, periods, organization: Organization | None = None,
                      today: datetime.date | None = None) -> dict:
    """The dashboard's events and safety figures for each of `periods` ((first, last) local
    dates, both included), in one query (a UNION ALL):
    {"months": {(period, first of month): {events, on_site, online, lectures,
    model_worker_lectures, live_streams, legal_lectures, legal_attendees, found, rectified,
    overdue}}, "totals": [the same summed per period, with trainings and trainees]}.
    Counted as outreach_totals, training_totals and hazard_totals count them (held events by
    their start, hazards by the day found, overdue today), over `organization`'s subtree."""
    today = today or timezone.localdate()
    events = _within(events_visible_to(actor, ids_first=True), organization).filter(status=EventStatus.HELD)
    hazards = _within(hazards_visible_to(actor, ids_first=True), organization)
    event_in = reduce(or_, (Q(starts_at__gte=local_midnight(a), starts_at__lt=local_midnight(b + datetime.timedelta(
        days=1))) for a, b in periods))
    hazard_in = reduce(or_, (Q(found_on__range=p) for p in periods))
    event_period = _period_index("starts_at", periods, local_midnight)
    hazard_period = _period_index("found_on", periods, lambda d: d)
    lecture = Q(kind=EventKind.LECTURE)
    legal = Q(kind=EventKind.LEGAL_LECTURE)
    by_model_worker = Q(pk__in=Event.speakers.through.objects.filter(lecturer__is_model_worker=True).values("event_id"))
    zero = Value(0, output_field=IntegerField())
    no_month = Cast(Value(None), DateField())
    names = ("events", "on_site", "online", "lectures", "model_worker_lectures", "live_streams", "legal_lectures",
             "legal_attendees")
    event_rows = events.filter(event_in).order_by().annotate(
        tag=Value("events"), period=event_period,
        month=Cast(TruncMonth("starts_at"), DateField())).values("tag", "period", "month").annotate(
        v0=Count("id"), v1=Coalesce(Sum(ON_SITE), 0), v2=Coalesce(Sum(ONLINE), 0), v3=Count("id", filter=lecture),
        v4=Count("id", filter=lecture & by_model_worker),
        v5=Count("id", filter=STREAMED), v6=Count("id", filter=legal),
        v7=Coalesce(Sum(ON_SITE + ONLINE, filter=legal), 0)).values_list(
        "tag", "period", "month", *(f"v{i}" for i in range(8)))
    # Trainings apart: the join repeats a training per employer.
    training_rows = events.filter(event_in, kind=EventKind.SAFETY_TRAINING).order_by().annotate(
        tag=Value("trainings"), period=event_period, month=no_month).values("tag", "period", "month").annotate(
        v0=Count("id", distinct=True), v1=Coalesce(Sum("training_figures__trainees"), 0),
        **{f"v{i}": zero for i in range(2, 8)}).values_list("tag", "period", "month", *(f"v{i}" for i in range(8)))
    hazard_rows = hazards.filter(hazard_in).order_by().annotate(
        tag=Value("hazards"), period=hazard_period, month=Cast(TruncMonth("found_on"), DateField())).values(
        "tag", "period", "month").annotate(
        v0=Count("id"), v1=Count("id", filter=Q(rectified_on__isnull=False)),
        v2=Count("id", filter=Q(rectified_on__isnull=True, deadline__lt=today)),
        **{f"v{i}": zero for i in range(3, 8)}).values_list("tag", "period", "month", *(f"v{i}" for i in range(8)))
    blank = dict.fromkeys((*names, "found", "rectified", "overdue", "trainings", "trainees"), 0)
    months: dict = {}
    totals = [dict(blank) for _p in periods]
    for tag, period, month, *values in event_rows.union(training_rows, hazard_rows, all=True):
        keys = {"events": names, "trainings": ("trainings", "trainees"),
                "hazards": ("found", "rectified", "overdue")}[tag]
        found = dict(zip(keys, values, strict=False))
        if month is not None:
            cell = months.setdefault((period, month), dict(blank))
            for key, n in found.items():
                cell[key] += n
        for key, n in found.items():
            totals[period][key] += n
    return {"months": months, "totals": totals}


def counties_for(actor) -> QuerySet[Organization]:
    return visible_organizations(actor).filter(kind=Organization.Kind.COUNTY_FEDERATION).order_by("code")


# --- for the start page ---------------------------------------------------------------------


def start_page_counts(*, actor, days: int = 30) -> dict[str, int]:
    """The start page's events card in two queries: planned events in the next `days`, events over
    without a report (still planned), hazards past their deadline."""
    now = timezone.now()
    counts = events_visible_to(actor).filter(status=EventStatus.PLANNED).aggregate(
        upcoming=Count("id", filter=Q(starts_at__gte=now, starts_at__lt=now + datetime.timedelta(days=days))),
        report_missing=Count("id", filter=Q(ends_at__lt=now)),
    )
    return {**counts, "overdue_hazards": overdue_hazard_count(actor=actor)}


def upcoming_event_count(*, actor, days: int = 30) -> int:
    now = timezone.now()
    return events_visible_to(actor).filter(status=EventStatus.PLANNED, starts_at__gte=now,
                                           starts_at__lt=now + datetime.timedelta(days=days)).count()


def report_missing_count(*, actor) -> int:
    return events_visible_to(actor).filter(status=EventStatus.PLANNED, ends_at__lt=timezone.now()).count()


def overdue_hazard_count(*, actor) -> int:
    return hazards_visible_to(actor).filter(rectified_on__isnull=True, deadline__lt=timezone.localdate()).count()


def month_grid(year: int, month: int) -> list[list[datetime.date]]:
    """The weeks (Monday first) covering the month, as dates."""
    return calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
