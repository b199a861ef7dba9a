"""The plan timeline (Gantt), as on the M10 Planning Update slide.

Params: `from` / `to` (dates) or `weeks_before` / `weeks_after` around the reporting date
(default: five weeks before the reporting date's week to eight weeks on, as the M10 slide);
`lanes` (comma-separated plan lanes, default all); `register` (a forum code, or `all`, to add
the register's milestones due in the window; default none); `details` (`no` prints the charts
alone, for a pack that leaves the activity tables and the notes on how each date is known to the
portal's timeline page; default `yes`). Long plans continue on further charts, each no taller
than a landscape page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from dashboards.packs import sources
from dashboards.packs.registry import PackContext, Section, SectionRenderer, register
from dashboards.packs.sections.common import T
from dashboards.packs.sections.milestones import _validate_window, milestone_window

PARAMS = {"from", "to", "weeks_before", "weeks_after", "lanes", "register", "details"}


def _lanes(params: dict) -> list[str] | None:
    value = params.get("lanes")
    if not value:
        return None
    names = value if isinstance(value, list) else str(value).split(",")
    return [n.strip() for n in names if n.strip()]


def _validate(params: dict) -> None:
    from milestones.plan_selectors import plan_lanes
    from portal.models import Forum

    unknown = sorted(set(params) - PARAMS)
    if unknown:
        raise ValidationError(
            {"params": f"unknown parameter {', '.join(unknown)} (use {', '.join(sorted(PARAMS))})"}
        )
    _validate_window(params)
    lanes = _lanes(params)
    if lanes:
        missing = sorted(set(lanes) - set(plan_lanes()))
        if missing:
            raise ValidationError({"params": f"lanes: no plan lane {', '.join(missing)}"})
    forum = str(params.get("register") or "")
    if forum and forum.lower() != "all" and not Forum.objects.filter(code__iexact=forum).exists():
        raise ValidationError({"params": f"register: '{forum}' is not a forum code (or all)"})
    if str(params.get("details", "yes")).lower() not in ("yes", "no"):
        raise ValidationError({"params": "details must be yes or no"})


def _timeline(section: Section, ctx: PackContext) -> dict:
    from dashboards.timeline import PACK_ROWS, build_timeline, default_window

    start, end = milestone_window(section.params, ctx.reporting_date)
    default_start, default_end = default_window(ctx.reporting_date)
    forum = str(section.params.get("register") or "")
    timeline = build_timeline(
        title=section.title or "Plan timeline",
        start=start or default_start,
        end=end or default_end,
        reporting_date=ctx.reporting_date,
        lanes=_lanes(section.params),
        register=None if not forum else {"forum": None if forum.lower() == "all" else forum},
        next_steering_date=ctx.meeting.date,
        max_rows=PACK_ROWS,
    )
    return {
        "timeline": timeline,
        "details": str(section.params.get("details", "yes")).lower() != "no",
        "timeline_url": settings.SITE_URL.rstrip("/") + reverse("milestone-timeline"),
    }


register(
    SectionRenderer(
        "timeline",
        T + "timeline.html",
        _timeline,
        available=lambda: sources.provides("dashboards.charts", "gantt_chart", "GanttItem"),
        validate=_validate,
    )
)
