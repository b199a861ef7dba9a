"""The RAID part of a programme directory: raid.csv, through the same import as uploads.

The seed prints "movement since last PSG" (e.g. "Score reduced from 18 to 15"); the portal
computes movement from history, so the loader records the states the text implies at the
moments they held: an item that existed at the last PSG is created the day before that PSG
(with its earlier score where one is stated), and re-scored or created new at the
programme's reporting date. Movement is then derived like any other. A reload changes
nothing that is already as the file says.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from meetings.selectors import last_meeting_before
from portal.programme_loading import LoadContext, register_loader
from portal.reporting import reporting_date
from raid.importing import REQUIRED, ImportDating, import_items, parse_rows
from raid.selectors import scoring_config


def demo_dating() -> ImportDating:
    """Moments for the loader's history: before the last PSG, and the reporting date."""
    report = reporting_date()
    today = timezone.localdate()
    now = timezone.make_aware(datetime.combine(report, time(9, 0))) if report < today else None
    last = last_meeting_before(report)
    before = (
        timezone.make_aware(datetime.combine(last.date - timedelta(days=1), time(12, 0)))
        if last is not None
        else None
    )
    return ImportDating(before=before, now=now)


@register_loader("raid", order=60)
def load_raid(context: LoadContext) -> None:
    if not context.has("raid.csv"):
        return
    config = scoring_config()
    parsed = parse_rows(context.rows("raid.csv", required=REQUIRED), config)
    summary = import_items(
        parsed, config=config, dating=demo_dating(), reason="Loaded from raid.csv"
    )
    context.count("RAID items", len(parsed))
    context.count("RAID items changed", summary["created"] + summary["updated"])
