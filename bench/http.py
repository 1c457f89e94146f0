"""The same pages over real HTTP (issue 15): gunicorn with 2 workers on 127.0.0.1.

Three throwaway users (city, county, branch; no usable password) with sessions logged in
before the clock starts; each page requested one after another (no concurrency: bench/
loadtest.py is the load test), with the htmx partials it loads on open, timed from the
request to the last byte of the last partial. gunicorn is stopped and the users and their
sessions deleted afterwards, also when interrupted.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import requests
from django.conf import settings

from .loadtest import drop_users, log_in, make_users, wait_until_up
from .pages import ACTORS, PAGES, measured_by, part_name, part_target_ms, partials_loaded_by, resolve
from .stats import time_parts

ROOT = Path(__file__).resolve().parent.parent
USER_PREFIX = "benchhttp"


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DEBUG": "0", "HTTPS": "0", "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": _database_url()}
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "unionportal.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning", "--no-control-socket"],
        cwd=ROOT, env=env,
    )


def _session(base: str, key: str) -> requests.Session:
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, key, domain="127.0.0.1", path="/")
    session.get(base + "/members/", timeout=30)  # sets the CSRF cookie for the find form
    return session


def _measure(session: requests.Session, base: str, page, sample, actor: str, *, repeats: int, warmup: int) -> dict:
    path = resolve(page, sample, actor)
    row = {"page": page.key, "label": page.label, "actor": actor, "status": "not built",
           "target_ms": page.http_target_ms, "parts": []}
    if path is None:
        return row
    url = base + path
    params = page.params(sample, actor)

    def get():
        if page.method == "post":
            data = {**params, "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")}
            return session.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=60)
        return session.get(url, params=params, allow_redirects=False, timeout=60)

    first = get()
    if first.status_code not in page.ok_status or "/accounts/login/" in first.headers.get("Location", ""):
        row["status"] = f"HTTP {first.status_code}"
        return row
    partials = [urljoin(url, p) for p in partials_loaded_by(first.content)] if page.method == "get" else []
    actions = [get] + [lambda p=p: session.get(p, timeout=60) for p in partials]
    total, each = time_parts(actions, repeats=repeats, warmup=warmup)
    row.update(status="ok", timing=total.as_dict())
    if partials:
        row["parts"] = [{"label": "page", "timing": each[0].as_dict(), "target_ms": None}] + [
            {"label": part_name(p.replace(base, "")), "timing": t.as_dict(), "target_ms": part_target_ms(p)}
            for p, t in zip(partials, each[1:], strict=True)]
    p95 = row["timing"]["p95_ms"]
    row["met"] = None if page.http_target_ms is None else p95 < page.http_target_ms and all(
        part["timing"]["p95_ms"] < part["target_ms"] for part in row["parts"] if part.get("target_ms"))
    return row


def measure_pages_over_http(sample, *, repeats: int, warmup: int, port: int = 8771, workers: int = 2,
                            say=print) -> dict:
    usernames = [f"{USER_PREFIX}-{key}" for key in ACTORS]
    drop_users(usernames)  # left by an interrupted run
    users = make_users(sample, prefix=USER_PREFIX)
    keys = log_in(users, len(users))
    gunicorn = start_gunicorn(port, workers)
    base = f"http://127.0.0.1:{port}"
    results = {"workers": workers, "url": base, "pages": []}
    try:
        wait_until_up(base)
        for actor, key in zip(ACTORS, keys, strict=True):
            session = _session(base, key)
            for page in (p for p in PAGES if measured_by(p, actor)):
                row = _measure(session, base, page, sample, actor, repeats=repeats, warmup=warmup)
                say(f"    http {actor:7} {page.label:50} {row['status']:10} {row.get('timing', {}).get('p95_ms', '')}")
                results["pages"].append(row)
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=15)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
        drop_users(usernames)
    return results
