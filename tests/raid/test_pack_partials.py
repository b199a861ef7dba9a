"""The read side other apps reuse: heat map arrows, top items, and the partials the PDF pack
includes (no htmx, no scripts, no inline styles)."""

from datetime import date, datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from raid import selectors, services
from raid.models import Classification

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def moved(psg_meetings):
    theme = services.theme_create(
        name="SIT Execution", summary="Why SIT may slip", mitigation_approach="Monitor the MVC"
    )
    up = services.raid_item_create(
        reference="R1",
        type="risk",
        title="Goes up",
        description="There is a risk it rises",
        theme=theme,
        likelihood=3,
        impact=4,
        classification=Classification.PUBLIC,
        history_date=at(2024, 8, 1, 12),
        steps=[services.StepSpec("Watch it"), services.StepSpec("Escalate")],
    )
    services.raid_item_rescore(
        item=up, expected_version=None, likelihood=4, impact=5, history_date=at(2024, 8, 20, 9)
    )
    services.raid_item_create(
        reference="R2",
        type="risk",
        title="Stays",
        theme=theme,
        likelihood=2,
        impact=2,
        classification=Classification.PUBLIC,
        history_date=at(2024, 8, 1, 12),
    )
    services.raid_item_create(
        reference="R3",
        type="risk",
        title="New",
        likelihood=1,
        impact=1,
        classification=Classification.PUBLIC,
        history_date=at(2024, 8, 21, 9),
    )
    return theme


REPORTING = date(2024, 9, 4)


def test_heatmap_counts_and_arrows(moved, world):
    heat = selectors.heatmap(user=world.users["pmo"], reporting_date=REPORTING)
    assert heat.total == 3
    assert heat.cell(4, 5).count == 1 and heat.cell(4, 5).moved_in == 1
    assert heat.cell(3, 4).count == 0 and heat.cell(3, 4).moved_out == 1
    assert [(a.source, a.target, a.references, a.direction) for a in heat.arrows] == [
        ((3, 4), (4, 5), ["R1"], "up")
    ]
    # Recomputing an earlier reporting date: before the re-score, nothing moved.
    earlier = selectors.heatmap(user=world.users["pmo"], reporting_date=date(2024, 8, 10))
    assert earlier.arrows == [] and earlier.cell(3, 4).count == 1


def test_top_items_with_movement(moved, world):
    top = selectors.top_items(user=world.users["pmo"], reporting_date=REPORTING, limit=2)
    assert [(k.reference, k.score, k.band, k.movement) for k in top] == [
        ("R1", 25, "critical", "Score increased from 18 to 25"),
        ("R2", 5, "low", "Score remains at 5"),
    ]
    assert top[0].initial_score == 18
    assert [s.text for s in top[0].steps] == ["Watch it", "Escalate"]


@pytest.mark.parametrize(
    ("template", "context_for"),
    [
        (
            "raid/_heatmap.html",
            lambda user: {"heat": selectors.heatmap(user=user, reporting_date=REPORTING)},
        ),
        (
            "raid/_key_items_table.html",
            lambda user: {
                "items": selectors.key_items(user=user, reporting_date=REPORTING),
                "context": selectors.movement_context(REPORTING),
            },
        ),
        (
            "raid/_theme_slide.html",
            lambda user: {
                "slide": selectors.theme_summaries(user=user, reporting_date=REPORTING)[0],
                "context": selectors.movement_context(REPORTING),
            },
        ),
    ],
)
def test_partials_render_for_the_pdf(moved, world, template, context_for):
    html = render_to_string(template, context_for(world.users["steering"]))
    for forbidden in ("hx-", "<script", "style=", "<style"):
        assert forbidden not in html
    assert "R1" in html


def test_key_items_table_prints_the_pack_columns(moved, world):
    html = render_to_string(
        "raid/_key_items_table.html",
        {
            "items": selectors.key_items(user=world.users["pmo"], reporting_date=REPORTING),
            "context": selectors.movement_context(REPORTING),
        },
    )
    assert "Score increased from 18 to 25" in html
    # initial / current / target: a target nobody stated is left blank, not dashed
    assert '<td class="num">18 / 25 / </td>' in html
    assert '<li value="1">Watch it' in html and '<li value="2">Escalate' in html
    assert "since PSG 35" in html


def test_theme_slide_has_summary_and_approach(moved, world):
    slide = selectors.theme_summaries(user=world.users["pmo"], reporting_date=REPORTING)[0]
    html = render_to_string("raid/_theme_slide.html", {"slide": slide})
    assert "Why SIT may slip" in html and "Monitor the MVC" in html
    assert [k.reference for k in slide.items] == ["R1", "R2"]
