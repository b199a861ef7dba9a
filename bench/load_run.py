"""Load and soak: a realistic mix of participants, PMO staff and steering group members for
a bounded time against gunicorn + PostgreSQL + a real Celery worker, loopback only.

    .venv/bin/python bench/load_run.py --port 8117 --database sp_api_load \\
        --users 50 --run-time 5m

It (re)creates the database, prepares it (bench/load_setup.py: demo programme, a published
PSG 36 pack, one CR open to every party with one person each), starts a Celery worker and
gunicorn, runs locust headless (bench/load_locustfile.py), stops everything it started, then
checks in the database that every write the clients saw accepted is there (each party's
latest response, each milestone's latest commentary, every reforecast). It prints the locust
figures (throughput, p50/p95/p99, errors) as a Markdown table for docs/BENCHMARKS.md and exits
1 on any failed request or missing write.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def _database_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def _recreate(name: str) -> None:
    for command in (["dropdb", "--if-exists"], ["createdb"]):
        subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def _start(command, env, log: Path):
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process, timeout=30):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _verify(env: dict, fixture: dict, writes: dict) -> list[str]:
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "MEDIA_ROOT")})
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from change_requests.models import Response
    from milestones.models import Milestone, Reforecast

    problems = []
    saved = {
        str(r.organisation_id): r for r in Response.objects.filter(change_request_id=fixture["cr"])
    }
    for organisation_id, expected in writes["responses"].items():
        response = saved.get(organisation_id)
        if response is None:
            problems.append(f"response of organisation {organisation_id} missing")
        elif (response.benefits, response.status) != (expected["benefits"], expected["status"]):
            problems.append(
                f"response of organisation {organisation_id}: {response.benefits!r}/"
                f"{response.status} in the database, {expected} accepted"
            )
    commentary = dict(
        Milestone.objects.filter(pk__in=[int(k) for k in writes["commentary"]]).values_list(
            "pk", "commentary"
        )
    )
    for pk, text in writes["commentary"].items():
        if commentary.get(int(pk)) != text:
            problems.append(
                f"milestone {pk}: commentary {commentary.get(int(pk))!r}, sent {text!r}"
            )
    for pk, count in writes["reforecasts"].items():
        stored = Reforecast.objects.filter(milestone_id=int(pk), reason="Load test slip").count()
        if stored != count:
            problems.append(f"milestone {pk}: {stored} reforecasts stored, {count} accepted")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8117)
    parser.add_argument("--database", default="sp_api_load")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--users", type=int, default=50)
    # People arrive over about a minute, not all in the same second (each sign-in costs a
    # deliberately slow password hash).
    parser.add_argument("--spawn-rate", type=float, default=1)
    parser.add_argument("--run-time", default="5m")
    parser.add_argument("--participants", type=int, default=120)
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    args = parser.parse_args()

    out = ROOT / "var" / "load"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*"):
        if old.is_file():
            old.unlink()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(args.database),
        "MEDIA_ROOT": str(out / "media"),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    _recreate(args.database)
    fixture_path = out / "fixture.json"
    print("Preparing the database…", flush=True)
    subprocess.run(
        [
            sys.executable,
            "bench/load_setup.py",
            "--out",
            str(fixture_path),
            "--participants",
            str(args.participants),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    fixture = json.loads(fixture_path.read_text())

    served = {**env, "CELERY_BROKER_URL": args.broker}
    worker = _start(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "portal",
            "worker",
            "--loglevel=WARNING",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"load{time.time_ns()}@%h",
        ],
        served,
        out / "worker.log",
    )
    server = _start(
        [
            str(VENV_BIN / "gunicorn"),
            "portal.wsgi",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            str(args.gunicorn_workers),
            "--threads",
            str(args.gunicorn_threads),
            "-k",
            "gthread",
            "--timeout",
            "60",
            "--access-logfile",
            "-",
            # No keep-alive, as behind a reverse proxy: with gthread's default the server closes
            # idle kept-alive connections just as a client reuses them (connection resets).
            "--keep-alive",
            "0",
        ],
        served,
        out / "gunicorn.log",
    )
    host = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(60):
            try:
                if requests.get(f"{host}/health/", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(1)
        else:
            raise SystemExit("gunicorn did not start; see var/load/gunicorn.log")
        print(f"Running locust: {args.users} users for {args.run_time}…", flush=True)
        locust_env = {
            **served,
            "LOAD_FIXTURE": str(fixture_path),
            "LOAD_WRITES_LOG": str(out / "writes.json"),
        }
        started = time.monotonic()
        subprocess.run(
            [
                str(VENV_BIN / "locust"),
                "-f",
                "bench/load_locustfile.py",
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                args.run_time,
                "--host",
                host,
                "--csv",
                str(out / "stats"),
                "--only-summary",
                "--stop-timeout",
                "30",
            ],
            cwd=ROOT,
            env=locust_env,
            check=False,
        )
        elapsed = time.monotonic() - started
        time.sleep(5)  # let the worker finish the receipts and recomputes just queued
    finally:
        _stop(server)
        _stop(worker)

    writes = json.loads((out / "writes.json").read_text())
    with (out / "stats_stats.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(
        f"\nRun: {elapsed:.0f} s, {args.users} users, gunicorn {args.gunicorn_workers}x"
        f"{args.gunicorn_threads} gthread, 1 Celery worker (2 processes)\n"
    )
    print("| request | count | failures | p50 ms | p95 ms | p99 ms | req/s |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | "
            f"{float(row['Requests/s']):.1f} |"
        )
    problems = _verify(env, fixture, writes)
    accepted = (
        len(writes["responses"]),
        len(writes["commentary"]),
        sum(writes["reforecasts"].values()),
    )
    print(
        f"\nWrites checked in the database: {accepted[0]} parties' responses, "
        f"{accepted[1]} milestones' commentary, {accepted[2]} reforecasts; "
        f"{len(problems)} missing or different"
    )
    for problem in problems[:20]:
        print("  -", problem)
    failed = int(total["Failure Count"])
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
