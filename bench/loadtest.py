"""Load test driver (issue 8): gunicorn on 127.0.0.1, locust at 10 and 50 users, then stop.

    .venv/bin/python bench/loadtest.py [--port 8770] [--seconds 30] [--users 10 50] [--workers 2]
    .venv/bin/python bench/loadtest.py --checkin [--seconds 60] [--users 50]

`--checkin` (issue 18) is phones at a venue's entrance instead of logged-in users: a throwaway
event in its check-in window with enough registrations that every POST checks a new person in
(bench/locust_checkin.py); it reports the GET and the POST apart, checks that every answered
check-in was counted once, and deletes the event afterwards. Both modes print the load average
before and after each run and how much CPU locust and gunicorn's workers used (locust on the
same cores can saturate one and then measures itself).

Creates three throwaway users (city, county, branch; no usable password) and logs in one
session per simulated user through Django's login(), starts gunicorn bound to 127.0.0.1
only, runs locust headless for a bounded time at each user count, prints requests/s, p95
and errors, writes benchmark-results/loadtest.json, then stops gunicorn and deletes the
users and their sessions — also when interrupted.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path, where bench/http.py shadows the
# standard library's http (urllib.request imports it): the project root instead.
sys.path[:1] = [str(ROOT)]

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from urllib.parse import urlencode  # noqa: E402
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU a running process has used (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def run_locust(url: str, users: int, seconds: int, env: dict, out_dir: Path, *, locustfile: str = "locustfile.py",
               server_pid: int | None = None, wait: str = "") -> dict:
    prefix = out_dir / f"locust-{Path(locustfile).stem}-{users}"
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / locustfile), "--headless",
               "--host", url, "-u", str(users), "-r", str(max(1, users // 2)), "-t", f"{seconds}s",
               "--stop-timeout", "10", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
    totals_path = Path(f"{prefix}_pages.json")
    totals_path.unlink(missing_ok=True)
    workers = children_of(server_pid) if server_pid else []
    server_before = sum(cpu_seconds(pid) for pid in workers)
    load_before, started = os.getloadavg(), time.monotonic()
    locust = subprocess.Popen(command, env={**env, "LOADTEST_RESULT": str(totals_path)}, cwd=ROOT)
    try:
        _pid, _status, usage = os.wait4(locust.pid, 0)  # its CPU, from the kernel's account
    except BaseException:
        locust.kill()
        raise
    wall = time.monotonic() - started
    load_after = os.getloadavg()
    server_cpu = sum(cpu_seconds(pid) for pid in workers) - server_before
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}

    def figures(row):
        return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1), "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]), "p99_ms": float(row["99%"]), "max_ms": float(row["Max Response Time"])}

    aggregated = rows.pop("Aggregated", None)
    # Totals over the page requests only (the locustfile leaves the logins out).
    total = json.loads(totals_path.read_text()) if totals_path.exists() else (
        figures(aggregated) if aggregated else None)
    return {"users": users, "seconds": seconds, "wait": wait, "total": total,
            "by_page": {name: figures(row) for name, row in rows.items()},
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
            "locust_cpu_percent_of_a_core": round(100 * (usage.ru_utime + usage.ru_stime) / wall, 1),
            "server_workers": len(workers),
            "server_cpu_percent_of_a_core": round(100 * server_cpu / wall, 1) if workers else None}


CHECKIN_TITLE = "压测：入场签到"


def make_checkin_event(sample, user, people: int):
    """A throwaway event of the sample union, in its check-in window now, with `people`
    registrations (name + last 4 of the ID number); returns (event, the signed link, [(name, last4)])."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from apps.events.models import Event, Registration
    from apps.events.tokens import checkin_token

    now = timezone.now().replace(microsecond=0)
    # bulk_create: no history rows for a load test's event (deleting it below adds one).
    event = Event.objects.bulk_create([Event(
        kind="lecture", title=CHECKIN_TITLE, organization=sample.union, created_by=user, status="planned",
        starts_at=now - datetime.timedelta(minutes=10), ends_at=now + datetime.timedelta(hours=3))])[0]
    registered = [(f"压测{n:05d}", f"{(n * 7919) % 10000:04d}") for n in range(people)]
    Registration.objects.bulk_create(
        [Registration(event=event, name=name, id_last4=last4, registered_by=user) for name, last4 in registered],
        batch_size=2000)
    url = reverse("events:checkin", kwargs={"pk": event.pk, "token": checkin_token(event)})
    return event, url, registered


