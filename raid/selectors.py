"""Permission-aware reads of the RAID log, shared by its pages, exports and the pack.

Every read starts from `visible_items(user)`: participants and observers see Public items
only, everywhere (lists, pages, exports, counts, heat map, pack partials). Past states come
from the governed history, so any reporting date can be recomputed:

* "as at" a date means the end of that day (Europe/London): a change made on a PSG's own
  day belongs to that PSG's picture, not to the movement since it.
* movement compares the state as at the last PSG strictly before the reporting date
  (`meetings.selectors.last_meeting_before`) with the state as at the reporting date.

Each function issues a fixed number of queries whatever the number of items.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Upper
from django.http import Http404
from django.utils import timezone

from meetings.selectors import last_meeting_before
from portal.permissions import can
from portal.reporting import reporting_date as programme_reporting_date
from raid.models import (
    Classification,
    MitigationStep,
    RaidItem,
    RaidType,
    ScoreBand,
    ScoreCell,
    Status,
    StepState,
    Theme,
)
from raid.scoring import (
    BAND_LABELS,
    BAND_ORDER,
    ScoreState,
    ScoringConfig,
    default_config,
    movement_direction,
    movement_text,
)

HistoricalRaidItem = RaidItem.history.model


# Scoring configuration -------------------------------------------------------------------


def scoring_config() -> ScoringConfig:
    """The configured matrix and bands (two queries); the defaults where none is stored."""
    cells = {(c.likelihood, c.impact): c.score for c in ScoreCell.objects.all()}
    bands = tuple(
        (b.band, b.min_score, b.max_score) for b in ScoreBand.objects.order_by("-min_score")
    )
    fallback = default_config()
    return ScoringConfig(matrix=cells or fallback.matrix, bands=bands or fallback.bands)


# Visibility ------------------------------------------------------------------------------


def reads_restricted(user) -> bool:
    return can(user, "raid.view_restricted")


def visible_items(user) -> QuerySet[RaidItem]:
    """The one place the Restricted rule lives."""
    if not can(user, "raid.view"):
        return RaidItem.objects.none()
    items = RaidItem.objects.all()
    if not reads_restricted(user):
        items = items.filter(classification=Classification.PUBLIC)
    return items


def visible_themes(user) -> QuerySet[Theme]:
    """Themes with at least one item the user may see: a theme made only of Restricted
    items is not even named to participants and observers."""
    if reads_restricted(user):
        return Theme.objects.all()
    return Theme.objects.filter(pk__in=visible_items(user).values("theme_id"))


def _with_relations(items: QuerySet[RaidItem]) -> QuerySet[RaidItem]:
    return items.select_related(
        "theme", "owner_person", "owner_organisation", "raised_by", "converted_to"
    )


def item_get(*, user, reference: str) -> RaidItem:
    """One item by reference (any case); 404 for items that do not exist *or* are hidden."""
    item = (
        _with_relations(visible_items(user))
        .annotate(ref_upper=Upper("reference"))
        .filter(ref_upper=reference.upper())
        .prefetch_related(
            Prefetch("steps", queryset=MitigationStep.objects.select_related("owner_person")),
            "milestones",
        )
        .first()
    )
    if item is None:
        raise Http404("No RAID item with that reference.")
    return item


def converted_from(*, user, item: RaidItem) -> RaidItem | None:
    """The item this one was converted from, if the user may see it."""
    return visible_items(user).filter(converted_to=item).first()


def linked_change_requests(item: RaidItem) -> list:
    """Change requests linking to the item, through whatever reverse relation the
    change_requests app (a higher layer) defines; raid never imports it."""
    linked = []
    for relation in item._meta.related_objects:
        if relation.related_model._meta.app_label != "change_requests":
            continue
        accessor = relation.get_accessor_name()
        if relation.one_to_one:
            related = getattr(item, accessor, None)
            if related is not None:
                linked.append(related)
        else:
            linked.extend(getattr(item, accessor).all())
    return linked


# Filters for the log ---------------------------------------------------------------------


@dataclass
class LogFilters:
    type: str = ""
    theme_id: int | None = None
    band: str = ""
    owner: str = ""
    status: str = ""
    classification: str = ""
    search: str = ""
    likelihood: int | None = None
    impact: int | None = None
    sort: str = "-score"


SORTS = {
    "-score": ["-current_score_sort", "reference"],
    "score": ["current_score_sort", "reference"],
    "reference": ["reference"],
    "-reference": ["-reference"],
    "proximity": ["proximity_date", "reference"],
}


def _band_q(config: ScoringConfig, band: str) -> Q:
    for name, low, high in config.bands:
        if name == band:
            return Q(current_score__gte=low, current_score__lte=high) | Q(
                current_score__isnull=True, stated_band=band
            )
    return Q(pk__in=[])


def item_list(
    *, user, filters: LogFilters | None = None, config: ScoringConfig | None = None
) -> QuerySet[RaidItem]:
    filters = filters or LogFilters()
    config = config or scoring_config()
    items = _with_relations(visible_items(user))
    if filters.type:
        items = items.filter(type=filters.type)
    if filters.theme_id:
        items = items.filter(theme_id=filters.theme_id)
    if filters.band:
        items = items.filter(_band_q(config, filters.band))
    if filters.owner:
        items = items.filter(
            Q(owner_text__icontains=filters.owner)
            | Q(owner_organisation__name__icontains=filters.owner)
            | Q(owner_person__full_name__icontains=filters.owner)
        )
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.classification:
        items = items.filter(classification=filters.classification)
    if filters.search:
        items = items.filter(
            Q(reference__icontains=filters.search)
            | Q(title__icontains=filters.search)
            | Q(description__icontains=filters.search)
        )
    if filters.likelihood is not None and filters.impact is not None:
        items = items.filter(likelihood=filters.likelihood, impact=filters.impact)
    # Items without a score sort after scored ones whichever way the score sorts.
    descending = filters.sort == "-score"
    items = items.annotate(
        current_score_sort=Coalesce("current_score", Value(0 if descending else 99))
    )
    return items.order_by(*SORTS.get(filters.sort, SORTS["-score"]))


def band_of(item: RaidItem, config: ScoringConfig) -> str:
    if item.current_score is not None:
        return config.band(item.current_score) or ""
    return item.stated_band


def item_counts(*, user, config: ScoringConfig | None = None) -> dict:
    """Open items by type and by band, counting only what the user may see (one query)."""
    config = config or scoring_config()
    rows = (
        visible_items(user)
        .filter(status=Status.OPEN)
        .values_list("type", "current_score", "stated_band")
    )
    by_type: Counter = Counter()
    by_band: Counter = Counter()
    for type_, score, stated in rows:
        by_type[type_] += 1
        by_band[config.band(score) if score is not None else (stated or "unscored")] += 1
    order = [*BAND_ORDER, "unscored"]
    ordered = {band: by_band[band] for band in order if by_band.get(band)}
    return {"by_type": dict(by_type), "by_band": ordered, "total": sum(by_type.values())}


# History states --------------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in the portal's time zone (exclusive bound)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _state_from_row(row: dict, config: ScoringConfig) -> ScoreState | None:
    if row["history_type"] == "-":
        return None
    score = row["current_score"]
    return ScoreState(
        score=score,
        band=config.band(score) if score is not None else (row["stated_band"] or None),
        status=row["status"],
        likelihood=row["likelihood"],
        impact=row["impact"],
    )


STATE_FIELDS = (
    "id",
    "history_type",
    "current_score",
    "stated_band",
    "status",
    "likelihood",
    "impact",
    "classification",
    "initial_score",
    "target_score",
)


def _history_rows_before(items: QuerySet[RaidItem], moment: datetime) -> list[dict]:
    """The latest history row of each item strictly before `moment` (one query)."""
    latest = (
        HistoricalRaidItem.objects.filter(id=OuterRef("id"), history_date__lt=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return list(
        HistoricalRaidItem.objects.filter(id__in=items.values("id"), history_date__lt=moment)
        .annotate(latest_id=Subquery(latest))
        .filter(history_id=F("latest_id"))
        .values(*STATE_FIELDS)
    )


def states_as_of(
    items: QuerySet[RaidItem],
    moment: datetime,
    config: ScoringConfig,
    *,
    restricted_ok: bool,
    rows: list[dict] | None = None,
) -> dict[int, ScoreState]:
    states = {}
    for row in rows if rows is not None else _history_rows_before(items, moment):
        if not restricted_ok and row["classification"] != Classification.PUBLIC:
            continue
        state = _state_from_row(row, config)
        if state is not None:
            states[row["id"]] = state
    return states


@dataclass(frozen=True)
class Movement:
    text: str
    direction: str
    before: ScoreState | None
    now: ScoreState | None

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓", "new": "★", "closed": "✓", "same": "→"}.get(
            self.direction, ""
        )


@dataclass(frozen=True)
class MovementContext:
    reporting_date: date
    last_psg: object  # meetings.Meeting | None

    @property
    def since_label(self) -> str:
        return f"since {self.last_psg}" if self.last_psg else "(no earlier PSG)"


def movement_context(reporting_date: date | None = None) -> MovementContext:
    reporting_date = reporting_date or programme_reporting_date()
    return MovementContext(reporting_date, last_meeting_before(reporting_date))


def movements(
    *,
    user,
    items: QuerySet[RaidItem],
    context: MovementContext,
    config: ScoringConfig,
    now_rows: list[dict] | None = None,
) -> dict[int, Movement]:
    """Movement since the last PSG for each of `items` (two queries; one when the caller
    already read the history rows as at the reporting date)."""
    restricted_ok = reads_restricted(user)
    now_states = states_as_of(
        items,
        end_of_day(context.reporting_date),
        config,
        restricted_ok=restricted_ok,
        rows=now_rows,
    )
    if context.last_psg is None:
        return {pk: Movement("", "", None, now) for pk, now in now_states.items()}
    before_states = states_as_of(
        items, end_of_day(context.last_psg.date), config, restricted_ok=restricted_ok
    )
    unknown_before = recorded_after(items, context.last_psg.date)
    result = {}
    for pk, now in now_states.items():
        before = before_states.get(pk)
        if before is None and pk in unknown_before:
            result[pk] = Movement("", "", None, now)
            continue
        result[pk] = Movement(
            movement_text(before, now), movement_direction(before, now), before, now
        )
    return result


def recorded_after(items: QuerySet[RaidItem], day: date) -> set[int]:
    """Items whose recorded states begin after `day`: what they were then is unknown."""
    return set(items.filter(recorded_from__gt=day).values_list("pk", flat=True))


def item_movement(*, user, item: RaidItem, reporting_date: date | None = None) -> Movement:
    context = movement_context(reporting_date)
    found = movements(
        user=user,
        items=RaidItem.objects.filter(pk=item.pk),
        context=context,
        config=scoring_config(),
    )
    return found.get(item.pk, Movement("", "", None, None))


# Pack views ------------------------------------------------------------------------------


@dataclass
class KeyItem:
    """One row of the pack's Key Risks tables, as at the reporting date."""

    pk: int
    reference: str
    type: str
    title: str
    description: str
    score: int | None
    band: str
    band_label: str
    score_given_directly: bool
    initial_score: int | None
    target_score: int | None
    likelihood: int | None
    impact: int | None
    movement: str
    direction: str
    steps: list = field(default_factory=list)
    owner: str = ""
    theme: str = ""
    theme_id: int | None = None
    classification: str = Classification.PUBLIC
    status: str = Status.OPEN

    @property
    def restricted(self) -> bool:
        return self.classification == Classification.RESTRICTED

    @property
    def scale(self) -> list[int]:
        """30 down to 1, for the pack's score-assessment strip."""
        return list(range(30, 0, -1))


