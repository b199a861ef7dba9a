"""Programme dashboard under load: p50/p95 server time with 16 concurrent clients, gunicorn on
PostgreSQL, beside the same server's figure for a trivial view (/health/).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_dash_bench \\
        .venv/bin/python bench/dashboard_bench.py --setup      # migrate + scaled dataset (once)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_dash_bench \\
        .venv/bin/python bench/dashboard_bench.py --port 8116 --clients 16 --requests 25

Server time is gunicorn's own measure of each request (access-log %(D)s: from the worker reading
the request to the response written), so it excludes queueing for a free worker; the client-side
latency, which includes that queueing, is printed beside it. Loopback only.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def setup_dataset() -> None:
    django_setup()
    from django.core.management import call_command
    from django.utils import timezone

    from bench.dashboard_dataset import Sizes, build
    from milestones.models import Milestone

    call_command("migrate", verbosity=0)
    if Milestone.objects.filter(title__startswith="Bench milestone ").exists():
        print("Dataset already present; nothing to do.")
        return
    started = time.perf_counter()
    summary = build(Sizes(), on=timezone.localdate())
    print(f"Built {summary} in {time.perf_counter() - started:.0f}s")


def session_cookie(role: str) -> str:
    """A signed-in session for a bench user of `role`, as the login view would create."""
    django_setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from portal.models import Organisation, Role, User

    organisation = Organisation.objects.filter(name__startswith="Bench party ").first()
    user, _ = User.objects.get_or_create(
        email=f"bench-{role}@example.org",
        defaults={
            "full_name": f"Bench {role}",
            "role": role,
            "organisation": organisation if role == Role.PARTICIPANT else None,
        },
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def hammer(url: str, cookie: str, clients: int, per_client: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[str] = []

    def worker():
        for _ in range(per_client):
            request = urllib.request.Request(url, headers={"Cookie": cookie})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    if response.status != 200:
                        errors.append(str(response.status))
            except Exception as exc:  # a failed request must show in the report
                errors.append(repr(exc))
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    return latencies


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def server_times(log: Path, path: str, since_line: int) -> list[float]:
    times = []
    for line in log.read_text().splitlines()[since_line:]:
        parts = line.split()
        if len(parts) == 3 and parts[0] == path and parts[1] == "200":
            times.append(int(parts[2]) / 1000)
    return times


def run(args) -> None:
    # Stop gunicorn with this script even when the script itself is killed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    env = dict(os.environ, DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost")
    cookies = {role: session_cookie(role) for role in ("pmo", "participant")}
    log = Path(tempfile.mkdtemp()) / "access.log"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(U)s %(s)s %(D)s",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/health/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        results = []
        targets = [
            ("trivial view /health/", "/health/", "pmo"),
            ("dashboard as PMO", "/dashboards/", "pmo"),
            ("dashboard as participant", "/dashboards/", "participant"),
            ("dashboard filtered (SITAG, T3)", "/dashboards/?forum=SITAG&tier=T3", "pmo"),
        ]
        for label, path, role in targets:
            hammer(base + path, cookies[role], args.workers, 2)  # warm every worker
            mark = len(log.read_text().splitlines()) if log.exists() else 0
            started = time.perf_counter()
            client = hammer(base + path, cookies[role], args.clients, args.requests)
            elapsed = time.perf_counter() - started
            timed = server_times(log, path.split("?")[0], mark)
            results.append((label, len(client), timed, client, len(client) / elapsed))
        print(
            f"\n{args.clients} concurrent clients, {args.workers} gunicorn workers, "
            f"{args.requests} requests per client\n"
        )
        print(
            "| view | requests | server p50 ms | server p95 ms | client p50 ms | "
            "client p95 ms | req/s |"
        )
        print("|---|---|---|---|---|---|---|")
        for label, count, timed, client, rate in results:
            print(
                f"| {label} | {count} | {statistics.median(timed):.1f} | "
                f"{percentile(timed, 95):.1f} | {statistics.median(client):.1f} | "
                f"{percentile(client, 95):.1f} | {rate:.0f} |"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="migrate and build the dataset")
    parser.add_argument("--port", type=int, default=8116)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=25, help="per client")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if "sp_dash_bench" not in os.environ.get("DATABASE_URL", ""):
        raise SystemExit("Set DATABASE_URL to the benchmark database (sp_dash_bench).")
    if args.setup:
        setup_dataset()
    else:
        run(args)


if __name__ == "__main__":
    main()
