"""The demo register: the pack's 58 dashboard milestones with computed RAGs."""

import csv
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command

from milestones import selectors
from milestones.models import Milestone, Reforecast, Snapshot, SnapshotRow

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Milestone.objects.count(),
        Milestone.history.count(),
        Reforecast.objects.count(),
        Snapshot.objects.count(),
        SnapshotRow.objects.count(),
    )


def _dashboard_refs():
    with open(settings.DEMO_PROGRAMME_DIR / "milestones.csv", encoding="utf-8") as handle:
        return [
            row["ref"]
            for row in csv.DictReader(handle)
            if row["source"].startswith("Delivery Dashboards")
        ]


def test_demo_register_and_dashboard():
    call_command("load_programme")
    refs = _dashboard_refs()
    assert len(refs) == 58
    assert set(Milestone.objects.values_list("reference", flat=True)) == set(refs)
    # Code-drafting rows (no forum, duplicated refs) and reference-less rows stay out.
    assert not Milestone.objects.filter(reference="T2-RE-0100").exists()

    board = selectors.dashboard()
    assert (board.reporting_date, board.previous_date, board.forecast_date) == (
        date(2024, 8, 28),
        date(2024, 8, 21),
        date(2024, 9, 4),
    )
    assert len(board.rows) == 58
    assert all(r.previous and r.current and r.forecast for r in board.rows)
    by_ref = {r.reference: r for r in board.rows}
    # Baseline 30 May 2024 passed, not complete.
    assert by_ref["T3-DB-0153"].current.value == "R"
    # T3-TE-0081: forecast 18 Oct 2024 is far beyond the T3 tolerance of its 19 Aug baseline.
    assert "beyond the T3 tolerance of 10" in by_ref["T3-TE-0081"].current.reason
    # T3-QU-0065 is due 29 Aug: Green on 28 Aug, Red by the PSG on 4 Sep.
    assert (by_ref["T3-QU-0065"].current.value, by_ref["T3-QU-0065"].forecast.value) == ("G", "R")
    # Sub-groups print as in the pack.
    assert by_ref["T3-MI-0033"].forum == "MCAG (Transition)"
    assert by_ref["T3-QU-0008"].forum == "QAG (Non-SIT LDSO)"
    # "On track" (status text) shows as the commentary, as printed.
    assert by_ref["T3-TE-0044"].commentary == "On track"


def test_second_load_duplicates_nothing():
    call_command("load_programme")
    first = _counts()
    call_command("load_programme")
    assert _counts() == first