@dataclass(frozen=True)
class KeyItemColumns:
    """Which optional columns a table of key items needs: a column nobody has a value for is
    left out rather than printed full of dashes."""

    scores: bool  # initial / current / target, when any item states an initial or target
    movement: bool
    owner: bool
    theme: bool

    @classmethod
    def of(cls, items: list[KeyItem], *, theme: bool = True) -> KeyItemColumns:
        return cls(
            scores=any(i.initial_score is not None or i.target_score is not None for i in items),
            movement=any(i.movement for i in items),
            owner=any(i.owner for i in items),
            theme=theme and any(i.theme for i in items),
        )


class KeyItems(list):
    """Key items, knowing which optional columns a table of them needs (a theme slide's
    table needs no theme column: `with_theme=False`)."""

    def __init__(self, items=(), *, with_theme: bool = True):
        super().__init__(items)
        self.with_theme = with_theme

    @property
    def columns(self) -> KeyItemColumns:
        return KeyItemColumns.of(self, theme=self.with_theme)


def _steps_queryset():
    return MitigationStep.objects.select_related("owner_person").order_by("position")


def key_items(
    *,
    user,
    reporting_date: date | None = None,
    theme: Theme | int | None = None,
    references: list[str] | None = None,
    types: list[str] | None = None,
    include_closed: bool = False,
    limit: int | None = None,
) -> list[KeyItem]:
    """Items as the pack prints them: score, band, initial/current/target, movement since the
    last PSG, numbered mitigation plan, owner and theme; highest current score first.

    Scores are those as at the reporting date (from history); the mitigation plan is the
    current one. Items created after the reporting date are left out.
    """
    config = scoring_config()
    context = movement_context(reporting_date)
    items = visible_items(user)
    if theme is not None:
        items = items.filter(theme_id=theme if isinstance(theme, int) else theme.pk)
    if references:
        wanted = [r.upper() for r in references]
        items = items.annotate(ref_upper=Upper("reference")).filter(ref_upper__in=wanted)
    if types:
        items = items.filter(type__in=types)
    now_rows = _history_rows_before(items, end_of_day(context.reporting_date))
    found = movements(user=user, items=items, context=context, config=config, now_rows=now_rows)
    as_of = {row["id"]: row for row in now_rows}
    # Only the columns the pack prints: thousands of items stay well under a second.
    rows = list(
        items.select_related("theme", "owner_person", "owner_organisation").only(
            "id",
            "reference",
            "type",
            "title",
            "description",
            "score_given_directly",
            "classification",
            "owner_text",
            "theme_id",
            "theme__name",
            "owner_person_id",
            "owner_person__full_name",
            "owner_person__email",
            "owner_organisation_id",
            "owner_organisation__name",
        )
    )
    steps_by_item: dict[int, list] = defaultdict(list)
    for step in (
        MitigationStep.objects.filter(item__in=items)
        .select_related("owner_person")
        .only(
            "id",
            "item_id",
            "position",
            "text",
            "owner_text",
            "due_date",
            "state",
            "owner_person_id",
            "owner_person__full_name",
            "owner_person__email",
        )
        .order_by("item_id", "position")
    ):
        steps_by_item[step.item_id].append(step)
    result = []
    for item in rows:
        move = found.get(item.pk)
        state = move.now if move else None
        if state is None or (state.status != Status.OPEN and not include_closed):
            continue
        band = state.band or ""
        past = as_of.get(item.pk, {})
        result.append(
            KeyItem(
                pk=item.pk,
                reference=item.reference,
                type=item.type,
                title=item.title,
                description=item.description or item.title,
                score=state.score,
                band=band,
                band_label=BAND_LABELS.get(band, ""),
                score_given_directly=item.score_given_directly,
                initial_score=past.get("initial_score"),
                target_score=past.get("target_score"),
                likelihood=state.likelihood,
                impact=state.impact,
                movement=move.text,
                direction=move.direction,
                steps=steps_by_item.get(item.pk, []),
                owner=item.owner_display,
                theme=item.theme.name if item.theme_id else "",
                theme_id=item.theme_id,
                classification=item.classification,
                status=state.status,
            )
        )
    band_rank = {band: index for index, band in enumerate(BAND_ORDER)}
    result.sort(
        key=lambda k: (
            -(k.score or 0),
            band_rank.get(k.band, len(band_rank)),
            k.reference.upper(),
        )
    )
    return KeyItems(result[:limit] if limit else result)


