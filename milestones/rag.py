"""RAG rules for milestones: pure functions of dates and facts, each result saying why.

    C  completed on or before the evaluation date.
    R  not complete, and the baseline date has passed, or the forecast is later than the
       baseline by more working days than the tier's tolerance.
    A  not complete, and the forecast is later than the baseline within tolerance, or the
       PMO flags it at risk, or an open predecessor is forecast after this forecast, or a
       predecessor is Red.
    G  otherwise.

Forecast RAG (evaluating at a later date than the one the data is as of, `projected_from`): a
milestone that is open on `projected_from`, not flagged at risk, forecast to finish between that
date and the evaluation date, and not waiting on a predecessor forecast after it, is projected
Complete on its forecast date. Without this an on-track milestone due before the meeting would
show Red at the meeting merely because nobody has recorded its completion yet.

Lateness is counted in working days (portal.working_days: weekends and England & Wales bank
holidays skipped):
the number of working days d with baseline < d <= forecast. A forecast moved from a Friday
to the Saturday is therefore 0 working days late: later than baseline, within any tolerance.
Tolerances per tier come from settings.MILESTONE_TOLERANCE_WORKING_DAYS (defaults T1 0,
T2 5, T3 10). Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.conf import settings

from portal.working_days import working_days_after

DEFAULT_TOLERANCES = {"T1": 0, "T2": 5, "T3": 10}
RED, AMBER, GREEN, COMPLETE = "R", "A", "G", "C"
RAG_WORDS = {RED: "Red", AMBER: "Amber", GREEN: "Green", COMPLETE: "Complete"}


def tolerances() -> dict[str, int]:
    return {**DEFAULT_TOLERANCES, **getattr(settings, "MILESTONE_TOLERANCE_WORKING_DAYS", {})}


@lru_cache(maxsize=8192)
def fmt(day: date | None) -> str:
    return day.strftime("%d %b %Y") if day else "–"


# --- rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RagResult:
    value: str
    reason: str

    @property
    def words(self) -> str:
        return RAG_WORDS[self.value]


@dataclass(frozen=True)
class PredecessorFacts:
    reference: str
    forecast_date: date
    completed_on: date | None
    rag: str  # the predecessor's displayed RAG at the same evaluation date


@dataclass(frozen=True)
class MilestoneFacts:
    reference: str
    tier: str
    baseline_date: date
    forecast_date: date
    completed_on: date | None = None
    at_risk: bool = False
    predecessors: tuple[PredecessorFacts, ...] = field(default_factory=tuple)
    at_risk_reason: str = ""


def _projected_complete(facts: MilestoneFacts, on: date, projected_from: date | None) -> bool:
    if projected_from is None or projected_from >= on or facts.at_risk:
        return False
    if facts.completed_on is not None and facts.completed_on <= projected_from:
        return False
    if not projected_from <= facts.forecast_date <= on:
        return False
    return not any(
        p.rag != COMPLETE and p.forecast_date > facts.forecast_date for p in facts.predecessors
    )


def evaluate(
    facts: MilestoneFacts,
    on: date,
    tol: Mapping[str, int] | None = None,
    *,
    projected_from: date | None = None,
) -> RagResult:
    """The computed RAG of one milestone as at `on`, with every reason that applies.

    With `projected_from` (the date the data is as of, earlier than `on`), an open milestone
    due by `on` and not at risk is projected Complete (see the module docstring)."""
    tol = tolerances() if tol is None else tol
    if facts.completed_on is not None and facts.completed_on <= on:
        return RagResult(COMPLETE, f"Completed on {fmt(facts.completed_on)}.")
    if _projected_complete(facts, on, projected_from):
        return RagResult(
            COMPLETE,
            f"Projected complete on {fmt(facts.forecast_date)}: its forecast date, on or before "
            f"{fmt(on)}, as planned on {fmt(projected_from)} (not flagged at risk).",
        )

    allowed = tol.get(facts.tier, 0)
    late = working_days_after(facts.baseline_date, facts.forecast_date)
    red, amber = [], []
    if facts.baseline_date < on:
        red.append(f"Baseline date {fmt(facts.baseline_date)} has passed and it is not complete.")
    if facts.forecast_date > facts.baseline_date:
        slip = (
            f"Forecast {fmt(facts.forecast_date)} is {late} working day{'s' * (late != 1)} "
            f"after baseline {fmt(facts.baseline_date)}"
        )
        if late > allowed:
            red.append(f"{slip}, beyond the {facts.tier} tolerance of {allowed}.")
        else:
            amber.append(f"{slip}, within the {facts.tier} tolerance of {allowed}.")
    if facts.at_risk:
        why = facts.at_risk_reason.strip().rstrip(".")
        amber.append("PMO has flagged it at risk" + (f": {why}." if why else "."))
    for pred in facts.predecessors:
        if pred.rag == RED:
            amber.append(f"Predecessor {pred.reference} is Red.")
        open_pred = pred.completed_on is None or pred.completed_on > on
        if open_pred and pred.forecast_date > facts.forecast_date:
            amber.append(
                f"Predecessor {pred.reference} is forecast for {fmt(pred.forecast_date)}, "
                f"after this forecast of {fmt(facts.forecast_date)}."
            )
    if red:
        return RagResult(RED, " ".join(red + amber))
    if amber:
        return RagResult(AMBER, " ".join(amber))
    return RagResult(
        GREEN,
        f"Not yet due: forecast {fmt(facts.forecast_date)} is on or before baseline "
        f"{fmt(facts.baseline_date)}, no risk flagged, predecessors on track.",
    )


@dataclass(frozen=True)
class DisplayRag:
    """What a user sees: the override if any, always beside the computed value and reason."""

    value: str
    reason: str
    computed: RagResult
    is_override: bool

    @property
    def words(self) -> str:
        return RAG_WORDS.get(self.value, "")


def displayed(computed: RagResult, override: str = "", override_reason: str = "") -> DisplayRag:
    if override:
        return DisplayRag(
            override,
            f"Override by PMO: {override_reason} (computed {computed.words}: {computed.reason})",
            computed,
            True,
        )
    return DisplayRag(computed.value, computed.reason, computed, False)


@dataclass(frozen=True)
class Node:
    """One milestone of a graph evaluation; `predecessor_ids` point at other nodes' keys."""

    reference: str
    tier: str
    baseline_date: date
    forecast_date: date
    completed_on: date | None
    at_risk: bool
    rag_override: str = ""
    override_reason: str = ""
    predecessor_ids: tuple = ()
    at_risk_reason: str = ""


