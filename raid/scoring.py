"""RAID scoring, banding and movement rules: pure functions over plain values.

The score is looked up in a likelihood x impact ranking matrix, not multiplied: the pack's
scores include 17, which no product of two small scales gives. Bands are inclusive score
ranges. Both are configurable (`ScoreCell`, `ScoreBand`); these defaults are what a new
database starts with (docs/raid-scoring.md explains them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# DEFAULT_MATRIX[likelihood][impact] -> score. Rows are likelihood 1 (rare) to 5 (almost
# certain), columns impact 1 (minimal) to 5 (severe). Monotone in both directions; impact
# weighs a little more than likelihood, so a severe but unlikely risk (L2 x I5 = 20) outranks
# a likely but minor one (L5 x I2 = 16).
DEFAULT_MATRIX: dict[int, dict[int, int]] = {
    1: {1: 1, 2: 3, 3: 6, 4: 10, 5: 15},
    2: {1: 2, 2: 5, 3: 9, 4: 14, 5: 20},
    3: {1: 4, 2: 8, 3: 13, 4: 18, 5: 24},
    4: {1: 7, 2: 12, 3: 17, 4: 23, 5: 25},
    5: {1: 11, 2: 16, 3: 22, 4: 27, 5: 30},
}

# (band, lowest score, highest score), inclusive, highest band first.
DEFAULT_BANDS: tuple[tuple[str, int, int], ...] = (
    ("critical", 25, 30),
    ("high", 17, 24),
    ("medium", 9, 16),
    ("low", 1, 8),
)

BAND_LABELS = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low"}
BAND_ORDER = ("critical", "high", "medium", "low")


class ScoringError(ValueError):
    pass


@dataclass(frozen=True)
class ScoringConfig:
    """A matrix and band ranges, as read from the database (or the defaults)."""

    matrix: Mapping[tuple[int, int], int]  # (likelihood, impact) -> score
    bands: tuple[tuple[str, int, int], ...]

    @property
    def likelihoods(self) -> list[int]:
        return sorted({likelihood for likelihood, _ in self.matrix})

    @property
    def impacts(self) -> list[int]:
        return sorted({impact for _, impact in self.matrix})

    def score(self, likelihood: int, impact: int) -> int:
        return score_for(self.matrix, likelihood, impact)

    def band(self, score: int | None) -> str | None:
        return band_for(self.bands, score)

    def cell_for_score(self, score: int | None) -> tuple[int, int] | None:
        """The one cell holding `score`, or None if no cell or several cells hold it."""
        if score is None:
            return None
        cells = [cell for cell, value in self.matrix.items() if value == score]
        return cells[0] if len(cells) == 1 else None


def default_config() -> ScoringConfig:
    return ScoringConfig(
        matrix={(lk, im): s for lk, row in DEFAULT_MATRIX.items() for im, s in row.items()},
        bands=DEFAULT_BANDS,
    )


def score_for(matrix: Mapping[tuple[int, int], int], likelihood: int, impact: int) -> int:
    try:
        return matrix[(likelihood, impact)]
    except KeyError:
        raise ScoringError(
            f"The scoring matrix has no cell for likelihood {likelihood} and impact {impact}."
        ) from None


def band_for(bands: Iterable[tuple[str, int, int]], score: int | None) -> str | None:
    """The band whose inclusive range holds `score`; None for no score."""
    if score is None:
        return None
    for band, low, high in bands:
        if low <= score <= high:
            return band
    raise ScoringError(f"No band covers the score {score}.")


def validate_bands(bands: Iterable[tuple[str, int, int]], *, low=1, high=30) -> list[str]:
    """Problems with a set of band ranges: they must cover low..high once, without overlap."""
    problems = []
    covered: dict[int, str] = {}
    for band, start, end in bands:
        if start > end:
            problems.append(f"{BAND_LABELS.get(band, band)}: {start} is above {end}.")
            continue
        for score in range(start, end + 1):
            if score in covered:
                problems.append(
                    f"Score {score} is in both {BAND_LABELS.get(covered[score], covered[score])} "
                    f"and {BAND_LABELS.get(band, band)}."
                )
            covered[score] = band
    missing = [s for s in range(low, high + 1) if s not in covered]
    if missing:
        problems.append(f"No band covers {', '.join(str(s) for s in missing)}.")
    return problems


def validate_matrix(matrix: Mapping[tuple[int, int], int], *, low=1, high=30) -> list[str]:
    """A matrix must be complete, in range, and never fall as likelihood or impact rises."""
    problems = []
    likelihoods = sorted({lk for lk, _ in matrix})
    impacts = sorted({im for _, im in matrix})
    for lk in likelihoods:
        for im in impacts:
            score = matrix.get((lk, im))
            if score is None:
                problems.append(f"No score for likelihood {lk}, impact {im}.")
                continue
            if not low <= score <= high:
                problems.append(f"Likelihood {lk}, impact {im}: {score} is outside {low}-{high}.")
            below = matrix.get((lk - 1, im))
            left = matrix.get((lk, im - 1))
            if below is not None and below > score:
                problems.append(
                    f"Likelihood {lk}, impact {im} scores lower than likelihood {lk - 1}."
                )
            if left is not None and left > score:
                problems.append(f"Likelihood {lk}, impact {im} scores lower than impact {im - 1}.")
    return problems


# Movement since the last PSG -------------------------------------------------------------


@dataclass(frozen=True)
class ScoreState:
    """What an item looked like at one moment, for movement."""

    score: int | None
    band: str | None = None
    status: str = "open"
    likelihood: int | None = None
    impact: int | None = None

    @property
    def cell(self) -> tuple[int, int] | None:
        if self.likelihood is None or self.impact is None:
            return None
        return (self.likelihood, self.impact)


NEW_ITEM = "New item"
CLOSED = "Closed"


def movement_text(before: ScoreState | None, now: ScoreState | None) -> str:
    """The pack's "Current score movement since last PSG" column.

    `before` is the item as at the last PSG (None if it did not exist), `now` as at the
    reporting date. Closed (or converted) since the last PSG reads "Closed"; an item closed
    already at the last PSG reads "Closed" too. Without scores on both sides the band is
    compared, so a banded-only item still gets a sentence.
    """
    if now is None:
        return ""
    if before is None:
        return NEW_ITEM
    if now.status != "open":
        return CLOSED
    if before.score is not None and now.score is not None:
        if now.score > before.score:
            return f"Score increased from {before.score} to {now.score}"
        if now.score < before.score:
            return f"Score reduced from {before.score} to {now.score}"
        return f"Score remains at {now.score}"
    if now.score is not None:
        return f"Score set at {now.score}"
    if before.band and now.band and before.band != now.band:
        return f"Band changed from {BAND_LABELS[before.band]} to {BAND_LABELS[now.band]}"
    if now.band:
        return f"Band remains {BAND_LABELS[now.band]}"
    return "Not scored"


def movement_direction(before: ScoreState | None, now: ScoreState | None) -> str:
    """'new', 'up', 'down', 'same' or 'closed', for arrows and filters."""
    if now is None:
        return ""
    if before is None:
        return "new"
    if now.status != "open":
        return "closed"
    if before.score is not None and now.score is not None:
        if now.score > before.score:
            return "up"
        if now.score < before.score:
            return "down"
    return "same"