def top_items(
    *, user, reporting_date: date | None = None, limit: int = 10, types: list[str] | None = None
) -> list[KeyItem]:
    """The highest-scoring open items (risks by default) with movement."""
    return key_items(
        user=user,
        reporting_date=reporting_date,
        types=types if types is not None else [RaidType.RISK],
        limit=limit,
    )


@dataclass
class ThemeSlide:
    theme: Theme
    items: list[KeyItem]

    @property
    def restricted(self) -> bool:
        return any(item.restricted for item in self.items)

    def __post_init__(self):
        self.items = KeyItems(self.items, with_theme=False)


def theme_summaries(
    *, user, reporting_date: date | None = None, limit_per_theme: int | None = None
) -> list[ThemeSlide]:
    """One slide per theme with its open items (highest score first, at most
    `limit_per_theme`), for the appendix RAID theme slides. Themes with nothing the user may
    see are left out."""
    themes = {t.pk: t for t in Theme.objects.all()}
    by_theme: dict[int, list[KeyItem]] = defaultdict(list)
    for item in key_items(user=user, reporting_date=reporting_date):
        if item.theme_id and (
            limit_per_theme is None or len(by_theme[item.theme_id]) < limit_per_theme
        ):
            by_theme[item.theme_id].append(item)
    return [ThemeSlide(theme, by_theme[pk]) for pk, theme in themes.items() if by_theme.get(pk)]


