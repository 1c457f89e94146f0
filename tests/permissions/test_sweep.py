"""Every URL of the project, swept for who may use it (issue 13 item 7).

For each URL pattern (walked from Django's resolver) the registry in entries.py says
how to build it and who owns what it shows. Then, for every method the view takes:

- anonymous → redirected to the login page (except the declared public URLs);
- a user one branch over (sibling scope) → 404 on an object URL, and a list URL shows
  them none of the owner's rows (the owner's own page shows the marker, so the check can fail);
- an in-scope role without the capability → 403;
- the owner → 200 or the declared redirect (405 for GET on a POST-only view).

A URL pattern without an entry fails (so a new app's pages are swept the day they are
added), and so does an entry whose URL is gone.
"""

import io
from typing import NamedTuple
from urllib.parse import parse_qs, urlencode, urlsplit

import openpyxl
import pytest
from django.conf.urls.static import static
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.resolvers import RegexPattern

from .entries import ENTRIES, EXCLUDED_NAMESPACES, EXCLUDED_VIEWS, Entry, Expect

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the URL patterns -------------------------------------------------------------------------


class Pattern(NamedTuple):
    name: str | None  # "members:detail"; None for an unnamed pattern
    route: str  # "members/<int:pk>/"
    namespaces: tuple[str, ...]
    view: str  # the view's dotted path


def url_patterns(resolver=None, prefix: str = "", namespaces: tuple = ()):
    """Every URL pattern of the project (of `resolver`), included ones too, with its full name."""
    resolver = resolver if resolver is not None else get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from url_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name)) if pattern.name else None
            view = f"{pattern.callback.__module__}.{pattern.callback.__name__}"
            yield Pattern(name, route, namespaces, view)


def swept_patterns(resolver=None) -> list[Pattern]:
    return [
        p
        for p in url_patterns(resolver)
        if not set(p.namespaces) & set(EXCLUDED_NAMESPACES) and p.view not in EXCLUDED_VIEWS
    ]


def test_every_url_pattern_has_an_entry():
    missing = sorted(f"{p.name or '(unnamed)'} {p.route}" for p in swept_patterns() if p.name not in ENTRIES)
    assert not missing, "URL patterns without a sweep entry (tests/permissions/entries.py):\n" + "\n".join(
        missing
    )


def test_every_entry_names_a_url_pattern():
    stale = sorted(set(ENTRIES) - {p.name for p in swept_patterns()})
    assert not stale, f"sweep entries whose URL name no longer exists: {stale}"


def test_the_walk_sees_included_and_namespaced_patterns_and_excludes_only_the_declared():
    routes = {p.name: p.route for p in url_patterns()}
    assert routes["members:roster_commit"] == "members/roster/<int:pk>/commit/"
    assert routes["employers:employer_import_commit"] == "organizations/ledger/upload/<int:pk>/commit/"
    swept = {p.name for p in swept_patterns()}
    assert "admin:index" in routes and "admin:index" not in swept
    assert "members:detail" in swept and "set_language" in swept


def test_media_serving_added_with_debug_is_excluded(settings):
    settings.DEBUG = True
    media = static("/media/", document_root="/tmp")
    assert media, "static() adds the media pattern with DEBUG"
    resolver = URLResolver(RegexPattern(r"^/"), [*media, path("x/", lambda request: None, name="x")])
    assert [p.name for p in swept_patterns(resolver)] == ["x"]


def test_every_entry_declares_what_its_checks_need():
    problems = []
    for name, entry in ENTRIES.items():
        if not entry.calls:
            problems.append(f"{name}: no method")
        if entry.public:
            continue
        if any(call.capability for call in entry.calls.values()) and not entry.lacking:
            problems.append(f"{name}: a capability but no role lacking it (lacking=)")
        if (entry.object or entry.marker) and not entry.sibling and not entry.no_sibling:
            problems.append(f"{name}: an object or list URL needs a sibling user or the reason there is none")
        if entry.object and entry.marker:
            problems.append(f"{name}: object or list, not both")
    assert not problems, "\n".join(problems)


# --- parametrization --------------------------------------------------------------------------


def sibling_expect(entry: Entry, method: str) -> Expect | None:
    call = entry.calls[method]
    declared = call.sibling
    if declared is None:
        # GET on a POST-only view is refused (405) before anybody's scope is looked at.
        return Expect(404) if entry.object and call.owner_expect.statuses != (405,) else None
    return declared if isinstance(declared, Expect) else Expect(declared)


def cases(check: str, keep) -> list:
    """pytest params (name, method) with ids "members:detail-GET"; for the list check
    (name, variant) with ids "members:list" and "members:list-filtered"."""
    params = []
    for name, entry in ENTRIES.items():
        if check == "list":
            variants = ["", "filtered"] if entry.list_filter else [""]
        else:
            variants = list(entry.calls)
        for variant in variants:
            if not keep(entry, variant):
                continue
            case_id = f"{name}-{variant}" if variant else name
            bug = entry.xfail.get(f"{check}-{variant}" if variant else check)
            marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
            params.append(pytest.param(name, variant, id=case_id, marks=marks))
    return params


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def target(name: str, entry: Entry, world, *, filtered: bool = False) -> str:
    url = reverse(name, kwargs=entry.kwargs(world) or None)
    query = entry.query(world) | (entry.list_filter(world) if filtered else {})
    return f"{url}?{urlencode(query)}" if query else url


