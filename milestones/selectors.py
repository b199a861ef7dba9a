"""The milestone register's read side, reused by the dashboards, the pack and the API.

Main entry points (each issues a fixed number of SQL queries, whatever the row count):

* `dashboard(reporting_date=..., next_steering_date=..., forum=..., tier=..., workstream=...,
  date_from=..., date_to=...)` -> `Dashboard`: rows with Previous / Current / Forecast RAG,
  each a `RagCell` with its value, reason in words, override flag and the date it is "as at".
  Render with `templates/milestones/_dashboard_table.html` (plain HTML, no scripts: the PDF
  pack includes the same partial).
* `reforecasts_between(start, end)`: every forecast-date change (old, new, who, when, why)
  recorded in [start, end), for "What changed" sections.
* `rag_counts_by_forum_and_tier(on=...)`: counts per forum and tier in the latest snapshot
  on or before `on`, beside the previous snapshot's counts and the change.
* `rag_changes_between(older, newer)`: milestones whose snapshot RAG differs.
* `register(user, filters)`: the register page's queryset (cached RAG of the reporting date).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.db.models import Q, QuerySet

from milestones.models import Milestone, Rag, Reforecast, Snapshot, SnapshotRow, Tier
from milestones.rag import DisplayRag, Node, evaluate_all
from portal.reporting import reporting_date as programme_reporting_date

THROUGH = Milestone.predecessors.through
_THROUGH_TABLE = THROUGH._meta.db_table
_NODE_FIELDS = (
    "id",
    "reference",
    "tier",
    "baseline_date",
    "forecast_date",
    "completed_on",
    "at_risk",
    "rag_override",
    "override_reason",
    "at_risk_reason",  # last: passed to Node by keyword
)


# --- graph --------------------------------------------------------------------------------


def _closure_sql(base_sql: str, *, upstream: bool) -> str:
    # from_milestone is the successor, to_milestone the predecessor (symmetrical=False M2M).
    step = (
        f"SELECT t.to_milestone_id FROM {_THROUGH_TABLE} t JOIN closure c "
        "ON t.from_milestone_id = c.id"
        if upstream
        else f"SELECT t.from_milestone_id FROM {_THROUGH_TABLE} t JOIN closure c "
        "ON t.to_milestone_id = c.id"
    )
    return (
        f"WITH RECURSIVE closure(id) AS (SELECT id FROM ({base_sql}) base UNION {step}) "
        "SELECT id FROM closure"
    )


def downstream_ids(ids: Iterable[int]) -> set[int]:
    """The milestones and everything that depends on them, transitively (one query)."""
    ids = [int(i) for i in ids]
    if not ids:
        return set()
    base = " UNION ".join(["SELECT CAST(%s AS BIGINT) AS id"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(_closure_sql(base, upstream=False), ids)
        return {row[0] for row in cursor.fetchall()}


def _upstream_filter(queryset: QuerySet) -> Q:
    """A filter matching `queryset`'s milestones and all their predecessors, transitively."""
    from django.db.models.expressions import RawSQL

    sql, params = queryset.order_by().values("id").query.sql_with_params()
    return Q(id__in=RawSQL(_closure_sql(sql, upstream=True), params))


def load_nodes(where: Q | None = None) -> dict[int, Node]:
    """Nodes for `evaluate_all` (two queries: milestones, then their predecessor links)."""
    milestones = Milestone._base_manager.all()
    if where is not None:
        milestones = milestones.filter(where)
    preds: dict[int, list[int]] = defaultdict(list)
    edges = THROUGH.objects.all()
    if where is not None:
        edges = edges.filter(from_milestone__in=milestones.values("id"))
    for successor, predecessor in edges.values_list("from_milestone_id", "to_milestone_id"):
        preds[successor].append(predecessor)
    empty = ()
    return {
        row[0]: Node(
            *row[1:-1],
            predecessor_ids=tuple(preds[row[0]]) if row[0] in preds else empty,
            at_risk_reason=row[-1],
        )
        for row in milestones.values_list(*_NODE_FIELDS)
    }


