"""Changing the scoring matrix and bands: validated, recorded, items re-scored."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from raid import selectors, services
from raid.models import RaidItem, ScoreCell
from raid.scoring import DEFAULT_BANDS, default_config
from tests.raid.factories import RaidItemFactory

pytestmark = pytest.mark.django_db


def form_data(matrix=None, bands=DEFAULT_BANDS, reason="Recalibrated"):
    matrix = matrix or dict(default_config().matrix)
    data = {f"cell_{lk}_{im}": score for (lk, im), score in matrix.items()}
    for band, low, high in bands:
        data[f"band_{band}_min"], data[f"band_{band}_max"] = low, high
    data["reason"] = reason
    return data


def test_matrix_change_rescores_items_with_history(world, client_for):
    item = RaidItemFactory(reference="R1", likelihood=3, impact=4, current_score=18)
    direct = RaidItemFactory(
        reference="R2", likelihood=None, impact=None, current_score=18, score_given_directly=True
    )
    matrix = dict(default_config().matrix)
    matrix[(3, 4)] = 19
    response = client_for(world.users["pmo"]).post(reverse("raid-scoring-edit"), form_data(matrix))
    assert response.status_code == 302
    assert ScoreCell.objects.get(likelihood=3, impact=4).score == 19
    item.refresh_from_db()
    assert item.current_score == 19 and item.version == 2
    assert item.history.first().history_change_reason == "Recalibrated"
    assert RaidItem.objects.get(pk=direct.pk).current_score == 18  # given directly: kept
    assert selectors.scoring_config().score(3, 4) == 19


def test_bands_change(world):
    bands = [("critical", 20, 30), ("high", 15, 19), ("medium", 9, 14), ("low", 1, 8)]
    services.scoring_update(matrix=dict(default_config().matrix), bands=bands)
    assert selectors.scoring_config().band(20) == "critical"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"matrix": {(5, 5): 2}}, "lower"),
        ({"bands": [("critical", 25, 30), ("high", 17, 24), ("medium", 9, 16)]}, "No band"),
    ],
)
def test_invalid_scoring_is_refused(change, message):
    matrix = dict(default_config().matrix)
    matrix.update(change.get("matrix", {}))
    with pytest.raises(ValidationError, match=message):
        services.scoring_update(matrix=matrix, bands=change.get("bands", list(DEFAULT_BANDS)))
    assert ScoreCell.objects.get(likelihood=5, impact=5).score == 30


def test_invalid_form_shows_problems(world, client_for):
    matrix = dict(default_config().matrix)
    matrix[(1, 1)] = 29
    response = client_for(world.users["pmo"]).post(reverse("raid-scoring-edit"), form_data(matrix))
    assert response.status_code == 200
    assert "scores lower" in response.content.decode()
    assert ScoreCell.objects.get(likelihood=1, impact=1).score == 1


@pytest.mark.parametrize("role", ["participant", "observer", "steering"])
def test_only_pmo_changes_scoring(world, client_for, role):
    matrix = dict(default_config().matrix)
    matrix[(1, 1)] = 2
    response = client_for(world.users[role]).post(reverse("raid-scoring-edit"), form_data(matrix))
    assert response.status_code == 403
    assert ScoreCell.objects.get(likelihood=1, impact=1).score == 1


def test_home_panel_counts_only_visible_items(world, client_for):
    RaidItemFactory(reference="R1", title="Seen risk")
    RaidItemFactory(reference="R2", title="Hidden risk", classification="restricted")
    body = client_for(world.users["participant"]).get(reverse("home")).content.decode()
    assert "Seen risk" in body and "Hidden risk" not in body
    assert "1 open item" in body
