"""The demo's raid.csv loads through the import path, gives the pack's movement, and
loads again without duplicating anything."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from portal.history import history_context
from portal.programme_loading import LoadContext, loaders
from raid import selectors
from raid.models import RaidItem

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "demo" / "psg36"


def load_up_to_raid():
    """Every loader of the RAID layer and below (the layers RAID may depend on)."""
    context = LoadContext(DEMO)
    with transaction.atomic(), history_context(reason="Loaded from programme files"):
        for loader in loaders():
            if loader.order <= 60:
                loader.load(context)
    return context.summary


def test_demo_raid_log(world):
    summary = load_up_to_raid()
    # The programme's register: the RAID summary's 4 items and the appendix's 12. The party
    # reports' own RAID rows belong to those reports (the delivery app loads them).
    assert summary["RAID items"] == 16
    assert RaidItem.objects.count() == 16
    pmo = world.users["pmo"]
    movement = {k.reference: k.movement for k in selectors.key_items(user=pmo)}
    # The pack's movement column, derived from the loaded history (not typed).
    assert movement["R849"] == "Score remains at 25"
    assert movement["R753"] == "Score remains at 25"
    assert movement["R532"] == "Score reduced from 18 to 15"
    assert movement["R700"] == "Score remains at 17"
    assert movement["I183"] == "New item"
    assert movement["i190"] == "New item"
    assert movement["R948"] == "New item"
    # The summary slide states no movement for its items: none is claimed.
    assert movement["i191"] == "" and movement["R770"] == ""
    i191 = RaidItem.objects.get(reference="i191")
    assert (i191.classification, i191.stated_band, i191.score_given_directly) == (
        "public",
        "critical",
        True,
    )
    r849 = RaidItem.objects.get(reference="R849")
    assert (r849.current_score, r849.score_given_directly, r849.classification) == (
        25,
        True,
        "restricted",
    )
    # Every reference is one the pack prints: none is invented.
    assert not RaidItem.objects.exclude(printed_reference="").exists()
    assert RaidItem.objects.get(reference="i191").initial_score is None  # none stated
    participant = world.users["participant"]
    assert selectors.item_counts(user=participant)["total"] == 4


def test_second_load_changes_nothing(world):
    load_up_to_raid()
    rows = RaidItem.history.count()
    steps = RaidItem.objects.values_list("steps__id", flat=True).count()
    summary = load_up_to_raid()
    assert summary["RAID items changed"] == 0
    assert RaidItem.history.count() == rows
    assert RaidItem.objects.count() == 16
    assert RaidItem.objects.values_list("steps__id", flat=True).count() == steps


def test_optional_theme_texts_load_idempotently(tmp_path):
    from raid.loaders import load_raid_themes
    from raid.models import Theme
    from tests.raid.factories import ThemeFactory

    ThemeFactory(name="SIT Execution", summary="", mitigation_approach="")
    (tmp_path / "raid_themes.csv").write_text(
        "name,summary,mitigation_approach,position\n"
        "sit execution,Factors that may stop SIT finishing,Monitor the MVC,1\n"
        "Early Life Risks,After go-live,Hypercare,6\n",
        encoding="utf-8",
    )
    load_raid_themes(LoadContext(tmp_path))
    theme = Theme.objects.get(name="SIT Execution")
    assert (theme.summary, theme.mitigation_approach, theme.position) == (
        "Factors that may stop SIT finishing",
        "Monitor the MVC",
        1,
    )
    assert Theme.objects.get(name="Early Life Risks").position == 6
    rows = Theme.history.count()
    load_raid_themes(LoadContext(tmp_path))
    assert Theme.history.count() == rows