def evaluate_register(*, on: date, where: Q | None = None):
    """(nodes, {id: DisplayRag}) for every milestone matching `where` (default all) at `on`."""
    nodes = load_nodes(where)
    return nodes, evaluate_all(nodes, on)


# --- dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RagCell:
    value: str
    reason: str
    is_override: bool = False
    computed_value: str = ""
    on: date | None = None

    @property
    def words(self) -> str:
        return Rag(self.value).label if self.value else ""

    @classmethod
    def from_display(cls, result: DisplayRag, on: date) -> RagCell:
        return cls(result.value, result.reason, result.is_override, result.computed.value, on)


@dataclass(frozen=True)
class DashboardRow:
    id: int
    reference: str
    forum: str  # as printed, e.g. "QAG (Non-SIT LDSO)"
    forum_code: str
    tier: str
    workstream: str
    title: str
    baseline_date: date
    forecast_date: date
    completed_on: date | None
    responsible: str
    at_risk: bool
    previous: RagCell | None
    current: RagCell
    forecast: RagCell | None
    commentary: str


@dataclass
class Dashboard:
    reporting_date: date
    previous_date: date | None  # the previous snapshot's date, if any
    forecast_date: date | None  # the next steering-group meeting, if any
    rows: list[DashboardRow] = field(default_factory=list)


def _filtered(
    *, forum=None, tier=None, workstream=None, date_from=None, date_to=None
) -> QuerySet[Milestone]:
    milestones = Milestone.objects.all()
    if forum:
        milestones = milestones.filter(forum__code__iexact=str(forum))
    if tier:
        milestones = milestones.filter(tier=tier)
    if workstream:
        milestones = milestones.filter(workstream__iexact=workstream)
    # The window selects milestones due in it, by baseline or by forecast date.
    if date_from or date_to:
        baseline, forecast = Q(), Q()
        if date_from:
            baseline &= Q(baseline_date__gte=date_from)
            forecast &= Q(forecast_date__gte=date_from)
        if date_to:
            baseline &= Q(baseline_date__lte=date_to)
            forecast &= Q(forecast_date__lte=date_to)
        milestones = milestones.filter(baseline | forecast)
    return milestones


def previous_snapshot(before: date) -> Snapshot | None:
    return Snapshot.objects.filter(taken_on__lt=before).order_by("-taken_on").first()


