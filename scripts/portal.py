"""The two commands of the README, for any machine (see scripts/services.py for the fallbacks).

    portal.py run             PostgreSQL + Redis, migrate, collectstatic, compilemessages, seed_demo,
                              then web (gunicorn), Celery worker and beat under honcho (Procfile);
                              Ctrl-C stops them all, then whatever this script started.
    portal.py test [ARGS]     PostgreSQL + Redis, compilemessages, then pytest ARGS.

Run it with the virtualenv's python (the Makefile does): it imports psycopg2, redis, pgserver.
"""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from services import ROOT, ServiceError, Services, find_services  # noqa: E402


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def manage(env: dict, *args: str) -> None:
    say("manage.py " + " ".join(args))
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def compile_messages(env: dict) -> None:
    if not any((ROOT / "locale").rglob("*.po")):
        return
    if not shutil.which("msgfmt"):
        say("gettext (msgfmt) not installed: using the committed .mo catalogues")
        return
    ignored = ["--ignore", ".venv", "--ignore", "var", "--ignore", "staticfiles"]
    manage(env, "compilemessages", *ignored, "-v", "0")


def supervise(command: list[str], env: dict, *, forward: tuple, stopping_is_success: bool = False) -> int:
    """Run `command` to its end; pass on the given signals instead of dying of them."""
    child = subprocess.Popen(command, cwd=ROOT, env=env)
    stopped = []

    def pass_on(signum, frame):
        stopped.append(signum)
        if child.poll() is None and signum in forward:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, pass_on) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        returncode = child.wait()
        return 0 if stopped and stopping_is_success else returncode
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def base_env(services: Services) -> dict:
    env = services.env
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    say(f"PostgreSQL: {services.postgres}")
    say(f"Redis:      {services.redis}")
    if services.eager:
        say("NOTICE: no Redis could be found or started. Background tasks run in-process (eagerly),")
        say("        no Celery worker or beat is started, and /healthz/ reports Redis and Celery down.")
    return env


def run(services: Services) -> int:
    env = base_env(services)
    env.setdefault("DEBUG", "0")
    env.setdefault("HTTPS", "0")  # plain http://127.0.0.1: secure-only cookies would never be sent
    env.setdefault("PORT", "8000")
    # One time zone in every log line: gunicorn's master and honcho's prefix use the process's
    # local time, which Django alone sets only once its settings load (TIME_ZONE).
    env["TZ"] = "Asia/Shanghai"
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    compile_messages(env)
    manage(env, "seed_demo", "--scale", "small")
    processes = ["web"] if services.eager else []
    say(f"UnionPortal at http://127.0.0.1:{env['PORT']}/  (Ctrl-C stops web, worker and beat)")
    honcho = [sys.executable, "-m", "honcho", "start", "--procfile", "Procfile", *processes]
    # honcho stops its processes on SIGINT/SIGTERM; Ctrl-C reaches it directly too (twice is harmless).
    every_stop = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    return supervise(honcho, env, forward=every_stop, stopping_is_success=True)


def test(services: Services, pytest_args: list[str]) -> int:
    env = base_env(services)
    compile_messages(env)
    if services.eager:
        say("NOTICE: without Redis the tests marked celery_worker are deselected")
        pytest_args = ["-m", "not celery_worker", *pytest_args]
    # Ctrl-C reaches pytest directly; a second SIGINT from us would cut its teardown short.
    pytest = [sys.executable, "-m", "pytest", *pytest_args]
    return supervise(pytest, env, forward=(signal.SIGTERM, signal.SIGHUP))


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("run", [])
    if command not in {"run", "test"}:
        print(__doc__)
        return 2
    try:
        services = find_services(os.environ)
    except ServiceError as exc:
        say(f"ERROR: {exc}")
        return 1
    try:
        return run(services) if command == "run" else test(services, args)
    except subprocess.CalledProcessError as exc:
        say(f"ERROR: {' '.join(map(str, exc.cmd[1:]))} failed with exit code {exc.returncode}")
        return exc.returncode
    finally:
        services.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
