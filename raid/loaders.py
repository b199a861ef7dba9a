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


# raid.csv mixes the programme's register with the RAID tables of party delivery reports and of
# the qualification update (demo/psg36/README.md). The register is what the programme's own RAID
# slides print; the other rows belong to the reports that print them (the delivery app loads
# them), and none of them gets a register reference it never had.
REGISTER_SOURCES = (
    "Delivery Dashboards – Overall RAID Summary",
    "Appendix RAID Theme Slides",
)


@register_loader("raid", order=60)
def load_raid(context: LoadContext) -> None:
    if not context.has("raid.csv"):
        return
    config = scoring_config()
    rows = [
        row
        for row in context.rows("raid.csv", required=REQUIRED)
        if row.values.get("source", "").startswith(REGISTER_SOURCES)
    ]
    parsed = parse_rows(rows, config)
    summary = import_items(
        parsed, config=config, dating=demo_dating(), reason="Loaded from raid.csv"
    )
    context.count("RAID items", len(parsed))
    context.count("RAID items changed", summary["created"] + summary["updated"])


@register_loader("raid-themes", order=61)
def load_raid_themes(context: LoadContext) -> None:
    """Optional raid_themes.csv (name, summary, mitigation_approach[, headline, position,
    slide]): the theme slides' texts and the summary slide's headlines. Themes named in raid.csv
    exist already; this fills in their words."""
    if not context.has("raid_themes.csv"):
        return
    from portal.importing import collect
    from raid.models import Theme
    from raid.services import theme_create, theme_update

    rows = collect(
        context.rows("raid_themes.csv", required=["name", "summary", "mitigation_approach"]),
        lambda row: {
            "name": row.text("name", required=True, max_length=200),
            "summary": row.text("summary"),
            "mitigation_approach": row.text("mitigation_approach"),
            "headline": row.text("headline"),
            "position": row.integer("position", minimum=0),
        },
    )
    for values in rows:
        theme = Theme.objects.filter(name__iexact=values["name"]).first()
        if theme is None:
            theme_create(**values)
            continue
        position = values["position"] if values["position"] is not None else theme.position
        if (theme.summary, theme.mitigation_approach, theme.headline, theme.position) != (
            values["summary"],
            values["mitigation_approach"],
            values["headline"],
            position,
        ):
            theme_update(
                theme=theme,
                expected_version=None,
                name=theme.name,
                summary=values["summary"],
                mitigation_approach=values["mitigation_approach"],
                headline=values["headline"],
                position=position,
            )
    context.count("RAID themes described", len(rows))
