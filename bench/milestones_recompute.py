"""RAG recompute over 100,000 milestones, beside one plain SQL UPDATE of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_ms_bench \\
        .venv/bin/python bench/milestones_recompute.py [--milestones 100000] [--rebuild]

Builds (once) a register of N milestones in chains of ten (each depends on the one before:
90% have a predecessor), dates spread over two years so every RAG branch occurs, then times:

1. a full recompute that changes every row (first evaluation date),
2. a full recompute on a later date (all reasons change again),
3. a full recompute with nothing to change (idempotent rerun),
4. a partial recompute: one chain head and its downstream,
5. one plain `UPDATE milestones_milestone SET rag=..., rag_reason=..., rag_evaluated_on=...`
   over all N rows (the floor for writing the same columns).

Each is the best of `--repeat` runs inside a rolled-back transaction where it writes. Loopback
PostgreSQL only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TITLE_PREFIX = "Bench milestone "


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def workstream(i: int) -> str:
    # References hold five digits, so each 100,000 milestones take their own workstream code.
    return f"B{chr(65 + i // 100_000)}"


def build(n: int, rebuild: bool) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from milestones.models import Milestone
    from portal.models import Forum

    call_command("migrate", verbosity=0)
    existing = Milestone._base_manager.filter(title__startswith=TITLE_PREFIX).count()
    if existing == n and not rebuild:
        print(f"Dataset present: {n:,} milestones.")
        return
    started = time.perf_counter()
    with transaction.atomic():
        through = Milestone.predecessors.through
        through.objects.all().delete()
        Milestone._base_manager.all().delete()
        forums = [
            Forum.objects.get_or_create(code=code, defaults={"name": code, "level": 3})[0]
            for code in ("SITAG", "QAG", "MCAG", "CCAG")
        ]
        start = date(2024, 1, 1)
        batch = []
        for i in range(n):
            tier = ("T1", "T2", "T3")[0 if i % 50 == 0 else (1 if i % 7 == 0 else 2)]
            baseline = start + timedelta(days=(i * 7) % 730)
            slip = (0, 0, 0, 3, 8, 15, -5, 30)[i % 8]
            forecast = baseline + timedelta(days=slip)
            completed = baseline if i % 9 == 0 else None
            batch.append(
                Milestone(
                    reference=f"{tier}-{workstream(i)}-{i % 100_000:05d}",
                    tier=tier,
                    workstream=workstream(i),
                    forum=forums[i % 4],
                    title=f"{TITLE_PREFIX}{i}",
                    baseline_date=baseline,
                    forecast_date=forecast,
                    completed_on=completed,
                    at_risk=(i % 13 == 0),
                    at_risk_reason="Bench flag" if i % 13 == 0 else "",
                    responsible="Bench",
                )
            )
        # The plain base manager: benchmark data needs no governed history.
        Milestone._base_manager.bulk_create(batch, batch_size=5000)
        ids = list(
            Milestone._base_manager.filter(title__startswith=TITLE_PREFIX)
            .order_by("id")
            .values_list("id", flat=True)
        )
        edges = [
            through(from_milestone_id=ids[i], to_milestone_id=ids[i - 1])
            for i in range(len(ids))
            if i % 10
        ]
        through.objects.bulk_create(edges, batch_size=10000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Built {n:,} milestones, {len(edges):,} links in {time.perf_counter() - started:.1f}s")


def timed(label: str, func, repeat: int, *, rollback: bool):
    from django.db import transaction

    best, result = None, None
    for _ in range(repeat):
        with transaction.atomic():
            started = time.perf_counter()
            result = func()
            elapsed = time.perf_counter() - started
            if rollback:
                transaction.set_rollback(True)
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label:<62} {best:8.2f} s   ({result})")
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--milestones", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL=postgres://...)")
    build(args.milestones, args.rebuild)

    from milestones.models import Milestone
    from milestones.services import milestones_recompute

    first, later = date(2024, 8, 28), date(2024, 9, 4)
    n = Milestone._base_manager.count()
    print(f"\n{n:,} milestones, PostgreSQL {connection.pg_version // 10000}, best of {args.repeat}")

    # Leave the cache at `first` so the no-op run has nothing to write.
    milestones_recompute(on=first)
    Milestone._base_manager.update(rag="", rag_reason="", rag_evaluated_on=None)

    timed(
        "full recompute, every row changes (rows written)",
        lambda: milestones_recompute(on=first),
        args.repeat,
        rollback=True,
    )
    milestones_recompute(on=first)
    timed(
        "full recompute on a later date (rows written)",
        lambda: milestones_recompute(on=later),
        args.repeat,
        rollback=True,
    )
    timed(
        "full recompute, nothing to change (rows written)",
        lambda: milestones_recompute(on=first),
        args.repeat,
        rollback=True,
    )
    # A chain head (every tenth milestone starts a chain of ten) flagged at risk: it and its
    # nine successors are re-evaluated, the rest of the register is not read.
    head = Milestone._base_manager.order_by("id").values_list("id", flat=True)[10]

    def partial():
        flag = not Milestone._base_manager.get(pk=head).at_risk
        Milestone._base_manager.filter(pk=head).update(
            at_risk=flag, at_risk_reason="Bench flag" if flag else ""
        )
        return milestones_recompute(on=first, milestone_ids=[head])

    timed(
        "partial recompute: one milestone and its downstream", partial, args.repeat, rollback=True
    )

    def plain_update():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Milestone._meta.db_table} SET rag = 'G', rag_reason = 'bench', "
                "rag_evaluated_on = %s",
                [later],
            )
            return cursor.rowcount

    timed(
        "one plain SQL UPDATE of the same columns, all rows",
        plain_update,
        args.repeat,
        rollback=True,
    )


if __name__ == "__main__":
    main()