def dashboard(
    *,
    reporting_date: date | None = None,
    next_steering_date: date | None = None,
    forum: str | None = None,
    tier: str | None = None,
    workstream: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Dashboard:
    """Dashboard rows as the steering group reads them (seven queries at most).

    Current RAG is evaluated at `reporting_date` (default: the programme's), Forecast RAG at
    `next_steering_date` (default: the next PSG on or after the reporting date) from the
    current forecast (an on-track milestone due by then is projected Complete: see
    `milestones.rag`), and Previous RAG is read from the last snapshot before the reporting
    date. Rows are ordered by baseline date then reference, as in the pack.
    """
    from meetings.selectors import next_meeting_on_or_after

    on = reporting_date or programme_reporting_date()
    if next_steering_date is None:
        meeting = next_meeting_on_or_after(on)
        next_steering_date = meeting.date if meeting else None
    prior = previous_snapshot(on)
    base = _filtered(
        forum=forum, tier=tier, workstream=workstream, date_from=date_from, date_to=date_to
    )
    rows = list(base.select_related("forum").order_by("baseline_date", "reference"))
    result = Dashboard(on, prior.taken_on if prior else None, next_steering_date)
    if not rows:
        return result
    nodes = load_nodes(_upstream_filter(base))
    current = evaluate_all(nodes, on)
    forecast = (
        evaluate_all(nodes, next_steering_date, projected_from=on) if next_steering_date else {}
    )
    previous = {}
    if prior is not None:
        previous = {
            r.milestone_id: RagCell(r.rag, r.reason, r.is_override, r.computed_rag, prior.taken_on)
            for r in SnapshotRow.objects.filter(snapshot=prior, milestone__in=base.values("id"))
        }
    for m in rows:
        result.rows.append(
            DashboardRow(
                id=m.pk,
                reference=m.reference,
                forum=m.forum_label,
                forum_code=m.forum.code,
                tier=m.tier,
                workstream=m.workstream,
                title=m.title,
                baseline_date=m.baseline_date,
                forecast_date=m.forecast_date,
                completed_on=m.completed_on,
                responsible=m.responsible,
                at_risk=m.at_risk,
                previous=previous.get(m.pk),
                current=RagCell.from_display(current[m.pk], on),
                forecast=(
                    RagCell.from_display(forecast[m.pk], next_steering_date)
                    if m.pk in forecast
                    else None
                ),
                commentary=m.commentary,
            )
        )
    return result


# --- forecast history, snapshots ----------------------------------------------------------


def reforecasts_between(
    start: datetime, end: datetime, *, forum: str | None = None
) -> list[Reforecast]:
    """Forecast-date changes recorded in [start, end), oldest first (one query).

    Each has `.milestone` (with `.forum`), `.old_date`, `.new_date`, `.changed_by`,
    `.changed_at`, `.reason`; `.slip_days` is new minus old in calendar days.
    """
    changes = Reforecast.objects.filter(changed_at__gte=start, changed_at__lt=end)
    if forum:
        changes = changes.filter(milestone__forum__code__iexact=forum)
    result = list(
        changes.select_related("milestone__forum", "changed_by").order_by("changed_at", "id")
    )
    for change in result:
        change.slip_days = (change.new_date - change.old_date).days
    return result


def forecast_history(milestone: Milestone) -> list[Reforecast]:
    return list(milestone.reforecasts.select_related("changed_by").order_by("changed_at", "id"))


def forecast_trend(milestone: Milestone, history: list[Reforecast]) -> list[dict]:
    """Points for the small trend: the first known forecast, then each reforecast."""
    if not history:
        return [{"when": None, "date": milestone.forecast_date, "slip": 0}]
    points = [{"when": None, "date": history[0].old_date}]
    points += [{"when": r.changed_at, "date": r.new_date} for r in history]
    for point in points:
        point["slip"] = (point["date"] - milestone.baseline_date).days
    return points


def forecast_trend_svg(
    milestone: Milestone, history: list[Reforecast], *, width: int = 240, height: int = 60
) -> dict:
    """Coordinates for a small SVG line of the forecast's slip against baseline over time
    (one point per forecast, first known first). Plain SVG: no script, no inline style."""
    points = forecast_trend(milestone, history)
    slips = [p["slip"] for p in points]
    low, high = min(0, *slips), max(0, *slips)
    span = (high - low) or 1
    step = (width - 10) / max(len(points) - 1, 1)

    def y(slip):
        return round(height - 5 - (slip - low) * (height - 10) / span, 1)

    coords = [(round(5 + i * step, 1), y(p["slip"])) for i, p in enumerate(points)]
    return {
        "width": width,
        "height": height,
        "points": " ".join(f"{x},{yy}" for x, yy in coords),
        "dots": [{"x": x, "y": yy, **p} for (x, yy), p in zip(coords, points, strict=True)],
        "baseline_y": y(0),
        "latest_slip": slips[-1],
    }


@dataclass
class RagCount:
    forum: str
    tier: str
    counts: dict[str, int]
    previous: dict[str, int]

    @property
    def change(self) -> dict[str, int]:
        return {k: self.counts.get(k, 0) - self.previous.get(k, 0) for k in Rag.values}

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class RagCountTable:
    snapshot_date: date | None
    previous_date: date | None
    rows: list[RagCount]


def latest_snapshots(on: date | None = None) -> tuple[Snapshot | None, Snapshot | None]:
    """(latest snapshot on or before `on`, the one before it)."""
    snapshots = Snapshot.objects.order_by("-taken_on")
    if on is not None:
        snapshots = snapshots.filter(taken_on__lte=on)
    pair = list(snapshots[:2])
    return (pair[0] if pair else None, pair[1] if len(pair) > 1 else None)


def rag_counts_by_forum_and_tier(*, on: date | None = None) -> RagCountTable:
    """RAG counts per (forum, tier) in the latest snapshot on or before `on` (default: the
    reporting date), with the previous snapshot's counts for the change (two queries)."""
    from django.db.models import Count

    latest, prior = latest_snapshots(on or programme_reporting_date())
    if latest is None:
        return RagCountTable(None, None, [])
    ids = [s.pk for s in (latest, prior) if s is not None]
    grouped = (
        SnapshotRow.objects.filter(snapshot_id__in=ids)
        .values_list("snapshot_id", "milestone__forum__code", "milestone__tier", "rag")
        .annotate(n=Count("id"))
        .order_by()
    )
    table: dict[tuple[str, str], RagCount] = {}
    for snapshot_id, forum, tier, rag, n in grouped:
        entry = table.setdefault((forum, tier), RagCount(forum, tier, {}, {}))
        target = entry.counts if snapshot_id == latest.pk else entry.previous
        target[rag] = target.get(rag, 0) + n
    rows = sorted(table.values(), key=lambda r: (r.forum, r.tier))
    return RagCountTable(latest.taken_on, prior.taken_on if prior else None, rows)


@dataclass(frozen=True)
class RagChange:
    milestone_id: int
    reference: str
    title: str
    forum: str
    old: str
    new: str
    reason: str


def rag_changes_between(older: Snapshot, newer: Snapshot) -> list[RagChange]:
    """Milestones whose displayed RAG differs between two snapshots (two queries)."""
    before = dict(SnapshotRow.objects.filter(snapshot=older).values_list("milestone_id", "rag"))
    changes = []
    for row in SnapshotRow.objects.filter(snapshot=newer).select_related("milestone__forum"):
        old = before.get(row.milestone_id, "")
        if old != row.rag:
            changes.append(
                RagChange(
                    row.milestone_id,
                    row.milestone.reference,
                    row.milestone.title,
                    row.milestone.forum_label,
                    old,
                    row.rag,
                    row.reason,
                )
            )
    return sorted(changes, key=lambda c: c.reference)


# --- register page ------------------------------------------------------------------------

SORTS = {
    "reference": ("reference",),
    "-reference": ("-reference",),
    "baseline": ("baseline_date", "reference"),
    "-baseline": ("-baseline_date", "reference"),
    "forecast": ("forecast_date", "reference"),
    "-forecast": ("-forecast_date", "reference"),
    "rag": ("rag", "reference"),
    "forum": ("forum__code", "reference"),
}


def register(
    *,
    forum: str | None = None,
    tier: str | None = None,
    workstream: str | None = None,
    responsible: str | None = None,
    rag: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    search: str | None = None,
    sort: str = "baseline",
) -> QuerySet[Milestone]:
    """The register page's milestones (RAG from the recompute cache). Everyone may read the
    register, so there is no per-user narrowing."""
    milestones = _filtered(
        forum=forum, tier=tier, workstream=workstream, date_from=date_from, date_to=date_to
    )
    if responsible:
        milestones = milestones.filter(responsible__icontains=responsible)
    if rag:
        # The displayed RAG: the override where there is one.
        milestones = milestones.filter(Q(rag_override=rag) | (Q(rag_override="") & Q(rag=rag)))
    if search:
        milestones = milestones.filter(Q(reference__icontains=search) | Q(title__icontains=search))
    return milestones.select_related("forum", "responsible_organisation").order_by(
        *SORTS.get(sort, SORTS["baseline"])
    )


def milestone_history(milestone: Milestone, *, limit: int = 50) -> list[dict]:
    """Entries for templates/_history.html, newest first. Like portal.selectors.history_of,
    but the creation record lists no field changes: the derived RAG columns are excluded from
    the historical model, which the generic first-record listing does not expect."""
    from portal.history import changes_between

    records = list(
        milestone.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = changes_between(previous, record) if previous is not None else []
        changes = [c for c in changes if c["field"] != "version"]
        entries.append({"record": record, "changes": changes})
    return entries


def milestone_detail(pk: int) -> Milestone:
    """One milestone with its forum, organisation, predecessors and successors; Http404 if
    there is no such milestone."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Milestone.objects.select_related("forum", "responsible_organisation").prefetch_related(
            "predecessors__forum", "successors__forum"
        ),
        pk=pk,
    )


TIERS = Tier.choices
RAGS = Rag.choices


# --- pre-publish check --------------------------------------------------------------------


def check_rows(
    *,
    reporting_date: date,
    forum: str | None = None,
    tier: str | None = None,
    workstream: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
):
    """The register's milestones (filtered like the dashboard) as rows for
    `milestones.consistency`: displayed RAG at `reporting_date`, the last change of each
    commentary (from history) and the latest reforecast. Five queries, whatever the size."""
    from django.db.models import F, OuterRef, Subquery, Window
    from django.db.models.functions import Lag
    from django.urls import reverse

    from milestones.consistency import ForecastMove, MilestoneCheckRow

    base = _filtered(
        forum=forum, tier=tier, workstream=workstream, date_from=date_from, date_to=date_to
    )
    milestones = list(
        base.select_related("responsible_organisation").order_by("baseline_date", "reference")
    )
    if not milestones:
        return []
    ids = [m.pk for m in milestones]
    results = evaluate_all(load_nodes(_upstream_filter(base)), reporting_date)
    # A history row changes the commentary when it differs from the row before it (the first
    # row of each milestone sets it).
    commentary_changed: dict[int, datetime] = {}
    changes = (
        Milestone.history.model.objects.filter(id__in=ids)
        .annotate(
            before=Window(
                Lag("commentary"),
                partition_by=[F("id")],
                order_by=[F("history_date").asc(), F("history_id").asc()],
            )
        )
        .filter(Q(before__isnull=True) | ~Q(before=F("commentary")))
        .values_list("id", "history_date")
    )
    for pk, when in changes:
        if pk not in commentary_changed or when > commentary_changed[pk]:
            commentary_changed[pk] = when
    latest = Reforecast.objects.filter(milestone=OuterRef("milestone")).order_by(
        "-changed_at", "-id"
    )
    moves = {
        pk: ForecastMove(old, new, when)
        for pk, old, new, when in Reforecast.objects.filter(
            milestone_id__in=ids, id=Subquery(latest.values("id")[:1])
        ).values_list("milestone_id", "old_date", "new_date", "changed_at")
    }
    return [
        MilestoneCheckRow(
            reference=m.reference,
            title=m.title,
            baseline_date=m.baseline_date,
            forecast_date=m.forecast_date,
            completed_on=m.completed_on,
            responsible=m.responsible,
            responsible_organisation=(
                m.responsible_organisation.name if m.responsible_organisation else ""
            ),
            commentary=m.commentary,
            rag=results[m.pk].value,
            rag_reason=results[m.pk].reason,
            commentary_changed_at=commentary_changed.get(m.pk),
            last_reforecast=moves.get(m.pk),
            url=reverse("milestone-detail", args=[m.pk]),
        )
        for m in milestones
    ]


def prepublish_findings(
    *, reporting_date: date | None = None, stale_weeks: int | None = None, **filters
) -> list:
    """The milestone findings of the pre-publish check as at `reporting_date` (default the
    programme's): `milestones.consistency.milestone_findings` over `check_rows(**filters)`.
    `stale_weeks` defaults to settings.MILESTONE_STALE_COMMENTARY_WEEKS (4)."""
    from django.conf import settings

    from milestones.consistency import milestone_findings

    on = reporting_date or programme_reporting_date()
    weeks = stale_weeks or getattr(settings, "MILESTONE_STALE_COMMENTARY_WEEKS", 4)
    return milestone_findings(
        rows=check_rows(reporting_date=on, **filters), reporting_date=on, stale_weeks=weeks
    )
