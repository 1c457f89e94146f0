"""The pages: scope by URL and filter, bounded queries at two sizes, the calendar, the feed,
the QR code, statistics equal to plain SQL, reminders once (issue 18 items 5–7; per the issue)."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from apps.events import selectors, services
from apps.events.choices import EventKind, EventStatus, Mode
from apps.events.models import JobFairFigure, TrainingFigure
from apps.notifications.models import Notification
from apps.notifications.reminders import run_reminder_rule

from .factories import TZ, EventFactory, HazardFactory, LecturerFactory, RegistrationFactory, VenueFactory, at


def _events(tree, user, n, **kw):
    venue = VenueFactory(organization=tree.city)
    lecturer = LecturerFactory(organization=tree.city)
    made = []
    for i in range(n):
        event = EventFactory(organization=tree.union_a1a, created_by=user, venue=venue,
                             starts_at=at(1 + i % 27, 9), ends_at=at(1 + i % 27, 11), **kw)
        event.speakers.add(lecturer)
        made.append(event)
    return made


@pytest.mark.parametrize("n", [2, 12])
def test_list_detail_and_calendar_make_a_bounded_number_of_queries(client, tree, branch_officer, n,
                                                                   django_assert_max_num_queries):
    events = _events(tree, branch_officer, n)
    for event in events[:3]:
        RegistrationFactory(event=event, registered_by=branch_officer)
    client.force_login(branch_officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("events:event_list")).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(reverse("events:event_detail", args=[events[0].pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("events:calendar"), {"year": 2026, "month": 6}).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("events:statistics"), {"year": 2026}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("events:lecturer_list")).status_code == 200


def test_hazard_list_makes_a_bounded_number_of_queries(client, tree, branch_officer, employer,
                                                       django_assert_max_num_queries):
    for i in range(8):
        HazardFactory(organization=tree.union_a1a, employer=employer, recorded_by=branch_officer)
    client.force_login(branch_officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("events:hazard_list"), {"state": "overdue"})
    assert response.status_code == 200 and response.content.count(b"text-bg-danger\">Overdue") + \
        response.content.count(b"overdue</span>") >= 1


def test_sibling_sees_no_event_by_url_list_filter_or_calendar(client, tree, branch_officer, sibling_officer, event):
    client.force_login(sibling_officer)
    assert client.get(reverse("events:event_detail", args=[event.pk])).status_code == 404
    assert client.get(reverse("events:event_qr", args=[event.pk])).status_code == 404
    assert event.title not in client.get(reverse("events:event_list"), {"org": "CA1a"}).content.decode()
    assert event.title not in client.get(reverse("events:calendar"), {"year": 2026, "month": 6}).content.decode()
    assert client.post(reverse("events:event_held", args=[event.pk]), {"report": "x"}).status_code == 404


def test_the_calendar_shows_the_month_and_the_week(client, tree, branch_officer, event):
    client.force_login(branch_officer)
    month = client.get(reverse("events:calendar"), {"year": 2026, "month": 6}).content.decode()
    assert event.title in month and 'id="calendar-grid"' in month
    week = client.get(reverse("events:calendar"), {"view": "week", "day": "2026-06-10"}).content.decode()
    assert event.title in week and week.count('class="calendar-day') == 7


def test_a_month_cell_shows_the_first_events_of_the_day_and_how_many_more(client, tree, branch_officer):
    """A city month holds some 2,000 events: a cell shows the day's first PER_DAY by time and
    counts the rest (one query gives both); the week view shows them all, each linking to its page."""
    from apps.events.views import PER_DAY

    day = [EventFactory(organization=tree.union_a1a, created_by=branch_officer, title=f"第{i}场",
                        starts_at=at(17, 8 + i), ends_at=at(17, 9 + i)) for i in range(PER_DAY + 3)]
    EventFactory(organization=tree.union_a1b, created_by=branch_officer, title="别家", starts_at=at(17, 7),
                 ends_at=at(17, 8))  # a sibling's: neither shown nor counted
    client.force_login(branch_officer)
    month = client.get(reverse("events:calendar"), {"year": 2026, "month": 6}).content.decode()
    shown = [e.title for e in day if f">{e.starts_at.astimezone(TZ):%H:%M} {e.title}<" in month]
    assert shown == [e.title for e in day[:PER_DAY]] and "别家" not in month
    assert "3 more" in month and f'href="{reverse("events:event_detail", args=[day[0].pk])}"' in month
    week = client.get(reverse("events:calendar"), {"view": "week", "day": "2026-06-17"}).content.decode()
    assert all(f'href="{reverse("events:event_detail", args=[e.pk])}"' in week for e in day)


def test_the_feed_is_public_by_its_secret_and_revocable(client, tree, branch_officer):
    event = EventFactory(organization=tree.union_a1a, created_by=branch_officer, title="冬季安全培训, 一期",
                         starts_at=at(10, 9, year=2099), ends_at=at(10, 11, year=2099))
    token = services.renew_calendar_feed(actor=branch_officer).token
    body = client.get(reverse("events:feed", args=[token])).content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "SUMMARY:冬季安全培训\\, 一期" in body
    assert f"UID:event-{event.pk}@" in body and "DTSTART:20990610T010000Z" in body
    services.revoke_calendar_feed(actor=branch_officer)
    assert client.get(reverse("events:feed", args=[token])).status_code == 404


def test_the_qr_code_is_an_svg_of_the_signed_link(client, tree, branch_officer):
    event = EventFactory(organization=tree.union_a1a, created_by=branch_officer, starts_at=at(10, 9, year=2099),
                         ends_at=at(10, 11, year=2099))
    client.force_login(branch_officer)
    response = client.get(reverse("events:event_qr", args=[event.pk]))
    assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content
    detail = client.get(reverse("events:event_detail", args=[event.pk])).content.decode()
    assert f'src="{reverse("events:event_qr", args=[event.pk])}"' in detail


# --- statistics ---------------------------------------------------------------------------


def _sql(query: str, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()


def test_statistics_equal_plain_sql(tree, branch_officer, city_staff, employer):
    lecturer = LecturerFactory(organization=tree.city, is_model_worker=True)
    lecture = EventFactory(organization=tree.union_a1a, created_by=branch_officer, status=EventStatus.HELD,
                           report="r", reported_attendance=200, online_views=5000, mode=Mode.HYBRID)
    lecture.speakers.add(lecturer)
    EventFactory(organization=tree.union_a1a, created_by=branch_officer, status=EventStatus.HELD, report="r",
                 reported_attendance=999, checkin_count=42, kind=EventKind.LEGAL_LECTURE)
    training = EventFactory(organization=tree.union_b1, created_by=branch_officer, status=EventStatus.HELD,
                            report="r", kind=EventKind.SAFETY_TRAINING, reported_attendance=80)
    TrainingFigure.objects.create(event=training, employer=employer, sessions=3, trainees=80)
    TrainingFigure.objects.create(event=training, sessions=1, trainees=20)
    fair = EventFactory(organization=tree.county_a, created_by=branch_officer, status=EventStatus.HELD, report="r",
                        kind=EventKind.JOB_FAIR, mode=Mode.ONLINE, online_views=300)
    JobFairFigure.objects.create(event=fair, employers=30, positions=400, applicants=260, hires=77)
    EventFactory(organization=tree.union_a1a, created_by=branch_officer, reported_attendance=10_000)  # planned
    EventFactory(organization=tree.union_a1a, created_by=branch_officer, status=EventStatus.HELD, report="r",
                 reported_attendance=7, starts_at=at(1, 9, year=2025), ends_at=at(1, 10, year=2025))  # other year
    HazardFactory(organization=tree.union_a1a, employer=employer, recorded_by=branch_officer)
    HazardFactory(organization=tree.union_a1a, employer=employer, recorded_by=branch_officer,
                  rectified_on=datetime.date(2026, 3, 5), rectification="x")
    period = selectors.Period(2026)
    start, end = period.bounds()
    totals = selectors.outreach_totals(actor=city_staff, period=period)
    events, on_site, online = _sql(
        "SELECT count(*), sum(coalesce(nullif(checkin_count, 0), reported_attendance, 0)), "
        "sum(coalesce(online_views, 0)) FROM events_event WHERE status = 'held' AND starts_at >= %s "
        "AND starts_at < %s", [start, end])
    assert (totals["events"], totals["on_site"], totals["online"]) == (events, on_site, online) == (4, 322, 5300)
    # The hybrid lecture is a live stream (网络直播); the online job fair is a recruiting platform, not a broadcast.
    assert totals["model_worker_lectures"] == 1 and totals["live_streams"] == 1
    assert totals["legal_attendees"] == 42 and totals["job_fair_hires"] == 77
    sessions, trainees = _sql("SELECT sum(f.sessions), sum(f.trainees) FROM events_trainingfigure f JOIN "
                              "events_event e ON e.id = f.event_id WHERE e.status = 'held' AND e.kind = "
                              "'safety_training' AND e.starts_at >= %s AND e.starts_at < %s", [start, end])
    assert selectors.training_totals(actor=city_staff, period=period) == {"trainings": 1, "sessions": sessions,
                                                                          "trainees": trainees}
    hazards = selectors.hazard_totals(actor=city_staff, period=period, today=datetime.date(2026, 4, 1))
    assert (hazards["found"], hazards["rectified"], hazards["overdue"]) == (2, 1, 1)
    # a county sees its own subtree: county A has the lecture, the legal lecture and the fair
    county = selectors.outreach_totals(actor=branch_officer.__class__.objects.get(pk=branch_officer.pk),
                                       period=period)
    assert county["events"] == 2  # the branch officer's union A1a only
    rows = {r["county_code"]: r for r in selectors.statistics_by_county(actor=city_staff, period=period,
                                                                        today=datetime.date(2026, 4, 1))}
    assert rows["CA"]["events"] == 3 and rows["CB"]["trainees"] == 100 and rows["CA"]["hires"] == 77
    assert rows["CA"]["found"] == 2 and rows["CA"]["overdue"] == 1


def _statistics_data(tree, officer, employer, extra: int = 0):
    """Held events of every kind in two counties, two months and at the city itself, with
    check-ins, streams, a model worker, training figures, a job fair and hazards in each state."""
    lecturer = LecturerFactory(organization=tree.city, is_model_worker=True)
    lecture = EventFactory(organization=tree.union_a1a, created_by=officer, status=EventStatus.HELD, report="r",
                           reported_attendance=200, online_views=5000, mode=Mode.HYBRID)
    lecture.speakers.add(lecturer)
    EventFactory(organization=tree.union_a1a, created_by=officer, status=EventStatus.HELD, report="r",
                 reported_attendance=999, checkin_count=42, kind=EventKind.LEGAL_LECTURE, starts_at=at(3, 9, month=3),
                 ends_at=at(3, 11, month=3))
    EventFactory(organization=tree.city, created_by=officer, status=EventStatus.HELD, report="r",
                 kind=EventKind.PARTY_LESSON, reported_attendance=55, mode=Mode.ONLINE, online_views=12)
    for i in range(1 + extra):
        training = EventFactory(organization=tree.union_b1, created_by=officer, status=EventStatus.HELD, report="r",
                                kind=EventKind.SAFETY_TRAINING, reported_attendance=80 + i)
        TrainingFigure.objects.create(event=training, employer=employer, sessions=3, trainees=80 + i)
        TrainingFigure.objects.create(event=training, sessions=1, trainees=20)
    EventFactory(organization=tree.union_b1, created_by=officer, status=EventStatus.HELD, report="r",
                 kind=EventKind.SAFETY_TRAINING, reported_attendance=9)  # no figures entered
    fair = EventFactory(organization=tree.county_a, created_by=officer, status=EventStatus.HELD, report="r",
                        kind=EventKind.JOB_FAIR, mode=Mode.ONLINE, online_views=300)
    JobFairFigure.objects.create(event=fair, employers=30, positions=400, applicants=260, hires=77)
    EventFactory(organization=tree.union_a1a, created_by=officer, reported_attendance=10_000)  # planned
    EventFactory(organization=tree.union_a1a, created_by=officer, status=EventStatus.HELD, report="r",
                 reported_attendance=7, starts_at=at(1, 9, year=2025), ends_at=at(1, 10, year=2025))  # other year
    HazardFactory(organization=tree.union_a1a, employer=employer, recorded_by=officer)
    HazardFactory(organization=tree.union_a1a, employer=employer, recorded_by=officer,
                  rectified_on=datetime.date(2026, 3, 5), rectification="x")
    HazardFactory(organization=tree.union_b1, employer=employer, recorded_by=officer, severity="major",
                  rectified_on=datetime.date(2026, 3, 5), rectification="x", verified_on=datetime.date(2026, 3, 6),
                  verified_by=officer)
    HazardFactory(organization=tree.union_b1, employer=employer, recorded_by=officer,
                  found_on=datetime.date(2025, 3, 1), deadline=datetime.date(2025, 4, 1))  # other year


def _rows_by_county(query: str, params) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {row[0]: row[1:] for row in cursor.fetchall()}


@pytest.mark.parametrize("who", ["city_staff", "county_staff", "branch_officer"])
def test_the_statistics_page_figures_equal_plain_sql_and_the_separate_selectors(request, tree, employer, who):
    """The page's four queries give what the dashboard's and reports' selectors give, and each
    county row what plain SQL over the tables gives (audience on site: the check-ins where used,
    else the organizer's figure — issue 18 item 2)."""
    actor = request.getfixturevalue(who)
    _statistics_data(tree, request.getfixturevalue("branch_officer"), employer)
    period, today = selectors.Period(2026), datetime.date(2026, 4, 1)
    page = selectors.statistics_page(actor=actor, period=period, today=today)
    assert page["outreach"] == selectors.outreach_totals(actor=actor, period=period)
    assert page["training"] == selectors.training_totals(actor=actor, period=period)
    assert page["hazards"] == selectors.hazard_totals(actor=actor, period=period, today=today)
    by_kind = {}
    for r in selectors.audience_by_kind_and_month(actor=actor, period=period):
        kind = by_kind.setdefault(r["kind"], {"kind": r["kind"], "events": 0, "on_site": 0, "online": 0})
        for f in ("events", "on_site", "online"):
            kind[f] += r[f]
    assert page["by_kind"] == sorted(by_kind.values(), key=lambda k: k["kind"])
    assert page["rows"] == selectors.statistics_by_county(actor=actor, period=period, today=today)

    start, end = period.bounds()
    root = actor.organization.path + "%"
    events = _rows_by_county(
        "SELECT o.county_id, count(*), sum(coalesce(nullif(e.checkin_count, 0), e.reported_attendance, 0)), "
        "sum(coalesce(e.online_views, 0)), count(*) FILTER (WHERE e.kind = 'safety_training'), "
        "coalesce(sum(j.hires), 0) FROM events_event e JOIN organizations_organization o ON o.id = e.organization_id "
        "LEFT JOIN events_jobfairfigure j ON j.event_id = e.id WHERE e.status = 'held' AND e.starts_at >= %s "
        "AND e.starts_at < %s AND o.path LIKE %s GROUP BY o.county_id", [start, end, root])
    trainings = _rows_by_county(
        "SELECT o.county_id, sum(f.sessions), sum(f.trainees) FROM events_trainingfigure f JOIN events_event e "
        "ON e.id = f.event_id JOIN organizations_organization o ON o.id = e.organization_id WHERE e.status = 'held' "
        "AND e.kind = 'safety_training' AND e.starts_at >= %s AND e.starts_at < %s AND o.path LIKE %s "
        "GROUP BY o.county_id", [start, end, root])
    hazards = _rows_by_county(
        "SELECT o.county_id, count(*), count(*) FILTER (WHERE h.rectified_on IS NOT NULL), "
        "count(*) FILTER (WHERE h.verified_on IS NOT NULL), "
        "count(*) FILTER (WHERE h.rectified_on IS NULL AND h.deadline < %s) FROM events_hazard h "
        "JOIN organizations_organization o ON o.id = h.organization_id WHERE h.found_on >= '2026-01-01' "
        "AND h.found_on < '2027-01-01' AND o.path LIKE %s GROUP BY o.county_id", [today, root])
    expected = {}
    for county in set(events) | set(trainings) | set(hazards):
        e, t, h = events.get(county, (0,) * 5), trainings.get(county, (0, 0)), hazards.get(county, (0,) * 4)
        expected[county] = (*e, *t, *h)
    got = {r["county_id"]: (r["events"], r["on_site"], r["online"], r["trainings"], r["hires"], r["sessions"],
                            r["trainees"], r["found"], r["rectified"], r["verified"], r["overdue"])
           for r in page["rows"]}
    assert got == expected and got  # every actor sees something of the data
    if who == "city_staff":
        assert set(got) == {tree.county_a.pk, tree.county_b.pk, None}  # the party lesson at the city itself
        # streamed: the hybrid lecture and the online Party lesson, not the online job fair
        assert page["outreach"]["model_worker_lectures"] == 1 and page["outreach"]["live_streams"] == 2
        assert page["training"] == {"trainings": 2, "sessions": 4, "trainees": 100}
        assert page["hazards"]["verified"] == 1 and page["hazards"]["major"] == 1


@pytest.mark.parametrize("extra", [0, 12])
@pytest.mark.parametrize("who", ["city_staff", "county_staff", "branch_officer"])
def test_the_statistics_page_makes_a_bounded_number_of_queries(request, client, tree, employer, extra, who,
                                                               django_assert_max_num_queries):
    """Session, user, the four figure queries, the session's save: the same whatever the data."""
    _statistics_data(tree, request.getfixturevalue("branch_officer"), employer, extra=extra)
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(9):
        response = client.get(reverse("events:statistics"), {"year": 2026})
    assert response.status_code == 200 and 'id="statistics-counties"' in response.content.decode()


# --- reminders ----------------------------------------------------------------------------


def test_reminders_are_sent_once(tree, branch_officer, county_staff, employer):
    tomorrow = EventFactory(organization=tree.union_a1a, created_by=branch_officer,
                            starts_at=at(11, 9), ends_at=at(11, 11))
    RegistrationFactory(event=tomorrow, registered_by=branch_officer)
    EventFactory(organization=tree.union_a1a, created_by=branch_officer, starts_at=at(1, 9), ends_at=at(1, 11))
    HazardFactory(organization=tree.union_a1a, employer=employer, recorded_by=branch_officer,
                  deadline=datetime.date(2026, 6, 1), found_on=datetime.date(2026, 5, 1))
    today = datetime.date(2026, 6, 10)
    for code in ("events.registrants_day_before", "events.report_missing", "events.hazard_overdue"):
        first = run_reminder_rule(code, today=today)
        assert first, code
        assert run_reminder_rule(code, today=today) == []
    titles = list(Notification.objects.filter(recipient=branch_officer).values_list("title", flat=True))
    assert len(titles) == 3 and any(t.startswith("Tomorrow 09:00") for t in titles)


def test_start_page_has_the_events_card(client, branch_officer):
    client.force_login(branch_officer)
    html = client.get(reverse("home")).content.decode()
    assert 'id="home-events"' in html and re.search(r"events in the next 30 days", html)