def send(client: Client, method: str, url: str, entry: Entry, world):
    data = entry.calls[method].data(world)
    response = client.post(url, data) if method == "POST" else client.get(url)
    # Reading streaming_content to its end closes the file (the test client's wrapper does).
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response


def text_of(response) -> str:
    """What a person reads in the answer: the page, or every cell of an .xlsx."""
    if response.get("Content-Type", "").startswith(XLSX):
        book = openpyxl.load_workbook(io.BytesIO(response.body), read_only=True)
        return "\n".join(
            str(v)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    return response.body.decode("utf-8", "replace")


def assert_answer(response, expect: Expect, world, who: str):
    assert response.status_code in expect.statuses, (
        f"{who}: {response.status_code}, expected {expect.statuses}"
    )
    if expect.to is not None:
        assert response["Location"] == expect.to(world), f"{who}: redirected to {response['Location']}"


def capabilities_of(entry: Entry) -> set[str]:
    return {call.capability for call in entry.calls.values() if call.capability}


# --- the checks -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "method"), cases("anonymous", lambda e, m: not e.public))
def test_anonymous_redirected_to_login(world, name, method):
    entry = ENTRIES[name]
    url = target(name, entry, world)
    response = send(Client(), method, url, entry, world)
    assert response.status_code == 302, response.status_code
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    assert parse_qs(location.query).get("next") == [url]


@pytest.mark.parametrize(("name", "method"), cases("public", lambda e, m: e.public))
def test_public_url_answers_anonymous(world, name, method):
    entry = ENTRIES[name]
    response = send(Client(), method, target(name, entry, world), entry, world)
    assert_answer(response, entry.calls[method].owner_expect, world, "anonymous")


@pytest.mark.parametrize(("name", "method"), cases("owner", lambda e, m: not e.public))
def test_owner_gets_expected_answer(world, name, method):
    entry = ENTRIES[name]
    owner = world.user(entry.owner)
    call = entry.calls[method]
    assert call.capability is None or owner.has_capability(call.capability), (
        "the owner must hold the capability"
    )
    response = send(signed_in(owner), method, target(name, entry, world), entry, world)
    assert_answer(response, call.owner_expect, world, entry.owner)


@pytest.mark.parametrize(
    ("name", "method"), cases("lacking", lambda e, m: not e.public and e.calls[m].capability is not None)
)
def test_role_without_capability_gets_403(world, name, method):
    entry = ENTRIES[name]
    user = world.user(entry.lacking)
    assert not user.has_capability(entry.calls[method].capability), f"{entry.lacking} holds it"
    response = send(signed_in(user), method, target(name, entry, world), entry, world)
    assert response.status_code == 403, response.status_code


def _is_404(entry, method):
    expect = sibling_expect(entry, method)
    return not entry.public and entry.sibling and expect is not None and expect.statuses == (404,)


def _is_other(entry, method):
    expect = sibling_expect(entry, method)
    return not entry.public and entry.sibling and expect is not None and expect.statuses != (404,)


def _as_sibling(name: str, method: str, world, url: str | None = None):
    entry = ENTRIES[name]
    sibling = world.user(entry.sibling)
    missing = {c for c in capabilities_of(entry) if not sibling.has_capability(c)}
    assert not missing, f"{entry.sibling} lacks {missing}: a 404 would not show that scope refused it"
    return send(signed_in(sibling), method, url or target(name, entry, world), entry, world)


@pytest.mark.parametrize(("name", "method"), cases("sibling", _is_404))
def test_sibling_scope_gets_404(world, name, method):
    response = _as_sibling(name, method, world)
    assert response.status_code == 404, response.status_code


@pytest.mark.parametrize(("name", "method"), cases("sibling", _is_other))
def test_sibling_scope_gets_declared_answer(world, name, method):
    response = _as_sibling(name, method, world)
    assert_answer(response, sibling_expect(ENTRIES[name], method), world, ENTRIES[name].sibling)


@pytest.mark.parametrize(
    ("name", "variant"), cases("list", lambda e, v: not e.public and e.marker and e.sibling)
)
def test_sibling_list_hides_owner_rows(world, name, variant):
    entry = ENTRIES[name]
    marker = entry.marker(world)
    url = target(name, entry, world, filtered=variant == "filtered")
    owners = send(signed_in(world.user(entry.owner)), "GET", url, entry, world)
    assert owners.status_code == 200 and marker in text_of(owners), (
        "the owner's list must show the marked row"
    )
    siblings = _as_sibling(name, "GET", world, url)
    assert siblings.status_code == 200, siblings.status_code
    assert marker not in text_of(siblings), f"{entry.sibling} sees {marker!r}"
