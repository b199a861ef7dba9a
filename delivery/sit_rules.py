"""Pure rules of SIT progress: is a completion target met, and how its figures read.

No database: each function takes plain values (or unsaved model instances) so the rules are
tested table by table and the pack, the web page and the pre-publish check agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from delivery.sit_models import Assessment, Comparator, MeasureUnit

_COMPARE = {
    Comparator.GT: lambda value, threshold: value > threshold,
    Comparator.GE: lambda value, threshold: value >= threshold,
    Comparator.LT: lambda value, threshold: value < threshold,
    Comparator.LE: lambda value, threshold: value <= threshold,
    Comparator.EQ: lambda value, threshold: value == threshold,
}


def computed_status(
    *,
    comparator: str,
    threshold: Decimal | None,
    achieved: Decimal | None,
    achieved_to: Decimal | None = None,
) -> str | None:
    """Met or not met from the figures, or None when they cannot decide.

    A range ("the 3 fastest Cohorts achieved between 43% and 56%") meets the threshold only if
    every value in it does, so its weaker end decides: the lower end for ">"/"≥", the upper end
    for "<"/"≤"; "=" needs a single value.
    """
    if not comparator or threshold is None or achieved is None:
        return None
    low = achieved
    high = achieved_to if achieved_to is not None else achieved
    if comparator in (Comparator.GT, Comparator.GE):
        deciding = low
    elif comparator in (Comparator.LT, Comparator.LE):
        deciding = high
    else:
        if low != high:
            return Assessment.NOT_MET
        deciding = low
    met = _COMPARE[Comparator(comparator)](deciding, threshold)
    return Assessment.MET if met else Assessment.NOT_MET


def measure_status(measure) -> str | None:
    """The measure's status: from its figures where they decide, else the PMO's assessment."""
    return (
        computed_status(
            comparator=measure.comparator,
            threshold=measure.threshold,
            achieved=measure.achieved,
            achieved_to=measure.achieved_to,
        )
        or measure.assessment
        or None
    )


def target_status(statuses: Iterable[str | None]) -> str | None:
    """A target rolled up from its measures: any not met -> not met; all met -> met;
    otherwise on track. None when no measure has a status."""
    known = [s for s in statuses if s]
    if not known:
        return None
    if Assessment.NOT_MET in known:
        return Assessment.NOT_MET
    if all(s == Assessment.MET for s in known):
        return Assessment.MET
    return Assessment.ON_TRACK


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def format_value(value: Decimal | None, unit: str) -> str:
    if value is None:
        return ""
    return _number(value) + ("%" if unit == MeasureUnit.PERCENT else "")


def format_achieved(
    *, achieved: Decimal | None, achieved_to: Decimal | None, out_of: int | None, unit: str
) -> str:
    """'57%', '43%–56%', '4 of 5' or '' (nothing achieved recorded)."""
    if achieved is None:
        return ""
    if out_of is not None:
        return f"{_number(achieved)} of {out_of}"
    if achieved_to is not None and achieved_to != achieved:
        return f"{format_value(achieved, unit)}–{format_value(achieved_to, unit)}"
    return format_value(achieved, unit)


def format_threshold(*, comparator: str, threshold: Decimal | None, unit: str) -> str:
    """'> 85%', '≥ 5' or ''."""
    if not comparator or threshold is None:
        return ""
    return f"{Comparator(comparator).label} {format_value(threshold, unit)}"


@dataclass(frozen=True)
class MeasureView:
    """A measure as printed: its words, figures and status."""

    measure: object
    threshold: str
    achieved: str
    status: str | None

    @property
    def status_label(self) -> str:
        return Assessment(self.status).label if self.status else ""


def measure_view(measure) -> MeasureView:
    return MeasureView(
        measure=measure,
        threshold=format_threshold(
            comparator=measure.comparator, threshold=measure.threshold, unit=measure.unit
        ),
        achieved=format_achieved(
            achieved=measure.achieved,
            achieved_to=measure.achieved_to,
            out_of=measure.out_of,
            unit=measure.unit,
        ),
        status=measure_status(measure),
    )


def assessment_conflict(measure) -> str | None:
    """A stated assessment the figures contradict, as a sentence; None if they agree.

    "On track" is a forecast and does not contradict figures that are not met yet; "met" or
    "not met" stated against figures that say the opposite does.
    """
    computed = computed_status(
        comparator=measure.comparator,
        threshold=measure.threshold,
        achieved=measure.achieved,
        achieved_to=measure.achieved_to,
    )
    stated = measure.assessment
    if computed is None or not stated or stated == Assessment.ON_TRACK or stated == computed:
        return None
    return (
        f"stated as {Assessment(stated).label.lower()} but the figures say "
        f"{Assessment(computed).label.lower()}"
    )
