"""Scoring, banding and movement rules (pure functions), table-driven."""

import pytest

from raid.scoring import (
    DEFAULT_BANDS,
    DEFAULT_MATRIX,
    ScoreState,
    ScoringError,
    band_for,
    default_config,
    movement_direction,
    movement_text,
    score_for,
    validate_bands,
    validate_matrix,
)

CONFIG = default_config()


@pytest.mark.parametrize(
    ("likelihood", "impact", "score"),
    [
        (1, 1, 1),
        (5, 5, 30),
        (4, 3, 17),  # the seed's 17: a ranking cell, not a product
        (4, 5, 25),
        (3, 5, 24),
        (3, 4, 18),
        (1, 5, 15),
        (2, 5, 20),  # severe but unlikely outranks likely but minor...
        (5, 2, 16),  # ...this one
    ],
)
def test_score_is_the_matrix_cell(likelihood, impact, score):
    assert score_for(CONFIG.matrix, likelihood, impact) == score


def test_score_outside_the_matrix_is_an_error():
    with pytest.raises(ScoringError, match="likelihood 6"):
        score_for(CONFIG.matrix, 6, 1)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (30, "critical"),
        (25, "critical"),
        (24, "high"),
        (17, "high"),
        (16, "medium"),
        (9, "medium"),
        (8, "low"),
        (1, "low"),
        (None, None),
    ],
)
def test_default_bands(score, band):
    assert band_for(DEFAULT_BANDS, score) == band


def test_bands_are_configurable():
    bands = (("critical", 20, 30), ("high", 10, 19), ("medium", 5, 9), ("low", 1, 4))
    assert band_for(bands, 20) == "critical"
    assert band_for(bands, 4) == "low"


def test_score_without_a_band_is_an_error():
    with pytest.raises(ScoringError):
        band_for((("high", 10, 30),), 3)


@pytest.mark.parametrize(
    ("bands", "problem"),
    [
        (DEFAULT_BANDS, None),
        ((("critical", 25, 30), ("high", 17, 24), ("medium", 9, 16)), "No band covers 1"),
        ((("critical", 24, 30), ("high", 17, 24), ("medium", 9, 16), ("low", 1, 8)), "both"),
        ((("critical", 30, 25), ("high", 1, 24)), "above"),
    ],
)
def test_band_validation(bands, problem):
    problems = validate_bands(bands)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems)


def test_default_matrix_is_complete_monotone_and_in_range():
    assert validate_matrix(CONFIG.matrix) == []
    assert len(DEFAULT_MATRIX) * len(DEFAULT_MATRIX[1]) == 25


def test_matrix_that_falls_is_rejected():
    matrix = dict(CONFIG.matrix)
    matrix[(5, 5)] = 2
    assert any("lower" in p for p in validate_matrix(matrix))


def s(score, status="open", band=None):
    return ScoreState(score=score, band=band, status=status)


@pytest.mark.parametrize(
    ("before", "now", "text", "direction"),
    [
        (None, s(20), "New item", "new"),
        (s(25), s(25), "Score remains at 25", "same"),
        (s(18), s(15), "Score reduced from 18 to 15", "down"),
        (s(12), s(17), "Score increased from 12 to 17", "up"),
        (s(18), s(18, status="closed"), "Closed", "closed"),
        (s(18), s(18, status="converted"), "Closed", "closed"),
        (s(None, band="high"), s(None, band="high"), "Band remains High", "same"),
        (s(None, band="medium"), s(None, band="high"), "Band changed from Medium to High", "same"),
        (s(None), s(9), "Score set at 9", "same"),
        (s(None), s(None), "Not scored", "same"),
        (s(5), None, "", ""),
    ],
)
def test_movement_rules(before, now, text, direction):
    assert movement_text(before, now) == text
    assert movement_direction(before, now) == direction
