"""Background work for the register: RAG recompute and the weekly snapshot."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from milestones import services
from portal.reporting import reporting_date


@shared_task(name="milestones.recompute_rags")
def recompute_rags(milestone_ids: list[int] | None = None, on: str | None = None) -> int:
    """Recompute cached RAGs as at `on` (ISO date; default the reporting date) for the given
    milestones and their successors, or for all. Idempotent; bounded by the register size."""
    day = date.fromisoformat(on) if on else reporting_date()
    return services.milestones_recompute(on=day, milestone_ids=milestone_ids)


@shared_task(name="milestones.weekly_snapshot")
def weekly_snapshot(on: str | None = None) -> int:
    """Record the week's snapshot as at `on` (default the reporting date), after refreshing
    the cache so the register and the snapshot agree. Rerunning replaces that date's rows."""
    day = date.fromisoformat(on) if on else reporting_date()
    services.milestones_recompute(on=day)
    return services.snapshot_take(on=day).pk
