"""RAID log at scale: server time of the log, heat map, theme slides and export, and the pack's
key-items read, with N items (default 3,000), each with history and mitigation steps.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_raid_bench \\
        .venv/bin/python bench/raid_log.py --items 3000 --runs 15

Creates the database if it does not exist, migrates, builds the dataset once (bulk writes on
the governed querysets, so history rows exist), then times each page in-process through
Django's test client (no network: server time only) as a PMO user, who sees every item.
Prints p50/p95 in milliseconds and the SQL query count of each page. Loopback only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ensure_database() -> None:
    import psycopg

    url = urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def build(count: int) -> None:
    from datetime import date, datetime, time

    from django.db import transaction
    from django.utils import timezone

    from meetings.models import Meeting
    from portal.history import history_context
    from portal.models import Forum, Role, User
    from raid.models import Classification, MitigationStep, RaidItem, Theme
    from raid.scoring import default_config

    if RaidItem.objects.filter(title__startswith="Bench RAID ").count() >= count:
        return
    config = default_config()
    forum, _ = Forum.objects.get_or_create(code="PSG", defaults={"name": "PSG", "level": 2})
    for number, day in [(35, date(2024, 8, 7)), (36, date(2024, 9, 4))]:
        Meeting.objects.get_or_create(forum=forum, number=number, defaults={"date": day})
    User.objects.get_or_create(
        email="bench-pmo@example.org", defaults={"full_name": "Bench PMO", "role": Role.PMO}
    )
    themes = [Theme.objects.get_or_create(name=f"Bench theme {n}")[0] for n in range(8)]
    before = timezone.make_aware(datetime.combine(date(2024, 8, 1), time(12)))
    with transaction.atomic(), history_context(reason="Bench dataset"):
        items = []
        for n in range(count):
            likelihood, impact = 1 + n % 5, 1 + (n // 5) % 5
            items.append(
                RaidItem(
                    reference=f"R{500000 + n}",
                    type="risk",
                    title=f"Bench RAID {n}",
                    description="There is a risk that the bench runs slowly.",
                    theme=themes[n % len(themes)],
                    classification=Classification.PUBLIC if n % 3 else Classification.RESTRICTED,
                    likelihood=likelihood,
                    impact=impact,
                    current_score=config.score(likelihood, impact),
                    initial_score=config.score(likelihood, impact),
                    owner_text=f"Owner {n % 40}",
                )
            )
        RaidItem.objects.bulk_create(items, batch_size=2000)
        created = list(RaidItem.objects.filter(title__startswith="Bench RAID ").order_by("id"))
        RaidItem.history.filter(id__in=[i.pk for i in created]).update(history_date=before)
        # A third were re-scored since the last PSG, as in a real month.
        moved = created[::3]
        for item in moved:
            item.likelihood = 1 + (item.likelihood % 5)
            item.current_score = config.score(item.likelihood, item.impact)
        RaidItem.objects.bulk_update(moved, ["likelihood", "current_score"], batch_size=2000)
        steps = [
            MitigationStep(item=item, position=p, text=f"Step {p}")
            for item in created
            for p in (1, 2, 3)
        ]
        MitigationStep.objects.bulk_create(steps, batch_size=5000)


def measure(client, url: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="localhost")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, queries


def measure_call(func, runs: int) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    ensure_database()
    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build(args.items)
    print(f"dataset ready in {time.perf_counter() - started:.1f}s ({args.items} items)")

    from django.test import Client
    from django.test.utils import setup_test_environment

    from portal.models import User
    from raid import selectors

    setup_test_environment()
    user = User.objects.get(email="bench-pmo@example.org")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    pages = [
        ("log, page 1 (score order)", "/raid/?as_of=2024-09-04"),
        ("log, band filter", "/raid/?band=high&as_of=2024-09-04"),
        ("heat map", "/raid/heatmap/?as_of=2024-09-04"),
        ("theme slides", "/raid/themes/?as_of=2024-09-04"),
        ("export CSV", "/raid/export/?format=csv"),
    ]
    print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, url in pages:
        p50, p95, queries = measure(client, url, args.runs)
        print(f"{label:32} {p50:8.0f} {p95:8.0f} {queries:8d}")
    from datetime import date

    p50, p95 = measure_call(
        lambda: selectors.key_items(user=user, reporting_date=date(2024, 9, 4)), args.runs
    )
    print(f"{'key_items() for the pack':32} {p50:8.0f} {p95:8.0f}")


if __name__ == "__main__":
    main()