# Heat map --------------------------------------------------------------------------------


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    score: int
    band: str
    count: int = 0
    moved_in: int = 0
    moved_out: int = 0
    by_score: int = 0  # of `count`, placed from a score given directly

    @property
    def band_label(self) -> str:
        return BAND_LABELS.get(self.band, "")


@dataclass
class HeatArrow:
    source: tuple[int, int]
    target: tuple[int, int]
    count: int
    references: list[str]
    direction: str


@dataclass(frozen=True)
class UnplacedItem:
    """An open item the map cannot place: a band stated without a score, or nothing."""

    reference: str
    band: str
    band_label: str
    restricted: bool


@dataclass
class HeatMap:
    likelihoods: list[int]
    impacts: list[int]
    rows: list[list[HeatCell]]  # highest likelihood first
    arrows: list[HeatArrow]
    unplaced: int  # open items with no likelihood/impact and no score that names one cell
    context: MovementContext
    total: int
    unplaced_items: list[UnplacedItem] = field(default_factory=list)
    # Whether any Restricted item is placed or listed: the pack marks the page Restricted.
    restricted: bool = False

    @property
    def unplaced_by_band(self) -> list[tuple[str, list[UnplacedItem]]]:
        """Unplaced items grouped by band, highest band first, then those with no band."""
        groups: dict[str, list[UnplacedItem]] = defaultdict(list)
        for item in self.unplaced_items:
            groups[item.band].append(item)
        order = [*BAND_ORDER, ""]
        return [
            (BAND_LABELS.get(band, "No score or band"), sorted(groups[band], key=_ref_key))
            for band in order
            if groups.get(band)
        ]

    @property
    def placed_by_score(self) -> int:
        return sum(cell.by_score for row in self.rows for cell in row)

    # Geometry of the server-rendered SVG (no JS), shared by the web page and the PDF.
    CELL_W, CELL_H, LEFT, TOP, BOTTOM = 96, 64, 56, 8, 44

    def svg(self) -> dict:
        width = self.LEFT + self.CELL_W * len(self.impacts) + 8
        height = self.TOP + self.CELL_H * len(self.likelihoods) + self.BOTTOM
        centres = {}
        cells = []
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                x, y = self.LEFT + c * self.CELL_W, self.TOP + r * self.CELL_H
                centres[(cell.likelihood, cell.impact)] = (
                    x + self.CELL_W / 2,
                    y + self.CELL_H / 2,
                )
                cells.append(
                    {
                        "cell": cell,
                        "x": x,
                        "y": y,
                        "cx": x + self.CELL_W / 2,
                        "cy": y + self.CELL_H / 2 + 8,
                        "label_x": x + 4,
                        "label_y": y + 14,
                    }
                )
        arrows = []
        for arrow in self.arrows:
            (x1, y1), (x2, y2) = centres[arrow.source], centres[arrow.target]
            # Stop short of the centres so the counts stay readable.
            dx, dy = x2 - x1, y2 - y1
            length = max((dx * dx + dy * dy) ** 0.5, 1)
            shrink = min(22, length / 3)
            arrows.append(
                {
                    "arrow": arrow,
                    "x1": round(x1 + dx / length * shrink, 1),
                    "y1": round(y1 + dy / length * shrink, 1),
                    "x2": round(x2 - dx / length * shrink, 1),
                    "y2": round(y2 - dy / length * shrink, 1),
                }
            )
        axis_y = self.TOP + self.CELL_H * len(self.likelihoods)
        return {
            "width": width,
            "height": height,
            "cells": cells,
            "arrows": arrows,
            "impact_labels": [
                {"x": self.LEFT + c * self.CELL_W + self.CELL_W / 2, "y": axis_y + 16, "value": i}
                for c, i in enumerate(self.impacts)
            ],
            "likelihood_labels": [
                {
                    "x": self.LEFT - 12,
                    "y": self.TOP + r * self.CELL_H + self.CELL_H / 2 + 5,
                    "value": row[0].likelihood,
                }
                for r, row in enumerate(self.rows)
            ],
            "impact_title": {
                "x": self.LEFT + self.CELL_W * len(self.impacts) / 2,
                "y": axis_y + 36,
            },
            "likelihood_title": {"x": 14, "y": self.TOP + self.CELL_H * len(self.rows) / 2},
        }

    def cell(self, likelihood: int, impact: int) -> HeatCell | None:
        for row in self.rows:
            for cell in row:
                if cell.likelihood == likelihood and cell.impact == impact:
                    return cell
        return None


