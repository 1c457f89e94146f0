"""The pages timed as city, county and branch users: server time p50/p95 and query counts.

Each request goes through Django's whole stack in process (middleware, view, template),
timed from the request to the rendered response; no network, no browser (bench/http.py
times the same pages over HTTP). A page that loads htmx partials when it opens
(`hx-trigger="load"`: the organization page's member counts, the rate page's members box)
is timed as a user waits for it — the page, then each partial — and reported as one figure
and per part. A page whose URL does not reverse yet is reported "not built" rather than
failing the run.
"""

import datetime
import gc
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, Resolver404, reverse
from django.urls import resolve as django_resolve

from .actors import Actor, Sample
from .stats import time_parts

MEMBER_LIST = ("members:member_list", "members:list")
MEMBER_DETAIL = ("members:member_detail", "members:detail")
ACTORS = ("city", "county", "branch")


@dataclass
class Page:
    key: str
    label: str
    url_names: tuple[str, ...]
    params: Callable[[Sample, str], dict] = lambda sample, actor: {}  # actor: "city"/"county"/"branch"
    kwargs: Callable[[Sample, str], dict] = lambda sample, actor: {}
    targets_ms: float | None = None  # p95 target in process, where an issue sets one
    http_target_ms: float | None = None  # p95 target over HTTP (issue 15), page and partials together
    method: str = "get"  # "post": params are the form data
    ok_status: tuple[int, ...] = (200,)


HARDSHIP_LIST = ("assistance:file_list",)
HARDSHIP_TARGET_MS = 100
MEMBER_TARGET_MS = 150  # issue 4: list, filtered list, ID and name search, p95 at 860k, in process
MEMBER_HTTP_TARGET_MS = 100  # issue 15: every member page over HTTP, on a quiet machine
COUNT_TARGET_MS = 50  # issue 15: count boxes and the count button
WITH_PARTIALS_TARGET_MS = 100  # issue 15: a page and the count boxes it loads
# The partials that are count boxes (issue 15: p95 < COUNT_TARGET_MS each); other partials a
# page loads (the ledger panel on an organization's page) count in the page's figure only.
COUNT_BOXES = {"members:org_counts", "members:county_counts"}


def _member_page(key, label, **options) -> Page:
    return Page(key, label, MEMBER_LIST, targets_ms=MEMBER_TARGET_MS, http_target_ms=MEMBER_HTTP_TARGET_MS,
                **options)


