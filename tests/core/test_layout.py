"""The layout every page shares: its Content-Security-Policy, the favicon, the skip link, and the
shared patterns for lists (scroll region, folding filters). The browser side is in
tests/browser/test_pages.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

COMMENTS = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)
TEMPLATE_ROOTS = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "apps"]


@pytest.mark.parametrize("address", ["/accounts/login/", "/no-such-page/"])
def test_pages_send_a_policy_that_allows_only_our_own_files(client, db, address):
    policy = client.get(address)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_no_template_has_inline_script_style_or_event_handler():
    """What the policy would refuse in a browser: <script> without src, <style>, style="",
    onclick= and friends, and htmx's hx-on (inline JavaScript too)."""
    forbidden = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|\shx-on[:-]", re.IGNORECASE
    )
    offenders = []
    for root in TEMPLATE_ROOTS:
        for path in root.rglob("*.html"):
            text = COMMENTS.sub("", path.read_text(encoding="utf-8"))
            name = path.relative_to(settings.BASE_DIR)
            offenders += [f"{name}: {match.group(0)}" for match in forbidden.finditer(text)]
    assert offenders == []


def test_favicon_is_public_and_linked_from_the_layout(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg")
    assert 'rel="icon" href="/static/favicon.svg"' in client.get(reverse("login")).content.decode()


def test_the_skip_link_is_the_first_thing_a_keyboard_reaches(client, db):
    html = client.get(reverse("login")).content.decode()
    body = html.split("<body", 1)[1]
    first_focusable = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group(0)
    assert 'href="#content"' in first_focusable and "skip-link" in first_focusable
    assert '<main class="container-fluid pb-5" id="content" tabindex="-1">' in html


@pytest.mark.parametrize(
    "url_name",
    ["members:list", "organizations:list", "employers:employer_list", "employers:site_list"],
)
def test_lists_scroll_in_a_keyboard_region_and_fold_their_filters(client, tree, city_staff, url_name):
    client.force_login(city_staff)
    html = client.get(reverse(url_name)).content.decode()
    region = r'<div class="table-responsive table-scroll" tabindex="0" role="region" aria-label="[^"]+">'
    assert re.search(region, html)
    assert 'data-bs-toggle="collapse"' in html and 'class="collapse filter-panel"' in html


def test_filters_start_open_on_a_phone_when_one_is_set(client, tree, city_staff):
    client.force_login(city_staff)
    html = client.get(reverse("members:list"), {"q": "王"}).content.decode()
    assert 'class="collapse filter-panel show"' in html and 'aria-expanded="true"' in html