def _ref_key(item) -> tuple:
    return (item.reference.upper(),)


def heatmap(*, user, reporting_date: date | None = None, types: list[str] | None = None) -> HeatMap:
    """Open items per likelihood x impact cell as at the reporting date, with arrows from
    each moved item's cell at the last PSG to its cell now."""
    config = scoring_config()
    context = movement_context(reporting_date)
    items = visible_items(user)
    if types:
        items = items.filter(type__in=types)
    found = movements(user=user, items=items, context=context, config=config)
    facts = {
        pk: (reference, classification)
        for pk, reference, classification in items.values_list("pk", "reference", "classification")
    }
    references = {pk: reference for pk, (reference, _) in facts.items()}
    unplaced_items: list[UnplacedItem] = []
    restricted = False
    counts: Counter = Counter()
    by_score: Counter = Counter()
    moves: dict[tuple, list[str]] = defaultdict(list)
    unplaced = 0

    def place(state: ScoreState | None):
        # A score given directly still names its cell when only one cell holds that score
        # (the default matrix's scores are all distinct); such placements are counted apart.
        if state is None:
            return None, False
        if state.cell is not None:
            return state.cell, False
        return config.cell_for_score(state.score), True

    for pk, move in found.items():
        now = move.now
        if now is None or now.status != Status.OPEN:
            continue
        cell, inferred = place(now)
        reference, classification = facts.get(pk, ("", ""))
        restricted = restricted or classification == Classification.RESTRICTED
        if cell is None:
            unplaced += 1
            band = now.band or ""
            unplaced_items.append(
                UnplacedItem(
                    reference,
                    band,
                    BAND_LABELS.get(band, ""),
                    classification == Classification.RESTRICTED,
                )
            )
            continue
        counts[cell] += 1
        by_score[cell] += inferred
        before = move.before
        old_cell = place(before)[0] if before is not None and before.status == Status.OPEN else None
        if old_cell is not None and old_cell != cell:
            moves[(old_cell, cell, move.direction)].append(references.get(pk, ""))
    likelihoods, impacts = config.likelihoods, config.impacts
    rows = []
    for likelihood in reversed(likelihoods):
        row = []
        for impact in impacts:
            score = config.matrix[(likelihood, impact)]
            row.append(
                HeatCell(
                    likelihood,
                    impact,
                    score,
                    config.band(score) or "",
                    counts.get((likelihood, impact), 0),
                    by_score=by_score.get((likelihood, impact), 0),
                )
            )
        rows.append(row)
    heat = HeatMap(
        likelihoods,
        impacts,
        rows,
        [],
        unplaced,
        context,
        sum(counts.values()),
        unplaced_items=unplaced_items,
        restricted=restricted,
    )
    for (source, target, direction), refs in sorted(moves.items()):
        heat.arrows.append(HeatArrow(source, target, len(refs), sorted(refs), direction))
        if cell := heat.cell(*source):
            cell.moved_out += len(refs)
        if cell := heat.cell(*target):
            cell.moved_in += len(refs)
    return heat


