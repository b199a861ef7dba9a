"""The programme dashboard: one panel per question the steering group asks, built from each
app's own permission-aware selectors (never their tables directly), so a participant sees and
counts only what it may read.

Each panel is a `Panel` with a table (headers + rows: the same rows the page shows and the
CSV/XLSX export writes), an optional SVG chart from `dashboards.charts`, and the URL of the
filtered list behind it. Every panel costs a fixed number of SQL queries whatever the data
size (tests/dashboards/test_programme_queries.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.urls import reverse

from dashboards import charts
from dashboards.charts import ProgressItem, Series, SlipItem

CACHE_SECONDS = 600
LOOK_AHEAD_DAYS = 28
SLIPPAGE_LIMIT = 15
TOP_RISKS = 5
LIST_LIMIT = 10
IA_CHART_LIMIT = 12


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; they live in the URL so a view can be shared or bookmarked."""

    forum: str = ""
    tier: str = ""
    workstream: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def query(self, **extra) -> str:
        values = {
            "forum": self.forum,
            "tier": self.tier,
            "workstream": self.workstream,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            **extra,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def window(self, on: date) -> tuple[date, date]:
        """The date window for slippage: the filter's, else four weeks back to twelve ahead."""
        return (
            self.date_from or on - timedelta(days=28),
            self.date_to or on + timedelta(days=84),
        )


@dataclass
class Panel:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    link: str = ""
    link_label: str = ""
    chart: str = ""
    summary: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)
    wide: bool = False
    # The download may carry more detail than the page (e.g. every CR by constituency).
    export_headers: list[str] | None = None
    export_rows: list[list] | None = None

    @property
    def display_rows(self) -> list[list[str]]:
        """Rows as text, formatted once here rather than cell by cell in the template."""
        return [[_display(cell) for cell in row] for row in self.rows]

    def download(self) -> tuple[list[str], list[list]]:
        if self.export_rows is not None:
            return self.export_headers or self.headers, self.export_rows
        return self.headers, self.rows


