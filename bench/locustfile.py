"""Locust load test of the portal on 127.0.0.1 (issue 8): logged-in users on a page mix.

Started by bench/loadtest.py, which creates the users and their logged-in sessions, starts
gunicorn on loopback and passes in LOADTEST_SESSIONS ("key,…") and LOADTEST_PAGES (JSON list of
[name, path, weight, form data or null]: with form data the page is a POST, such as the
find-by-ID form, and its redirect counts as success). Each simulated user takes one
session, then requests pages from the mix with a short think time.
"""

import itertools
import json
import math
import os
import random
import time

from locust import HttpUser, between, events, task

SESSIONS = [key for key in os.environ.get("LOADTEST_SESSIONS", "").split(",") if key]
SESSION_COOKIE = os.environ.get("LOADTEST_SESSION_COOKIE", "sessionid")
PAGES = json.loads(os.environ.get("LOADTEST_PAGES", "[]"))
_next_session = itertools.cycle(SESSIONS or [""])


LOGIN_NAMES = ("setup",)
_page_samples: list[tuple[float, float, bool]] = []  # (when, response ms, failed) of page requests


@events.request.add_listener
def _record_page_request(name, response_time, exception, **kwargs):
    # The setup request is not the page mix: the totals leave it out.
    if name not in LOGIN_NAMES:
        _page_samples.append((time.monotonic(), response_time, exception is not None))


@events.quitting.add_listener
def _write_page_totals(environment, **kwargs):
    path = os.environ.get("LOADTEST_RESULT")
    if not path or not _page_samples:
        return
    times = sorted(ms for _when, ms, _failed in _page_samples)
    span = max(_page_samples[-1][0] - _page_samples[0][0], 1e-6)

    def pct(fraction):
        return round(times[max(1, math.ceil(fraction * len(times))) - 1], 1)

    totals = {"requests": len(times), "failures": sum(failed for *_rest, failed in _page_samples),
              "rps": round(len(times) / span, 1), "p50_ms": pct(0.5), "p95_ms": pct(0.95)}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(totals, handle)


class PortalUser(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self):
        # A session logged in by the driver: logging in (slow password hashing on purpose) is
        # setup, not part of the mix. The first page also sets the CSRF cookie for the find form.
        self.client.cookies.set(SESSION_COOKIE, next(_next_session), domain="127.0.0.1", path="/")
        self.client.get("/members/", name="setup")
        self.names = [entry[0] for entry in PAGES]
        self.weights = [entry[2] for entry in PAGES]
        self.entries = {entry[0]: entry for entry in PAGES}

    @task
    def page(self):
        if not PAGES:
            return
        name, path, _weight, data = self.entries[random.choices(self.names, weights=self.weights)[0]]
        if data is None:
            request = self.client.get(path, name=name, catch_response=True)
            expected = (200,)
        else:
            token = self.client.cookies.get("csrftoken", "")
            request = self.client.post(path, {**data, "csrfmiddlewaretoken": token}, name=name,
                                       headers={"Referer": self.host + path}, allow_redirects=False,
                                       catch_response=True)
            expected = (302,)
        with request as response:
            # A redirect to the login form is a failure too, not a fast page.
            location = response.headers.get("Location", "")
            if response.status_code not in expected or "/accounts/login/" in location:
                response.failure(f"HTTP {response.status_code}")
            elif data is None and "/accounts/login/" in response.url:
                response.failure("redirected to the login form")
