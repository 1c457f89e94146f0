"""Load test driver (issue 8): gunicorn on 127.0.0.1, locust at 10 and 50 users, then stop.

    .venv/bin/python bench/loadtest.py [--port 8770] [--seconds 30] [--users 10 50] [--workers 2]

Creates three throwaway users (city, county, branch; no usable password) and logs in one
session per simulated user through Django's login(), starts gunicorn bound to 127.0.0.1
only, runs locust headless for a bounded time at each user count, prints requests/s, p95
and errors, writes benchmark-results/loadtest.json, then stops gunicorn and deletes the
users and their sessions — also when interrupted.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")

PAGE_WEIGHTS = {"member_list": 4, "member_list_filtered": 2, "member_search_id": 2,
                "member_search_id_suffix": 1, "member_search_name": 2, "member_detail": 3,
                "organization_tree": 1, "establishment_rate": 1, "hardship_list": 1, "event_list": 1,
                "dashboard": 1}


def page_mix(sample) -> list:
    from bench.pages import PAGES, resolve

    mix = []
    for page in PAGES:
        path = resolve(page, sample)
        if path and page.key in PAGE_WEIGHTS:
            params = page.params(sample, "county")
            if page.method == "post":
                mix.append([page.key, path, PAGE_WEIGHTS[page.key], params])
            else:
                query = "?" + urlencode(params) if params else ""
                mix.append([page.key, path + query, PAGE_WEIGHTS[page.key], None])
    return mix


def make_users(sample, prefix: str = "loadtest") -> list:
    """The three throwaway users (city, county, branch), with an unusable password."""
    from bench.actors import make_actors

    users = [actor.user for actor in make_actors(sample, prefix=prefix)]
    for user in users:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return users


def log_in(users, count: int) -> list[str]:
    """`count` sessions, round-robin over the users, made through Django's login() before the
    clock starts: password hashing (deliberately slow) is not the page mix being measured."""
    from django.conf import settings
    from django.test import Client

    keys = []
    for index in range(count):
        client = Client()
        client.force_login(users[index % len(users)])
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return keys


def drop_users(usernames) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    User = get_user_model()
    ids = {str(pk) for pk in User.objects.filter(username__in=usernames).values_list("pk", flat=True)}
    for session in Session.objects.iterator():
        if session.get_decoded().get("_auth_user_id") in ids:
            session.delete()
    try:
        User.objects.filter(pk__in=ids).delete()
    except Exception as exc:  # rows that PROTECT the user (an audit entry): keep them, disable
        print(f"==> could not delete load-test users ({exc}); disabling them", flush=True)
        User.objects.filter(pk__in=ids).update(is_active=False)


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/accounts/login/", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url} within {seconds} s")


def run_locust(url: str, users: int, seconds: int, env: dict, out_dir: Path) -> dict:
    prefix = out_dir / f"locust-{users}"
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "--host", url, "-u", str(users), "-r", str(max(1, users // 2)), "-t", f"{seconds}s",
               "--stop-timeout", "5", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
    totals_path = Path(f"{prefix}_pages.json")
    totals_path.unlink(missing_ok=True)
    subprocess.run(command, env={**env, "LOADTEST_RESULT": str(totals_path)}, cwd=ROOT, timeout=seconds + 120)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}

    def figures(row):
        return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1), "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"])}

    rows.pop("Aggregated", None)
    # Totals over the page requests only (the locustfile leaves the logins out).
    total = json.loads(totals_path.read_text()) if totals_path.exists() else None
    return {"users": users, "seconds": seconds, "total": total,
            "by_page": {name: figures(row) for name, row in rows.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8770)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.seconds > 300 or max(args.users) > 200:
        raise SystemExit("bounded on purpose: at most 300 s and 200 users")

    import django

    django.setup()
    from bench.actors import pick_sample

    sample = pick_sample()
    if sample is None:
        raise SystemExit("No members: run `python manage.py seed_demo --scale city` first.")
    url = f"http://127.0.0.1:{args.port}"
    usernames = [f"loadtest-{key}" for key in ("city", "county", "branch")]
    drop_users(usernames)  # left by an interrupted run
    users = make_users(sample)
    from django.conf import settings

    env = {**os.environ, "DEBUG": "0", "HTTPS": "0", "ALLOWED_HOSTS": "127.0.0.1",
           "LOADTEST_SESSION_COOKIE": settings.SESSION_COOKIE_NAME,
           "LOADTEST_SESSIONS": ",".join(log_in(users, max(args.users))),
           "LOADTEST_PAGES": json.dumps(page_mix(sample))}
    out_dir = ROOT / "benchmark-results"
    out_dir.mkdir(exist_ok=True)
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "unionportal.wsgi:application", "--bind",
         f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--log-level", "warning",
         "--no-control-socket"],
        cwd=ROOT, env=env,
    )
    results = {"url": url, "workers": args.workers, "pages": json.loads(env["LOADTEST_PAGES"]), "runs": []}
    try:
        wait_until_up(url)
        for users in args.users:
            print(f"==> locust: {users} users for {args.seconds} s", flush=True)
            results["runs"].append(run_locust(url, users, args.seconds, env, out_dir))
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=15)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
        drop_users(usernames)
    (out_dir / "loadtest.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"{'users':>5} {'requests':>9} {'rps':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>7}")
    for run in results["runs"]:
        t = run["total"]
        if t is None:
            print(f"{run['users']:5} no page requests recorded")
            continue
        print(f"{run['users']:5} {t['requests']:9} {t['rps']:7} {t['p50_ms']:7.0f} {t['p95_ms']:7.0f}"
              f" {t['failures']:7}")


if __name__ == "__main__":
    main()