def evaluate_all(
    nodes: Mapping[object, Node],
    on: date,
    tol: Mapping[str, int] | None = None,
    *,
    settled: Mapping[object, DisplayRag] | None = None,
    projected_from: date | None = None,
) -> dict[object, DisplayRag]:
    """Evaluate a whole set of milestones at `on`, predecessors before successors.

    `projected_from` makes it a forecast from that date's data (see `evaluate`).

    Iterative depth-first order so a long chain never hits the recursion limit. A predecessor
    outside `nodes` is ignored; a cycle (prevented by the services) is broken by treating the
    predecessor still being evaluated as not Red. `settled` results are taken as given (a
    partial recompute seeds the predecessors outside its set from the cache).
    """
    tol = tolerances() if tol is None else tol
    results: dict[object, DisplayRag] = dict(settled or {})
    in_progress: set = set()
    for root in nodes:
        if root in results:
            continue
        stack = [(root, False)]
        while stack:
            key, expanded = stack.pop()
            if key in results:
                continue
            node = nodes[key]
            if not expanded:
                in_progress.add(key)
                stack.append((key, True))
                for pid in node.predecessor_ids:
                    if pid in nodes and pid not in results and pid not in in_progress:
                        stack.append((pid, False))
                continue
            preds = []
            for pid in node.predecessor_ids:
                pred = nodes.get(pid)
                if pred is None:
                    continue
                pred_rag = results[pid].value if pid in results else ""
                preds.append(
                    PredecessorFacts(
                        pred.reference, pred.forecast_date, pred.completed_on, pred_rag
                    )
                )
            facts = MilestoneFacts(
                node.reference,
                node.tier,
                node.baseline_date,
                node.forecast_date,
                node.completed_on,
                node.at_risk,
                tuple(preds),
                node.at_risk_reason,
            )
            results[key] = displayed(
                evaluate(facts, on, tol, projected_from=projected_from),
                node.rag_override,
                node.override_reason,
            )
            in_progress.discard(key)
    return results
