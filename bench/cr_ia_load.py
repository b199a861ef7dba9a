"""Impact-assessment submission under load: 200 organisations answer one CR through the real
pages, 50 concurrent clients, gunicorn on PostgreSQL, loopback only.

    .venv/bin/python bench/cr_ia_load.py --port 8113 --database sp_cr_bench \\
        --organisations 200 --clients 50 --time-limit 300

The script (re)creates the database, loads the demo programme, tops the parties up to
--organisations, issues the IA to all of them and starts gunicorn. Each organisation's person
signs in first, in a separate timed phase a few at a time: the password hash costs about half a
second of CPU by design, and 200 people do not sign in within the same second. Then the measured
load: 50 clients at once, each organisation opens the response form, saves a draft, reopens the
form and submits (the form's version travels as a real browser's would). Finally it stops
gunicorn and checks in the database that every organisation's response is there, submitted by its
person, with what its client sent. It prints p50/p95 latency per step and the error count, as
recorded in docs/BENCHMARKS.md; exit status 1 if any request failed or any response is missing.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-ia-password-2024"
RECOMMENDATIONS = ("yes", "no", "abstain")


def _database_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def recreate_database(name: str) -> None:
    if not re.fullmatch(r"[a-z0-9_]+", name) or not name.endswith("_bench"):
        raise SystemExit("Refusing: the benchmark database name must end in _bench")
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')


def prepare(organisations: int) -> tuple[int, list[tuple[str, int]]]:
    """Migrate, load the demo, top up the parties, one person each, issue the IA to all."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from change_requests import services
    from change_requests.models import ChangeType
    from portal.models import Constituency, Organisation, Role, User

    call_command("migrate", verbosity=0)
    call_command("load_programme", verbosity=0)
    parties = list(Organisation.objects.filter(is_programme_party=True, active=True))
    constituency = Constituency.objects.order_by("position").first()
    for number in range(len(parties) + 1, organisations + 1):
        Organisation.objects.create(
            name=f"Bench Party {number:03d}", constituency=constituency, is_programme_party=True
        )
    parties = list(
        Organisation.objects.filter(is_programme_party=True, active=True).order_by("pk")
    )[:organisations]
    # One hash for all: PBKDF2 per user would make set-up, not the benchmark, the slow part.
    password_hash = make_password(PASSWORD)
    User.objects.bulk_create(
        [
            User(
                email=f"bench{index:03d}@bench.invalid",
                full_name=f"Bench Person {index:03d}",
                role=Role.PARTICIPANT,
                organisation=organisation,
                password=password_hash,
            )
            for index, organisation in enumerate(parties)
        ]
    )
    pmo = User.objects.filter(role=Role.PMO).first()
    cr = services.change_request_create(
        actor=pmo,
        title="Benchmark: change to the SIT window",
        change_type=ChangeType.objects.get(name="Full Impact Assessment"),
    )
    services.change_request_raise(actor=pmo, change_request=cr)
    services.change_request_validate(actor=pmo, change_request=cr)
    services.change_request_issue_ia(
        actor=pmo, change_request=cr, organisations=parties, send_emails=False
    )
    users = [
        (f"bench{index:03d}@bench.invalid", organisation.pk)
        for index, organisation in enumerate(parties)
    ]
    return cr.pk, users