# What changed ----------------------------------------------------------------------------


@dataclass
class RaidChanges:
    new: list[RaidItem]
    closed: list[RaidItem]
    rescored: list[tuple[RaidItem, int | None, int | None]]

    @property
    def empty(self) -> bool:
        return not (self.new or self.closed or self.rescored)


def changes_between(*, user, start: datetime, end: datetime) -> RaidChanges:
    """Items new, closed and re-scored between two instants (start inclusive, end exclusive),
    for the pack's "What changed" section."""
    config = scoring_config()
    restricted_ok = reads_restricted(user)
    items = visible_items(user)
    before = states_as_of(items, start, config, restricted_ok=restricted_ok)
    after = states_as_of(items, end, config, restricted_ok=restricted_ok)
    unknown_before = recorded_after(items, timezone.localdate(start))
    wanted = {
        pk
        for pk in after
        if (pk not in before and pk not in unknown_before)
        or (pk in before and before[pk] != after[pk])
    }
    by_pk = {item.pk: item for item in _with_relations(items).filter(pk__in=wanted)}
    new, closed, rescored = [], [], []
    for pk in sorted(wanted, key=lambda p: by_pk[p].reference if p in by_pk else ""):
        item = by_pk.get(pk)
        if item is None:
            continue
        old, now = before.get(pk), after[pk]
        if old is None:
            new.append(item)
        elif old.status == Status.OPEN and now.status != Status.OPEN:
            closed.append(item)
        elif now.status == Status.OPEN and old.score != now.score:
            rescored.append((item, old.score, now.score))
    return RaidChanges(new, closed, rescored)


def step_progress(steps) -> dict:
    """Counts of mitigation steps by state, and the share done (cancelled steps excluded)."""
    counts = Counter(step.state for step in steps)
    live = sum(counts.values()) - counts.get(StepState.CANCELLED, 0)
    done = counts.get(StepState.DONE, 0)
    return {
        "total": live,
        "done": done,
        "in_progress": counts.get(StepState.IN_PROGRESS, 0),
        "percent": round(100 * done / live) if live else 0,
    }