def _display(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    return str(value)


# --- caching of the costly reads ---------------------------------------------------------
#
# The RAID movement (history scans), the impact-assessment roll-up and the snapshot RAG counts
# cost hundreds of milliseconds on a large programme, while they change only when someone edits
# governed data. Every governed write adds a history row, so the highest history id of each
# source table (plus the snapshots' timestamps, which have no history) is a version: one cheap
# query per request decides whether a cached result is still current. A cached result is keyed
# by everything that can narrow it (the reporting date; whether the user reads Restricted items).


def _history_tables() -> list[str]:
    from change_requests.models import ChangeRequest, Invitation, Response
    from meetings.models import Meeting
    from milestones.models import Milestone
    from portal.models import Constituency, Organisation
    from raid.models import MitigationStep, RaidItem, ScoreBand, ScoreCell, Theme

    models = [
        RaidItem,
        MitigationStep,
        Theme,
        ScoreCell,
        ScoreBand,
        ChangeRequest,
        Invitation,
        Response,
        Milestone,
        Meeting,
        Organisation,
        Constituency,
    ]
    return [model.history.model._meta.db_table for model in models]


def data_version() -> str:
    """One query: the newest history id of every source the cached panels read."""
    from django.db import connection

    from milestones.models import Snapshot

    snapshots = Snapshot._meta.db_table
    parts = [f"(SELECT MAX(history_id) FROM {table})" for table in _history_tables()]
    parts += [f"(SELECT MAX(taken_at) FROM {snapshots})", f"(SELECT COUNT(*) FROM {snapshots})"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return "|".join(str(value) for value in cursor.fetchone())


def cached(name: str, version: str | None, compute: Callable):
    """`compute()`, or its result cached under `name` while the data version holds."""
    return _cached(name, version, compute)


def _cached(name: str, version: str | None, compute: Callable):
    if version is None:
        return compute()
    from django.core.cache import cache

    key = "programme-dashboard:" + hashlib.sha1(f"{name}|{version}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def _url(name: str, query: dict | str = "") -> str:
    if isinstance(query, dict):
        query = urlencode({k: v for k, v in query.items() if v not in ("", None)})
    return reverse(name) + (f"?{query}" if query else "")


# --- milestones -------------------------------------------------------------------------


def _signed(number: int) -> str:
    return f"{number:+d}" if number else "0"


def milestone_rag_panel(*, user, filters: Filters, on: date, version=None) -> Panel:
    from milestones.selectors import rag_counts_by_forum_and_tier

    table = _cached(f"rag|{on}", version, lambda: rag_counts_by_forum_and_tier(on=on))
    rows = [
        r
        for r in table.rows
        if (not filters.forum or r.forum.lower() == filters.forum.lower())
        and (not filters.tier or r.tier == filters.tier)
    ]
    rags = ["R", "A", "G", "C"]
    body = []
    for r in rows:
        change = r.change
        body.append(
            [
                r.forum,
                r.tier,
                *[r.counts.get(k, 0) for k in rags],
                r.total,
                *[_signed(change[k]) for k in rags],
            ]
        )
    categories = [f"{r.forum} {r.tier}" for r in rows]
    series = [
        Series(label, [r.counts.get(k, 0) for r in rows], *charts.RAG_SERIES_STYLE[k])
        for k, label in zip(rags, ["Red", "Amber", "Green", "Complete"], strict=True)
    ]
    totals = {k: sum(r.counts.get(k, 0) for r in rows) for k in rags}
    since = f" since {table.previous_date:%d %b %Y}" if table.previous_date else ""
    summary = (
        f"Snapshot of {table.snapshot_date:%d %b %Y}: "
        + ", ".join(
            f"{totals[k]} {label}"
            for k, label in zip(rags, ["red", "amber", "green", "complete"], strict=True)
        )
        if table.snapshot_date
        else "No RAG snapshot has been taken yet."
    )
    return Panel(
        key="milestone-rag",
        title="Milestone RAG by forum and tier",
        headers=[
            "Forum",
            "Tier",
            "Red",
            "Amber",
            "Green",
            "Complete",
            "Total",
            f"Red change{since}",
            "Amber change",
            "Green change",
            "Complete change",
        ],
        rows=body,
        link=_url("milestone-list", {"forum": filters.forum, "tier": filters.tier}),
        link_label="Milestone register",
        chart=charts.stacked_bar_chart(
            title="Milestone RAG counts by forum and tier",
            desc=summary + ". Each bar is one forum and tier; segments are labelled with counts.",
            categories=categories,
            series=series,
        )
        if rows
        else "",
        summary=summary,
        note="Counts come from the weekly RAG snapshot; the change column compares with the "
        "snapshot before it.",
    )


def _milestones(filters: Filters):
    from milestones.selectors import register

    return register(
        forum=filters.forum or None,
        tier=filters.tier or None,
        workstream=filters.workstream or None,
    )


def slippage_panel(*, user, filters: Filters, on: date, version=None) -> Panel:
    start, end = filters.window(on)
    base = _milestones(filters).filter(
        Q(baseline_date__range=(start, end)) | Q(forecast_date__range=(start, end))
    )
    slip = ExpressionWrapper(F("forecast_date") - F("baseline_date"), output_field=DurationField())
    stats = base.aggregate(
        total=Count("id"), slipped=Count("id", filter=Q(forecast_date__gt=F("baseline_date")))
    )
    worst = list(
        base.filter(forecast_date__gt=F("baseline_date"))
        .annotate(slip=slip)
        .order_by("-slip", "reference")[:SLIPPAGE_LIMIT]
    )
    rows = [
        [
            m.reference,
            m.title,
            m.forum_label,
            m.baseline_date,
            m.forecast_date,
            (m.forecast_date - m.baseline_date).days,
        ]
        for m in worst
    ]
    summary = (
        f"{stats['slipped']} of {stats['total']} milestones due {start:%d %b %Y} to "
        f"{end:%d %b %Y} are forecast after their baseline"
    )
    return Panel(
        key="slippage",
        title="Slippage: baseline against forecast",
        headers=["Reference", "Milestone", "Forum", "Baseline", "Forecast", "Slip (days)"],
        rows=rows,
        link=_url(
            "milestone-list",
            {
                "forum": filters.forum,
                "tier": filters.tier,
                "workstream": filters.workstream,
                "date_from": start.isoformat(),
                "date_to": end.isoformat(),
                "sort": "forecast",
            },
        ),
        link_label="Milestones in this window",
        chart=charts.slippage_chart(
            title="Milestone slippage in the window",
            desc=summary + f"; the {len(worst)} most slipped are shown, baseline to forecast.",
            items=[SlipItem(m.reference, m.baseline_date, m.forecast_date) for m in worst],
        )
        if worst
        else "",
        summary=summary + ".",
        wide=True,
    )


def look_ahead_panel(*, user, filters: Filters, on: date, version=None) -> Panel:
    from meetings.selectors import meeting_list

    end = on + timedelta(days=LOOK_AHEAD_DAYS)
    milestones = (
        _milestones(filters)
        .filter(forecast_date__range=(on, end), completed_on__isnull=True)
        .order_by("forecast_date", "reference")
    )
    count = milestones.count()
    due = list(milestones[:30])
    meetings = list(
        meeting_list(forum_code=filters.forum or None).filter(date__range=(on, end))[:30]
    )
    entries = [
        (m.forecast_date, "Milestone", f"{m.reference} {m.title}", m.forum_label) for m in due
    ] + [(mt.date, "Meeting", mt.title or str(mt), mt.forum.code) for mt in meetings]
    entries.sort(key=lambda e: (e[0], e[1]))
    more = f" (first 30 of {count} milestones shown)" if count > len(due) else ""
    return Panel(
        key="look-ahead",
        title="Next four weeks: milestones and meetings",
        headers=["Date", "What", "Title", "Forum"],
        rows=[list(e) for e in entries],
        link=_url(
            "milestone-list",
            {
                "forum": filters.forum,
                "tier": filters.tier,
                "workstream": filters.workstream,
                "date_from": on.isoformat(),
                "date_to": end.isoformat(),
                "sort": "forecast",
            },
        ),
        link_label="Milestones due in the next four weeks",
        summary=f"{count} milestones forecast and {len(meetings)} meetings from {on:%d %b} "
        f"to {end:%d %b %Y}{more}.",
        extra={"meetings_link": _url("meeting-list", {"forum": filters.forum})},
    )


# --- RAID -------------------------------------------------------------------------------


def raid_panel(*, user, filters: Filters, on: date, version=None) -> Panel:
    from raid.selectors import heatmap, reads_restricted, top_items

    heat, top = _cached(
        f"raid|{on}|restricted={reads_restricted(user)}",
        version,
        lambda: (
            heatmap(user=user, reporting_date=on),
            top_items(user=user, reporting_date=on, limit=TOP_RISKS),
        ),
    )
    rows = [
        [
            item.reference,
            item.title or item.description[:120],
            item.score,
            item.band_label,
            f"{item.movement}".strip() or "–",
            item.owner,
        ]
        for item in top
    ]
    cells = [
        [cell.likelihood, cell.impact, cell.score, cell.band_label, cell.count]
        for row in heat.rows
        for cell in row
        if cell.count
    ]
    return Panel(
        key="raid",
        title="RAID: heat map and top risks",
        headers=["Reference", "Risk", "Score", "Band", "Movement", "Owner"],
        rows=rows,
        link=_url("raid-log", {"status": "open", "type": "risk"}),
        link_label="Open risks in the RAID log",
        summary=f"{heat.total} open items placed on the heat map"
        + (f", {heat.unplaced} without a score" if heat.unplaced else "")
        + f"; movement {heat.context.since_label}.",
        extra={"heat": heat, "cells": cells, "heatmap_link": _url("raid-heatmap")},
        wide=True,
    )


# --- change requests --------------------------------------------------------------------


def cr_pipeline_panel(*, user, filters: Filters, on: date, version=None) -> Panel:
    from change_requests.selectors import pipeline_counts

    stages = pipeline_counts()
    return Panel(
        key="cr-pipeline",
        title="Change requests by stage",
        headers=["Stage", "Change requests"],
        rows=[[s["label"], s["count"]] for s in stages],
        link=_url("cr-list"),
        link_label="Change request register",
        chart=charts.bar_chart(
            title="Change requests by stage",
            desc=", ".join(f"{s['label']}: {s['count']}" for s in stages if s["count"])
            or "No change requests.",
            categories=[s["label"] for s in stages],
            series=[Series("Change requests", [s["count"] for s in stages])],
        ),
        summary=f"{sum(s['count'] for s in stages)} change requests in all.",
        extra={"stage_links": {s["label"]: _url("cr-list", {"stage": s["stage"]}) for s in stages}},
    )


def ia_progress_panel(*, user, filters: Filters, on: date, version=None) -> Panel:
    from change_requests.selectors import ia_progress

    progress = _cached("ia-progress", version, ia_progress)
    detail, items = [], []
    by_constituency: dict[str, list[int]] = {}
    for entry in progress:
        cr = entry["change_request"]
        for row in entry["rows"]:
            detail.append(
                [str(cr), row["constituency"], row["submitted"], row["invited"], row["percent"]]
            )
            sums = by_constituency.setdefault(row["constituency"], [0, 0])
            sums[0] += row["submitted"]
            sums[1] += row["invited"]
        items.append(ProgressItem(str(cr), entry["submitted"], entry["invited"]))
    rows = [
        [name, submitted, invited, round(100 * submitted / invited) if invited else 0]
        for name, (submitted, invited) in by_constituency.items()
    ]
    shown = items[:IA_CHART_LIMIT]
    return Panel(
        key="ia-progress",
        title="Impact assessments: responses by constituency",
        headers=["Constituency", "Submitted", "Invited", "Percent"],
        rows=rows,
        export_headers=["Change request", "Constituency", "Submitted", "Invited", "Percent"],
        export_rows=detail,
        link=_url("cr-list", {"stage": "ia_open"}),
        link_label="Change requests in impact assessment",
        chart=charts.progress_chart(
            title="Impact-assessment responses submitted",
            desc="; ".join(f"{i.label}: {i.done:g} of {i.total:g} submitted" for i in shown),
            items=shown,
        )
        if items
        else "",
        summary=f"{len(progress)} open impact assessment{'s' if len(progress) != 1 else ''}. "
        "Only submitted responses are counted; the table sums every open assessment by "
        "constituency (the download has each one)"
        + (f"; the chart shows the first {IA_CHART_LIMIT}" if len(items) > IA_CHART_LIMIT else "")
        + ".",
        extra={"progress": progress},
    )


# --- finances, test progress, delivery reports ------------------------------------------


def finance_panel(*, user, filters: Filters, on: date, version=None) -> Panel:
    from delivery.selectors import finance_table

    table = finance_table(user=user)
    headers = ["Party", "Budget", "Actual/forecast", "Variance"]
    if table is None:
        return Panel(
            "finance",
            "Finance: budget against actual/forecast",
            headers,
            [],
            link=_url("delivery-finances"),
            link_label="Central party finances",
            summary="No finances recorded.",
        )
    rows = [
        [p["party"], p["budget"], p["actual_forecast"], p["actual_forecast"] - p["budget"]]
        for p in table.party_totals
    ]
    computed, printed = table.computed, table.printed
    totals = []
    for label, kind in (("budget", "budget"), ("actual/forecast", "actual_forecast")):
        sums, as_printed = computed.get(kind), printed.get(kind)
        totals.append(
            (
                label,
                sums.computed_total if sums else None,
                as_printed.printed_total if as_printed else None,
            )
        )
    (_, budget, printed_budget), (_, actual, printed_actual) = totals

    def variance(a, b):
        return a - b if a is not None and b is not None else ""

    rows.append(["Total (computed)", budget, actual, variance(actual, budget)])
    if printed_budget is not None or printed_actual is not None:
        rows.append(
            [
                "Total (as printed)",
                printed_budget,
                printed_actual,
                variance(printed_actual, printed_budget),
            ]
        )
    summary = "; ".join(
        f"{label} {c:.2f} computed" + (f", {p:.2f} as printed" if p is not None else "")
        for label, c, p in totals
        if c is not None
    )
    parties = [p["party"] for p in table.party_totals]
    return Panel(
        key="finance",
        title=f"Finance {table.label}: budget against actual/forecast (£m)",
        headers=headers,
        rows=rows,
        link=_url("delivery-finances", {"year": table.year}),
        link_label="Central party finances table",
        chart=charts.bar_chart(
            title=f"Budget against actual/forecast by party, {table.label} (£m)",
            desc=summary + ".",
            categories=parties,
            series=[
                Series("Budget", [p["budget"] for p in table.party_totals]),
                Series("Actual/forecast", [p["actual_forecast"] for p in table.party_totals]),
            ],
            unit="",
        ),
        summary=f"Totals: {summary}.",
    )


def test_progress_panel(*, user, filters: Filters, on: date, version=None) -> Panel:
    from delivery.selectors import trial_results, trial_summary

    results = trial_results(user=user)
    summary = trial_summary(results)
    items = [
        ProgressItem(f"{r.test_case.name[:18]} {r.cohorts}", r.steps_passed, r.steps_total)
        if r.steps_total
        else ProgressItem(f"{r.test_case.name[:18]} {r.cohorts}", r.percent, 100, f"{r.percent}%")
        for r in results
    ]
    return Panel(
        key="test-progress",
        title="Test progress: MVC trials",
        headers=[
            "Stage",
            "Test case",
            "Cohorts",
            "Status",
            "Steps passed",
            "Steps total",
            "Percent",
        ],
        rows=[
            [
                r.test_case.stage.name,
                r.test_case.name,
                r.cohorts,
                r.get_status_display(),
                r.steps_passed,
                r.steps_total,
                r.percent,
            ]
            for r in results
        ],
        link=_url("delivery-trials"),
        link_label="Test progress table",
        chart=charts.progress_chart(
            title="MVC trial steps passed by test case and cohort",
            desc=f"{summary['steps_passed']} of {summary['steps_total']} counted steps passed; "
            + ", ".join(f"{k}: {v}" for k, v in summary["by_status"].items() if v),
            items=items,
        )
        if items
        else "",
        summary=", ".join(f"{v} {k.lower()}" for k, v in summary["by_status"].items() if v)
        or "No test progress recorded.",
    )


def delivery_reports_panel(*, user, filters: Filters, on: date, version=None) -> Panel:
    from delivery.models import RAG_DIMENSIONS
    from delivery.selectors import accepted_reports

    reports = list(accepted_reports())
    labels = [label for _, label in RAG_DIMENSIONS]
    return Panel(
        key="delivery-reports",
        title="Party delivery reports (accepted)",
        headers=["Party", "Period", *labels, "Milestones", "RAID items"],
        rows=[
            [
                r.title or str(r.reporter),
                f"{r.period:%b %Y}",
                *[getattr(r, name) or "–" for name, _ in RAG_DIMENSIONS],
                len(r.milestones.all()),
                len(r.raid_items.all()),
            ]
            for r in reports
        ],
        link=_url("delivery-home", {"status": "accepted"}),
        link_label="Delivery reports",
        summary=f"{len(reports)} accepted report{'s' if len(reports) != 1 else ''}"
        + (f" for {reports[0].period:%B %Y}" if reports else "")
        + ".",
        extra={
            "report_links": {
                r.title or str(r.reporter): reverse("delivery-report-detail", args=[r.pk])
                for r in reports
            }
        },
    )


# --- actions ----------------------------------------------------------------------------


def actions_panel(*, user, filters: Filters, on: date, version=None) -> Panel:
    from meetings.models import ActionStatus
    from meetings.selectors import action_list

    actions = action_list(forum_code=filters.forum or None, open_only=True)
    live = [ActionStatus.OPEN, ActionStatus.ONGOING]
    stats = actions.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(status__in=live, due_date__lt=on)),
    )
    overdue = list(
        actions.filter(status__in=live, due_date__lt=on).order_by("due_date", "reference")[
            :LIST_LIMIT
        ]
    )
    return Panel(
        key="actions",
        title="Actions: open and overdue",
        headers=["Reference", "Action", "Owner", "Due", "Days overdue", "Status"],
        rows=[
            [
                a.reference,
                a.description,
                _owner(a),
                a.due_date,
                (on - a.due_date).days,
                a.get_status_display(),
            ]
            for a in overdue
        ],
        link=_url(
            "meeting-action-list", {"forum": filters.forum, "open_only": "on", "overdue": "on"}
        ),
        link_label="Overdue actions",
        summary=f"{stats['open']} actions not closed, {stats['overdue']} overdue.",
        extra={
            "open_link": _url("meeting-action-list", {"forum": filters.forum, "open_only": "on"})
        },
    )


def _owner(action) -> str:
    for attr in ("owner_user", "owner_organisation"):
        value = getattr(action, attr, None)
        if value:
            return str(value)
    return getattr(action, "owner_text", "") or ""


PANELS: dict[str, Callable[..., Panel]] = {
    "milestone-rag": milestone_rag_panel,
    "slippage": slippage_panel,
    "look-ahead": look_ahead_panel,
    "raid": raid_panel,
    "cr-pipeline": cr_pipeline_panel,
    "ia-progress": ia_progress_panel,
    "finance": finance_panel,
    "actions": actions_panel,
    "delivery-reports": delivery_reports_panel,
    "test-progress": test_progress_panel,
}


CACHED_PANELS = {"milestone-rag", "raid", "ia-progress"}


def build_panel(key: str, *, user, filters: Filters, on: date, cached: bool = True) -> Panel:
    version = data_version() if cached and key in CACHED_PANELS else None
    return PANELS[key](user=user, filters=filters, on=on, version=version)


def programme_dashboard(
    *, user, filters: Filters, on: date, cached: bool = True, version: str | None = None
) -> list[Panel]:
    if cached and version is None:
        version = data_version()
    if not cached:
        version = None
    return [build(user=user, filters=filters, on=on, version=version) for build in PANELS.values()]
