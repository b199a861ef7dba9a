"""Movement since the last PSG, computed from history, including the date boundaries."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from raid import selectors, services
from raid.models import Classification, RaidType

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime(*args))


BEFORE_PSG35 = at(2024, 8, 1, 12)


def make(reference="R1", score=18, when=BEFORE_PSG35, **extra):
    return services.raid_item_create(
        reference=reference,
        type=RaidType.RISK,
        title="Risk",
        current_score=score,
        classification=Classification.PUBLIC,
        history_date=when,
        **extra,
    )


def rescore(item, score, when):
    return services.raid_item_rescore(
        item=item, expected_version=None, score=score, history_date=when
    )


@pytest.mark.parametrize(
    ("rescored_at", "reporting", "expected"),
    [
        # Re-scored on PSG 35's own day (London time): part of PSG 35's picture.
        (at(2024, 8, 7, 23, 59), date(2024, 9, 4), "Score remains at 15"),
        # First minute after PSG 35's day: movement since PSG 35.
        (at(2024, 8, 8, 0, 0), date(2024, 9, 4), "Score reduced from 18 to 15"),
        # Re-scored after the reporting date: a past pack does not see it.
        (at(2024, 9, 5, 9, 0), date(2024, 9, 4), "Score remains at 18"),
        # On the reporting date itself: counted.
        (at(2024, 9, 4, 8, 0), date(2024, 9, 4), "Score reduced from 18 to 15"),
        # Reporting on PSG 35's date compares with the PSG before it (PSG 34 absent): none.
        (at(2024, 8, 8, 0, 0), date(2024, 8, 7), ""),
        # Reporting the day after PSG 36: the last PSG is 36, whose picture already had 15.
        (at(2024, 8, 8, 0, 0), date(2024, 9, 5), "Score remains at 15"),
    ],
)
def test_movement_boundaries(psg_meetings, world, rescored_at, reporting, expected):
    item = make()
    rescore(item, 15, rescored_at)
    movement = selectors.item_movement(user=world.users["pmo"], item=item, reporting_date=reporting)
    assert movement.text == expected


@pytest.mark.parametrize(
    ("created_at", "expected"),
    [
        (at(2024, 8, 7, 18, 0), "Score remains at 18"),
        (at(2024, 8, 8, 9, 0), "New item"),
    ],
)
def test_new_item_boundary(psg_meetings, world, created_at, expected):
    item = make(when=created_at)
    movement = selectors.item_movement(
        user=world.users["pmo"], item=item, reporting_date=date(2024, 9, 4)
    )
    assert movement.text == expected


def test_increase_and_close(psg_meetings, world):
    up = make("R2", score=12)
    rescore(up, 17, at(2024, 8, 20, 10))
    gone = make("R3", score=9)
    services.raid_item_close(
        item=gone,
        expected_version=None,
        closure_reason="Mitigated",
        history_date=at(2024, 8, 21, 10),
    )
    found = selectors.movements(
        user=world.users["pmo"],
        items=selectors.visible_items(world.users["pmo"]),
        context=selectors.movement_context(date(2024, 9, 4)),
        config=selectors.scoring_config(),
    )
    assert found[up.pk].text == "Score increased from 12 to 17"
    assert found[gone.pk].text == "Closed"


def test_changes_between_lists_new_closed_and_rescored(psg_meetings, world):
    moved = make("R10", score=18)
    rescore(moved, 24, at(2024, 8, 15, 9))
    closed = make("R11", score=9)
    services.raid_item_close(
        item=closed,
        expected_version=None,
        closure_reason="Done",
        history_date=at(2024, 8, 16, 9),
    )
    new = make("R12", score=5, when=at(2024, 8, 20, 9))
    make("R13", score=5)  # untouched
    changes = selectors.changes_between(
        user=world.users["pmo"], start=at(2024, 8, 8), end=at(2024, 9, 5)
    )
    assert [i.reference for i in changes.new] == [new.reference]
    assert [i.reference for i in changes.closed] == [closed.reference]
    assert [(i.reference, a, b) for i, a, b in changes.rescored] == [("R10", 18, 24)]


def test_demo_style_history_gives_the_packs_movement(psg_meetings, world):
    """The loader's way: earlier state before PSG 35, current state at the reporting date."""
    from portal.importing import read_table
    from raid.importing import ImportDating, import_items, parse_rows

    csv = (
        b"ref,type,description,current_score,movement_text,classification\n"
        b"R532,risk,There is a risk A,15,Score reduced from 18 to 15,Restricted\n"
        b"R849,risk,There is a risk B,25,Score remains at 25,Restricted\n"
        b"I183,issue,There is an issue C,,New item,Restricted\n"
    )
    config = selectors.scoring_config()
    parsed = parse_rows(read_table("raid.csv", csv, required=["ref"]), config)
    import_items(
        parsed,
        config=config,
        dating=ImportDating(before=at(2024, 8, 6, 12), now=at(2024, 8, 28, 9)),
    )
    rows = {
        k.reference: k.movement
        for k in selectors.key_items(user=world.users["pmo"], reporting_date=date(2024, 8, 28))
    }
    assert rows == {
        "R532": "Score reduced from 18 to 15",
        "R849": "Score remains at 25",
        "I183": "New item",
    }