PAGES = [
    _member_page("member_list", "member list, first page"),
    # A branch user's scope holds no county: they filter their own union instead.
    _member_page("member_list_filtered", "member list, county/union + new-employment",
                 params=lambda s, a: {"org": (s.union if a == "branch" else s.county).code,
                                      "worker_category": "new_employment"}),
    _member_page("member_list_page400", "member list, page 400", params=lambda s, a: {"page": 400}),
    # A full ID number is looked up by POST (never in a URL); found → 302 to the member.
    Page("member_search_id", "member search, exact ID number (POST find)", ("members:find",),
         params=lambda s, a: {"id_number": s.id_number}, targets_ms=MEMBER_TARGET_MS,
         http_target_ms=MEMBER_HTTP_TARGET_MS, method="post", ok_status=(302,)),
    # One year of birth and a five-day joining window: narrow filters the planner must not
    # answer with a per-organization loop (that took 7 s without statistics).
    _member_page("member_list_age", "member list, age 64", params=lambda s, a: {"age_min": 64, "age_max": 64}),
    _member_page("member_list_joined", "member list, joined within 5 days",
                 params=lambda s, a: {"joined_from": "2023-03-01", "joined_to": "2023-03-05"}),
    _member_page("member_search_id_suffix", "member search, last 6 of the ID",
                 params=lambda s, a: {"q": s.id_number[-6:]}),
    _member_page("member_search_name", "member search, name fragment (2 characters)",
                 params=lambda s, a: {"q": s.name[:2]}),
    _member_page("member_search_name_mid2", "member search, mid-name fragment (2 characters)",
                 params=lambda s, a: {"q": s.fragment2}),
    _member_page("member_search_name_mid3", "member search, mid-name fragment (3 characters)",
                 params=lambda s, a: {"q": s.fragment3}),
    _member_page("member_search_full_name", "member search, full name", params=lambda s, a: {"q": s.name}),
    Page("member_count", "member list, Count button", ("members:count",), targets_ms=COUNT_TARGET_MS,
         http_target_ms=COUNT_TARGET_MS),
    Page("member_detail", "member detail", MEMBER_DETAIL, kwargs=lambda s, a: {"pk": s.member_id},
         http_target_ms=MEMBER_HTTP_TARGET_MS),
    Page("organization_detail", "organization page + member counts", ("organizations:detail",),
         kwargs=lambda s, a: {"code": s.organization_for(a).code}, targets_ms=WITH_PARTIALS_TARGET_MS,
         http_target_ms=WITH_PARTIALS_TARGET_MS),
    Page("organization_tree", "organization tree",
         ("organizations:tree", "organizations:organization_tree", "organizations:organization_list")),
    Page("establishment_rate", "establishment-rate page + members box", ("employers:rate",),
         targets_ms=WITH_PARTIALS_TARGET_MS, http_target_ms=WITH_PARTIALS_TARGET_MS),
    # Issue 16: the file list, the four working queues and a file's timeline, p95 < 100 ms; the
    # assistance totals per county < 100 ms.
    Page("hardship_list", "hardship file list, first page", HARDSHIP_LIST, targets_ms=HARDSHIP_TARGET_MS),
    *[Page(f"hardship_queue_{queue}", f"hardship queue: {queue.replace('_', ' ')}", HARDSHIP_LIST,
           params=lambda s, a, queue=queue: {"queue": queue}, targets_ms=HARDSHIP_TARGET_MS)
      for queue in ("my_step", "reverification_due", "never_assisted", "stale")],
    Page("hardship_queue_counts", "hardship queue counts (htmx, after the list)", ("assistance:queue_counts",),
         targets_ms=HARDSHIP_TARGET_MS),
    Page("hardship_search", "hardship file search, last 4 of the ID", HARDSHIP_LIST,
         params=lambda s, a: {"q": s.hardship_id_suffix}, targets_ms=HARDSHIP_TARGET_MS),
    Page("hardship_timeline", "hardship file with its timeline", ("assistance:file_detail",),
         kwargs=lambda s, a: {"pk": s.hardship_file_id}, targets_ms=HARDSHIP_TARGET_MS),
    Page("assistance_totals", "assistance totals per county", ("assistance:totals",),
         params=lambda s, a: {"by": "county"}, targets_ms=HARDSHIP_TARGET_MS),
    # Issue 17: the competition list and the statistics page at city scale, p95 < 100 ms.
    Page("competition_list", "competition list, first page", ("competitions:list",), targets_ms=100),
    Page("competition_list_filtered", "competition list, county + theme", ("competitions:list",),
         params=lambda s, a: {"county": s.county.code, "kind": "theme", "year": 2026} if a != "branch" else
         {"kind": "theme"}, targets_ms=100),
    Page("competition_statistics", "competition statistics per county", ("competitions:statistics",),
         params=lambda s, a: {"year": 2026}, targets_ms=100),
    Page("event_list", "event list", ("events:event_list", "events:list")),
    # Issue 18: the calendar (last month, whole, and one week of it) and the statistics page at
    # city scale, p95 < 100 ms.
    Page("event_calendar_month", "event calendar, last month", ("events:calendar",),
         params=lambda s, a: _last_month_args(), targets_ms=100),
    Page("event_calendar_week", "event calendar, a week of last month", ("events:calendar",),
         params=lambda s, a: {"view": "week", "day": (_last_month_first() + datetime.timedelta(days=9)).isoformat()},
         targets_ms=100),
    Page("event_statistics", "event statistics, this year", ("events:statistics",),
         params=lambda s, a: {"year": datetime.date.today().year}, targets_ms=100),
    # Issue 19: the leadership dashboard of the actor's scope, this year; 300 ms the bar, 200 the goal.
    Page("dashboard", "dashboard", ("dashboard", "dashboard:index", "dashboard:dashboard"), targets_ms=300),
    # ... and one month (last month: whole, and counted from the roll, not the kept yearly counts).
    Page("dashboard_month", "dashboard, last month", ("dashboard", "dashboard:index", "dashboard:dashboard"),
         params=lambda s, a: {"period": "month", "month": _last_month()}, targets_ms=300),
    # ... the same dates as a custom range, which is never kept: what a dashboard costs computed
    # live (the kept ones are computed so by the beat task, apps.dashboard.snapshots).
    Page("dashboard_live", "dashboard, this year as a custom range (live)",
         ("dashboard", "dashboard:index", "dashboard:dashboard"),
         params=lambda s, a: {"period": "range", "from": datetime.date.today().replace(month=1, day=1).isoformat(),
                              "to": datetime.date.today().isoformat()}, targets_ms=300),
    # Issue 21: a province user's dashboard for the sample's city (the city picked in the form).
    Page("dashboard_city", "dashboard, one city picked", ("dashboard", "dashboard:index", "dashboard:dashboard"),
         params=lambda s, a: {"city": s.city.code}, targets_ms=300),
]
# The province user (issue 21) times the dashboards only: every other page is timed as a
# city, a county and a branch user, whose scopes do not grow with the number of cities.
PROVINCE_PAGES = {"dashboard", "dashboard_month", "dashboard_live", "dashboard_city"}
ACTOR_ONLY_PAGES = {"dashboard_city": "province"}


