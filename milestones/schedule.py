"""Periodic register work: a nightly full recompute (dates age even when nobody edits) and the
weekly snapshot on settings.MILESTONE_SNAPSHOT_WEEKDAY (cron day_of_week, default Wednesday,
the weekday of the pack's RAG columns: 21 and 28 Aug 2024)."""

from celery.schedules import crontab
from django.conf import settings

BEAT_SCHEDULE = {
    "milestones-nightly-recompute": {
        "task": "milestones.recompute_rags",
        "schedule": crontab(hour=2, minute=0),
    },
    "milestones-weekly-snapshot": {
        "task": "milestones.weekly_snapshot",
        "schedule": crontab(
            hour=6,
            minute=0,
            day_of_week=getattr(settings, "MILESTONE_SNAPSHOT_WEEKDAY", "wed"),
        ),
    },
}
