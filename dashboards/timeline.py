"""The plan timeline (Gantt): the plan's activities and, if asked, the register's milestones in
one chart drawn by `dashboards.charts.gantt_chart`, with the same data as tables (its text).

One builder serves the portal's timeline view of the register and the pack's `timeline`
section, so the web page and the PDF show the same chart. Dashboards owns it because it owns
the chart module and sits above milestones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.safestring import SafeString

from dashboards.charts import GanttItem, gantt_chart
from milestones.plan_selectors import in_lane_order, plan_activities, plan_lanes

# The default window: the five weeks before the reporting date's week, and eight from it (the
# M10 slide shows w/c 22/07 to w/c 14/10 around a reporting date of 28/08).
WEEKS_BEFORE, WEEKS_FROM = 5, 8
# Rows of one chart in the A4 landscape pack; the web page draws a single chart.
PACK_ROWS = 26


def default_window(reporting_date: date) -> tuple[date, date]:
    monday = reporting_date - timedelta(days=reporting_date.weekday())
    return monday - timedelta(weeks=WEEKS_BEFORE), monday + timedelta(weeks=WEEKS_FROM, days=-1)


def window(reporting_date: date, date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The window asked for; a missing end keeps the default window's length."""
    start, end = default_window(reporting_date)
    span = end - start
    if date_from and date_to:
        return date_from, date_to
    if date_from:
        return date_from, date_from + span
    if date_to:
        return date_to - span, date_to
    return start, end


@dataclass
class Timeline:
    title: str
    start: date
    end: date
    reporting_date: date
    activities: list = field(default_factory=list)  # milestones.models.PlanActivity
    board: object | None = None  # milestones.selectors.Dashboard of the register milestones
    charts: list[SafeString] = field(default_factory=list)

    @property
    def milestone_rows(self) -> list:
        return self.board.rows if self.board is not None else []

    @property
    def basis_notes(self) -> tuple[list[tuple[object, int | None]], list[str]]:
        """(activity, note number) pairs and the notes: each distinct basis of the dates is
        written once (many bars share one, e.g. the sprints'), so the table stays short."""
        notes: dict[str, int] = {}
        rows = []
        for activity in self.activities:
            basis = activity.date_basis.strip()
            number = notes.setdefault(basis, len(notes) + 1) if basis else None
            rows.append((activity, number))
        return rows, list(notes)

    @property
    def is_empty(self) -> bool:
        return not self.activities and not self.milestone_rows


def _activity_item(activity) -> GanttItem:
    note = activity.milestone.reference if activity.milestone else ""
    return GanttItem(
        lane=activity.lane,
        label=activity.title,
        start=activity.start_date,
        end=activity.end_date,
        kind=activity.kind,
        approximate=activity.approximate,
        note=f"register milestone {note}" if note else "",
    )


def _milestone_item(row) -> GanttItem:
    shown = row.completed_on or row.forecast_date
    return GanttItem(
        lane=f"{row.forum} milestones",
        label=f"{row.reference} {row.title}",
        start=shown,
        end=shown,
        kind="milestone",
        note=f"{row.current.words}: {row.current.reason}",
        status=row.current.value,
        baseline=None if row.completed_on else row.baseline_date,
    )


def _pages(items: list[GanttItem], max_rows: int | None) -> list[list[GanttItem]]:
    """Items cut into charts of at most `max_rows` rows, keeping a lane whole where it fits."""
    if not max_rows:
        return [items] if items else []
    lanes: dict[str, list[GanttItem]] = {}
    for item in items:
        lanes.setdefault(item.lane, []).append(item)
    pages: list[list[GanttItem]] = [[]]
    for rows in lanes.values():
        for start in range(0, len(rows), max_rows):
            piece = rows[start : start + max_rows]
            if pages[-1] and len(pages[-1]) + len(piece) > max_rows:
                pages.append([])
            pages[-1].extend(piece)
    return pages


def _desc(timeline: Timeline, chart_items: list[GanttItem]) -> str:
    lanes = list(dict.fromkeys(i.lane for i in chart_items))
    approx = sum(1 for i in chart_items if i.approximate)
    text = (
        f"Plan timeline from week commencing {timeline.start:%d/%m/%y} to "
        f"{timeline.end:%d/%m/%y}: {len(chart_items)} items in {len(lanes)} lanes "
        f"({', '.join(lanes)}); the reporting date, {timeline.reporting_date:%d/%m/%y}, is "
        "marked by a dashed line."
    )
    if approx:
        text += f" {approx} items have approximate dates; the table says how each was arrived at."
    return text


def build_timeline(
    *,
    title: str,
    start: date,
    end: date,
    reporting_date: date,
    lanes: list[str] | None = None,
    plan: bool = True,
    register: dict | None = None,
    next_steering_date: date | None = None,
    max_rows: int | None = None,
    width: int = 1000,
) -> Timeline:
    """The timeline from `start` to `end`: the plan's activities in `lanes` (all when None) if
    `plan`, and the register's milestones due in the window if `register` is given (the
    dashboard's filters: forum, tier, workstream), each with its current RAG."""
    from milestones.selectors import dashboard

    timeline = Timeline(title, start, end, reporting_date)
    if plan:
        activities = plan_activities(date_from=start, date_to=end, lanes=lanes)
        timeline.activities = in_lane_order(activities, plan_lanes())
    if register is not None:
        timeline.board = dashboard(
            reporting_date=reporting_date,
            next_steering_date=next_steering_date,
            date_from=start,
            date_to=end,
            **register,
        )
    items = [_activity_item(a) for a in timeline.activities]
    items += [_milestone_item(row) for row in timeline.milestone_rows]
    pages = _pages(items, max_rows)
    for number, chunk in enumerate(pages, start=1):
        heading = title if len(pages) == 1 else f"{title} ({number} of {len(pages)})"
        timeline.charts.append(
            gantt_chart(
                title=heading,
                desc=_desc(timeline, chunk),
                items=chunk,
                start=start,
                end=end,
                today=reporting_date,
                width=width,
            )
        )
    return timeline