def start_server(port: int, database: str, workers: int, threads: int, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(database),
        "CELERY_BROKER_URL": "",  # receipts are sent in-process
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/", timeout=10).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def timed(self, step, call, expected=(200, 302)):
        started = time.perf_counter()
        try:
            response = call()
        except requests.RequestException as exc:
            with self.lock:
                self.errors.append(f"{step}: {exc.__class__.__name__}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.timings.setdefault(step, []).append(elapsed)
            if response.status_code not in expected:
                self.errors.append(f"{step}: HTTP {response.status_code}")
                return None
        return response


def sign_in(base, email, recorder: Recorder):
    """A signed-in session for `email` (sign-in is timed apart: its cost is the password hash)."""
    session = requests.Session()
    login_url = f"{base}/accounts/login/"
    page = recorder.timed("login form", lambda: session.get(login_url, timeout=60))
    if page is None:
        return None
    token = _TOKEN.search(page.text).group(1)
    done = recorder.timed(
        "sign in",
        lambda: session.post(
            login_url,
            {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": login_url},
            timeout=60,
            allow_redirects=False,
        ),
        expected=(302,),
    )
    return session if done is not None else None


def respond(base, cr_pk, session, email, index, recorder: Recorder, stop_at: float):
    """Open the form, save a draft, reopen it, submit: what one organisation does."""
    if session is None:
        return
    if time.monotonic() > stop_at:
        with recorder.lock:
            recorder.errors.append(f"{email}: not started within the time limit")
        return
    url = f"{base}/change-requests/{cr_pk}/respond/"
    recommendation = RECOMMENDATIONS[index % 3]
    fields = {
        "recommendation": recommendation,
        "cost_impact": "low",
        "resource_impact": "medium",
        "benefits": f"Benefit stated by {email}",
        "rationale": f"Rationale of {email}",
    }
    for step, action in (("save draft", "draft"), ("submit", "submit")):
        form = recorder.timed("open form", lambda: session.get(url, timeout=60))
        if form is None:
            return
        token = _TOKEN.search(form.text).group(1)
        version = _VERSION.search(form.text).group(1)
        data = {**fields, "csrfmiddlewaretoken": token, "version": version, "action": action}
        saved = recorder.timed(
            step,
            lambda data=data: session.post(
                url,
                data,
                headers={"Referer": url},
                timeout=60,
                allow_redirects=False,
            ),
            expected=(302,),
        )
        if saved is None:
            return


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def verify(cr_pk: int, users: list[tuple[str, int]]) -> list[str]:
    from change_requests.models import Response

    problems = []
    responses = {
        r.organisation_id: r
        for r in Response.objects.filter(change_request_id=cr_pk).select_related("submitted_by")
    }
    for index, (email, organisation_id) in enumerate(users):
        response = responses.get(organisation_id)
        if response is None:
            problems.append(f"{email}: no response in the database")
        elif response.status != "submitted" or response.submitted_by.email != email:
            problems.append(f"{email}: response not submitted by its person")
        elif response.recommendation != RECOMMENDATIONS[index % 3] or (
            response.benefits != f"Benefit stated by {email}"
        ):
            problems.append(f"{email}: stored response differs from what was sent")
    extra = set(responses) - {org for _, org in users}
    if extra:
        problems.append(f"{len(extra)} unexpected responses")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8113)
    parser.add_argument("--database", default="sp_cr_bench")
    parser.add_argument("--organisations", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--signin-clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--time-limit", type=int, default=300, help="seconds for the load phase")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = _database_url(args.database)
    os.environ["CELERY_BROKER_URL"] = ""
    recreate_database(args.database)
    started = time.perf_counter()
    cr_pk, users = prepare(args.organisations)
    print(f"Set-up: {len(users)} organisations invited in {time.perf_counter() - started:.1f}s")

    from django.db import connections

    connections.close_all()
    log = open(ROOT / "var" / "cr_ia_load_gunicorn.log", "w")  # noqa: SIM115 (lives with server)
    server = start_server(args.port, args.database, args.workers, args.threads, log)
    recorder = Recorder()
    base = f"http://127.0.0.1:{args.port}"
    try:
        # Phase 1: everyone signs in, a few at a time (PBKDF2 is deliberately slow; people do
        # not all sign in within the same second). Timed, but apart from the load phase.
        signin_started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.signin_clients) as pool:
            sessions = list(pool.map(lambda user: sign_in(base, user[0], recorder), users))
        signin_wall = time.perf_counter() - signin_started
        # Phase 2, the benchmark: every organisation drafts and submits, 50 at a time.
        load_started = time.perf_counter()
        stop_at = time.monotonic() + args.time_limit
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            futures = [
                pool.submit(respond, base, cr_pk, session, email, index, recorder, stop_at)
                for index, ((email, _), session) in enumerate(zip(users, sessions, strict=True))
            ]
            for future in futures:
                future.result(timeout=args.time_limit + 120)
        wall = time.perf_counter() - load_started
    finally:
        stop_server(server)
        log.close()

    problems = verify(cr_pk, users)
    load_steps = ("open form", "save draft", "submit")
    all_times = [t for step in load_steps for t in recorder.timings.get(step, [])]
    print(
        f"\nSign-in phase: {len(users)} people, {args.signin_clients} at a time, {signin_wall:.1f}s"
    )
    print(
        f"Load phase: {len(users)} organisations, {args.clients} concurrent clients, gunicorn "
        f"{args.workers} workers x {args.threads} threads, PostgreSQL; {wall:.1f}s, "
        f"{len(all_times)} requests ({len(all_times) / wall:.1f}/s)\n"
    )
    print("| step | requests | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    for step in ("login form", "sign in", "open form", "save draft", "submit"):
        values = recorder.timings.get(step, [])
        if values:
            print(
                f"| {step} | {len(values)} | {statistics.median(values) * 1000:.0f} | "
                f"{percentile(values, 0.95) * 1000:.0f} | {max(values) * 1000:.0f} |"
            )
    print(
        f"| load phase (open, draft, submit) | {len(all_times)} | "
        f"{statistics.median(all_times) * 1000:.0f} | "
        f"{percentile(all_times, 0.95) * 1000:.0f} | {max(all_times) * 1000:.0f} |"
    )
    print(
        f"\nErrors: {len(recorder.errors)}"
        + (f" ({recorder.errors[:5]})" if recorder.errors else "")
    )
    submitted = len(users) - len(problems)
    print(
        f"Responses verified in the database: {submitted}/{len(users)}"
        + (f"; problems: {problems[:5]}" if problems else "")
    )
    sys.exit(1 if recorder.errors or problems else 0)


if __name__ == "__main__":
    main()
