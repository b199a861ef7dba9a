"""The milestone dashboard tables and their slippage chart."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from dashboards.packs import sources
from dashboards.packs.registry import PackContext, Section, SectionRenderer, register
from dashboards.packs.sections.common import T, parse_date

# Milestones ---------------------------------------------------------------------------------


def _validate_window(params: dict) -> None:
    for name in ("weeks_before", "weeks_after"):
        if name in params:
            try:
                weeks = int(params[name])
            except (TypeError, ValueError) as exc:
                raise ValidationError({"params": f"{name} must be a whole number"}) from exc
            if not 0 <= weeks <= 520:
                raise ValidationError({"params": f"{name} must be between 0 and 520"})
    parse_date(params, "from")
    parse_date(params, "to")


def milestone_window(params: dict, reporting_date: date) -> tuple[date | None, date | None]:
    """The dashboard's window: explicit dates, or weeks either side of the reporting date."""
    start, end = parse_date(params, "from"), parse_date(params, "to")
    if start is None and "weeks_before" in params:
        start = reporting_date - timedelta(weeks=int(params["weeks_before"]))
    if end is None and "weeks_after" in params:
        end = reporting_date + timedelta(weeks=int(params["weeks_after"]))
    return start, end


def _milestone_dashboard(section: Section, ctx: PackContext) -> dict:
    from milestones.selectors import dashboard

    start, end = milestone_window(section.params, ctx.reporting_date)
    board = dashboard(
        reporting_date=ctx.reporting_date,
        next_steering_date=ctx.meeting.date,
        forum=section.params.get("forum") or None,
        tier=section.params.get("tier") or None,
        date_from=start,
        date_to=end,
    )
    return {
        "board": board,
        "window_from": start,
        "window_to": end,
        "chart": _slippage_chart(board.rows) if section.params.get("chart") != "no" else None,
    }


SLIP_CHART_ROWS = 15


def _slippage_chart(rows):
    """The worst slips of the table's open milestones, drawn by the dashboard's chart module."""
    if not sources.provides("dashboards.charts", "slippage_chart", "SlipItem"):
        return None
    from dashboards.charts import SlipItem, slippage_chart

    slipped = sorted(
        (r for r in rows if r.completed_on is None and r.forecast_date > r.baseline_date),
        key=lambda r: (r.baseline_date - r.forecast_date, r.reference),
    )[:SLIP_CHART_ROWS]
    if not slipped:
        return None
    worst = slipped[0]
    return slippage_chart(
        title="Largest forecast slips in this table",
        desc=(
            f"{len(slipped)} open milestones forecast after their baseline; the largest slip is "
            f"{worst.reference} by {(worst.forecast_date - worst.baseline_date).days} days."
        ),
        items=[SlipItem(f"{r.reference}", r.baseline_date, r.forecast_date) for r in slipped],
        width=900,
    )


register(
    SectionRenderer(
        "milestone_dashboard",
        T + "milestone_dashboard.html",
        _milestone_dashboard,
        available=lambda: sources.template_exists("milestones/_dashboard_table.html"),
        validate=_validate_window,
    )
)