def _last_month_first() -> datetime.date:
    return (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _last_month() -> str:
    return _last_month_first().strftime("%Y-%m")


def _last_month_args() -> dict:
    first = _last_month_first()
    return {"year": first.year, "month": first.month}

_LOADED_ON_OPEN = re.compile(r'hx-get="([^"]+)" hx-trigger="load"')


def partials_loaded_by(content: bytes) -> list[str]:
    """The URLs of the htmx partials a page loads as soon as it opens, in page order."""
    return [html.unescape(url) for url in _LOADED_ON_OPEN.findall(content.decode("utf-8", "replace"))]


def part_name(path: str) -> str:
    """A partial's URL name (the same in every database, unlike its arguments)."""
    try:
        return django_resolve(urlsplit(path).path).view_name
    except Resolver404:
        return urlsplit(path).path


def part_target_ms(path: str) -> float | None:
    """The p95 target of a partial the page loads: count boxes have one."""
    return COUNT_TARGET_MS if part_name(path) in COUNT_BOXES else None


def resolve(page: Page, sample: Sample, actor: str = "county") -> str | None:
    for name in page.url_names:
        try:
            return reverse(name, kwargs=page.kwargs(sample, actor) or None)
        except NoReverseMatch:
            continue
    return None


@dataclass
class PageResult:
    page: str
    label: str
    actor: str
    status: str  # "ok", "not built", "HTTP 404" ...
    url: str = ""
    queries: int | None = None
    timing: dict = field(default_factory=dict)  # the page and its partials together
    target_ms: float | None = None
    parts: list = field(default_factory=list)  # [{"label", "url", "timing", "target_ms"}] with partials
    http_target_ms: float | None = None

    @property
    def met(self) -> bool | None:
        if self.target_ms is None or self.status != "ok":
            return None
        return self.timing["p95_ms"] < self.target_ms and all(
            p["timing"]["p95_ms"] < p["target_ms"] for p in self.parts if p.get("target_ms"))

    def as_dict(self) -> dict:
        return {"page": self.page, "label": self.label, "actor": self.actor, "status": self.status,
                "url": self.url, "queries": self.queries, "timing": self.timing, "target_ms": self.target_ms,
                "met": self.met, "parts": self.parts, "http_target_ms": self.http_target_ms}


def logged_in_client(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    client.force_login(user)
    return client


def measure_page(page: Page, actor: Actor, client: Client, sample: Sample, *, repeats: int, warmup: int):
    url = resolve(page, sample, actor.key)
    result = PageResult(page.key, page.label, actor.key, "not built", target_ms=page.targets_ms,
                        http_target_ms=page.http_target_ms)
    if url is None:
        return result
    params = page.params(sample, actor.key)
    result.url = url

    def get():
        return getattr(client, page.method)(url, params, secure=True)

    # A savepoint per page: a page that fails with a database error is rolled back to
    # here and reported, instead of aborting the benchmark's whole transaction.
    try:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                response = get()
                if response.status_code not in page.ok_status:
                    raise PageFailed(response.status_code)
                partials = partials_loaded_by(response.content) if page.method == "get" else []
                for partial in partials:
                    if (status := client.get(partial, secure=True).status_code) != 200:
                        raise PageFailed(status)
            result.queries = len(queries)
            actions = [get] + [lambda partial=partial: client.get(partial, secure=True) for partial in partials]
            total, each = time_parts(actions, repeats=repeats, warmup=warmup)
            result.timing = total.as_dict()
            if partials:
                result.parts = [{"label": "page", "url": url, "timing": each[0].as_dict(), "target_ms": None}] + [
                    {"label": part_name(partial), "url": partial, "timing": timing.as_dict(),
                     "target_ms": part_target_ms(partial)}
                    for partial, timing in zip(partials, each[1:], strict=True)]
            result.status = "ok"
    except PageFailed as failed:
        result.status = f"HTTP {failed.args[0]}"
    return result


class PageFailed(Exception):
    """A page answered something other than 200."""


def measured_by(page: Page, actor: str) -> bool:
    if actor == "province":
        return page.key in PROVINCE_PAGES
    return ACTOR_ONLY_PAGES.get(page.key, actor) == actor


def measure_pages(actors: list[Actor], sample: Sample, *, repeats: int, warmup: int, say=print, only=None):
    # As unionportal/wsgi.py does in every server process: what is loaded lives on, outside
    # the collector's reach (so a page is timed as gunicorn serves it).
    gc.collect()
    gc.freeze()
    results = []
    for actor in actors:
        client = logged_in_client(actor.user)
        for page in only or PAGES:
            if not measured_by(page, actor.key):
                continue
            result = measure_page(page, actor, client, sample, repeats=repeats, warmup=warmup)
            say(f"    {actor.key:7} {page.label:50} {result.status:10} {result.timing.get('p95_ms', '')}")
            results.append(result)
    return results