def run_checkin(args, sample, url: str, env: dict, out_dir: Path, server_pid: int) -> list[dict]:
    from django.core.cache import cache

    from apps.events.models import CheckIn, Event

    Event.objects.filter(title=CHECKIN_TITLE, created_by__username__startswith="loadtest-").delete()  # a leftover
    users = make_users(sample, prefix="loadtest")
    event = None
    runs = []
    try:
        # Each phone's cycle is 2 requests and two waits of 3–8 s: about 11 s a person.
        people = max(args.users) * (args.seconds // 5 + 4) * len(args.users)
        event, path, registered = make_checkin_event(sample, users[0], people)
        people_file = out_dir / "checkin-people.tsv"
        people_file.write_text("".join(f"{name}\t{last4}\n" for name, last4 in registered), encoding="utf-8")
        offset = 0
        for count in args.users:
            # Every phone at a venue shares its Wi-Fi's address: start each run with that
            # address's window fresh, as a new event's entrance would.
            cache.delete("ratelimit:checkin:addr:127.0.0.1")
            run_people = out_dir / f"checkin-people-{count}.tsv"
            run_people.write_text("".join(f"{n}\t{l}\n" for n, l in registered[offset:]), encoding="utf-8")
            before = CheckIn.objects.filter(event=event).count()
            print(f"==> locust: {count} phones for {args.seconds} s (wait 3-8 s after each step)", flush=True)
            run = run_locust(url, count, args.seconds, {**env, "LOADTEST_CHECKIN_URL": path,
                                                         "LOADTEST_PEOPLE": str(run_people)},
                             out_dir, locustfile="locust_checkin.py", server_pid=server_pid, wait="between(3, 8)")
            posts = run["by_page"].get("check-in (POST)", {})
            done = CheckIn.objects.filter(event=event).count() - before
            run["checkins_written"] = done
            run["checkin_count_kept"] = Event.objects.get(pk=event.pk).checkin_count
            run["posts_answered"] = posts.get("requests", 0) - posts.get("failures", 0)
            offset += done
            runs.append(run)
    finally:
        if event is not None:
            Event.objects.filter(pk=event.pk).delete()
        drop_users([user.username for user in users])
    return runs


def print_runs(runs) -> None:
    print(f"{'users':>5} {'page':24} {'requests':>9} {'rps':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
          f" {'errors':>6}")
    for run in runs:
        pages = run["by_page"] if run.get("wait") else {"page mix": run["total"]} if run["total"] else {}
        for name, t in pages.items():
            print(f"{run['users']:5} {name[:24]:24} {t['requests']:9} {t['rps']:6} {t['p50_ms']:7.0f}"
                  f" {t['p95_ms']:7.0f} {t.get('p99_ms', 0):7.0f} {t['failures']:6}")
        print(f"      load average {run['load_average_before']} -> {run['load_average_after']}; locust "
              f"{run['locust_cpu_percent_of_a_core']} % of a core; gunicorn's {run['server_workers']} workers "
              f"{run['server_cpu_percent_of_a_core']} % of a core"
              + (f"; check-ins written {run['checkins_written']} for {run['posts_answered']} answered POSTs, "
                 f"the event's kept count {run['checkin_count_kept']}" if "checkins_written" in run else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8770)
    parser.add_argument("--seconds", type=int, default=None, help="per run (30; 60 with --checkin)")
    parser.add_argument("--users", type=int, nargs="+", default=None, help="simulated users per run (10 50; 50)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--checkin", action="store_true", help="phones checking in at a venue (issue 18)")
    args = parser.parse_args()
    args.seconds = args.seconds or (60 if args.checkin else 30)
    args.users = args.users or ([50] if args.checkin else [10, 50])
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
    from django.conf import settings

    env = {**os.environ, "DEBUG": "0", "HTTPS": "0", "ALLOWED_HOSTS": "127.0.0.1"}
    if not args.checkin:
        users = make_users(sample)
        env.update(LOADTEST_SESSION_COOKIE=settings.SESSION_COOKIE_NAME,
                   LOADTEST_SESSIONS=",".join(log_in(users, max(args.users))),
                   LOADTEST_PAGES=json.dumps(page_mix(sample)))
    out_dir = ROOT / "benchmark-results"
    out_dir.mkdir(exist_ok=True)
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "unionportal.wsgi:application", "--bind",
         f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--log-level", "warning",
         "--no-control-socket"],
        cwd=ROOT, env=env,
    )
    results = {"url": url, "workers": args.workers, "mode": "checkin" if args.checkin else "pages",
               "pages": json.loads(env.get("LOADTEST_PAGES", "[]")), "runs": []}
    try:
        wait_until_up(url)
        if args.checkin:
            results["runs"] = run_checkin(args, sample, url, env, out_dir, gunicorn.pid)
        else:
            for users in args.users:
                print(f"==> locust: {users} users for {args.seconds} s", flush=True)
                results["runs"].append(run_locust(url, users, args.seconds, env, out_dir, server_pid=gunicorn.pid))
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=15)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
        if not args.checkin:
            drop_users(usernames)
    name = "loadtest-checkin.json" if args.checkin else "loadtest.json"
    (out_dir / name).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print_runs(results["runs"])


if __name__ == "__main__":
    main()
