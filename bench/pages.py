"""The pages timed as city, county and branch users: server time p50/p95 and query counts.

Each request goes through Django's whole stack in process (middleware, view, template),
timed from the request to the rendered response; no network, no browser. A page whose
URL does not reverse yet is reported "not built" rather than failing the run.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from .actors import Actor, Sample
from .stats import time_repeatedly

MEMBER_LIST = ("members:member_list", "members:list")
MEMBER_DETAIL = ("members:member_detail", "members:detail")


@dataclass
class Page:
    key: str
    label: str
    url_names: tuple[str, ...]
    params: Callable[[Sample, str], dict] = lambda sample, actor: {}  # actor: "city"/"county"/"branch"
    kwargs: Callable[[Sample], dict] = lambda sample: {}
    targets_ms: float | None = None  # p95 target, where an issue sets one
    method: str = "get"  # "post": params are the form data
    ok_status: tuple[int, ...] = (200,)


HARDSHIP_LIST = ("assistance:file_list",)
HARDSHIP_TARGET_MS = 100
MEMBER_TARGET_MS = 150  # issue 4: list, filtered list, ID and name search, p95 at 860k
PAGES = [
    Page("member_list", "member list, first page", MEMBER_LIST, targets_ms=MEMBER_TARGET_MS),
    # A branch user's scope holds no county: they filter their own union instead.
    Page("member_list_filtered", "member list, county/union + new-employment", MEMBER_LIST,
         params=lambda s, a: {"org": (s.union if a == "branch" else s.county).code,
                              "worker_category": "new_employment"},
         targets_ms=MEMBER_TARGET_MS),
    # A full ID number is looked up by POST (never in a URL); found → 302 to the member.
    Page("member_search_id", "member search, exact ID number (POST find)", ("members:find",),
         params=lambda s, a: {"id_number": s.id_number}, targets_ms=MEMBER_TARGET_MS, method="post",
         ok_status=(302,)),
    # One year of birth and a five-day joining window: narrow filters the planner must not
    # answer with a per-organization loop (that took 7 s without statistics).
    Page("member_list_age", "member list, age 64", MEMBER_LIST,
         params=lambda s, a: {"age_min": 64, "age_max": 64}, targets_ms=MEMBER_TARGET_MS),
    Page("member_list_joined", "member list, joined within 5 days", MEMBER_LIST,
         params=lambda s, a: {"joined_from": "2023-03-01", "joined_to": "2023-03-05"},
         targets_ms=MEMBER_TARGET_MS),
    Page("member_search_id_suffix", "member search, last 6 of the ID", MEMBER_LIST,
         params=lambda s, a: {"q": s.id_number[-6:]}, targets_ms=MEMBER_TARGET_MS),
    Page("member_search_name", "member search, name fragment (2 characters)", MEMBER_LIST,
         params=lambda s, a: {"q": s.name[:2]}, targets_ms=MEMBER_TARGET_MS),
    Page("member_search_full_name", "member search, full name", MEMBER_LIST,
         params=lambda s, a: {"q": s.name}, targets_ms=MEMBER_TARGET_MS),
    Page("member_detail", "member detail", MEMBER_DETAIL, kwargs=lambda s: {"pk": s.member_id}),
    Page("organization_tree", "organization tree",
         ("organizations:tree", "organizations:organization_tree", "organizations:organization_list")),
    Page("establishment_rate", "establishment-rate page", ("employers:rate",)),
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
         kwargs=lambda s: {"pk": s.hardship_file_id}, targets_ms=HARDSHIP_TARGET_MS),
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
    Page("dashboard", "dashboard", ("dashboard:index", "dashboard:home", "dashboard:dashboard"),
         targets_ms=300),
]


def resolve(page: Page, sample: Sample) -> str | None:
    for name in page.url_names:
        try:
            return reverse(name, kwargs=page.kwargs(sample) or None)
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
    timing: dict = field(default_factory=dict)
    target_ms: float | None = None

    @property
    def met(self) -> bool | None:
        if self.target_ms is None or self.status != "ok":
            return None
        return self.timing["p95_ms"] < self.target_ms


def logged_in_client(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    client.force_login(user)
    return client


def measure_page(page: Page, actor: Actor, client: Client, sample: Sample, *, repeats: int, warmup: int):
    url = resolve(page, sample)
    result = PageResult(page.key, page.label, actor.key, "not built", target_ms=page.targets_ms)
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
            result.queries = len(queries)
            result.timing = time_repeatedly(get, repeats=repeats, warmup=warmup).as_dict()
            result.status = "ok"
    except PageFailed as failed:
        result.status = f"HTTP {failed.args[0]}"
    return result


class PageFailed(Exception):
    """A page answered something other than 200."""


def measure_pages(actors: list[Actor], sample: Sample, *, repeats: int, warmup: int, say=print):
    results = []
    for actor in actors:
        client = logged_in_client(actor.user)
        for page in PAGES:
            result = measure_page(page, actor, client, sample, repeats=repeats, warmup=warmup)
            say(f"    {actor.key:7} {page.label:45} {result.status:10} {result.timing.get('p95_ms', '')}")
            results.append(result)
    return results
