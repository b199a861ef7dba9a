"""Home-page panel: open RAID items by band, and the highest-scoring ones the user may see."""

from portal.navigation import HomePanel, register_home_panel
from portal.permissions import can
from raid.scoring import BAND_ORDER


def _raid_panel(request):
    from raid import selectors

    if not can(request.user, "raid.view"):
        return None
    config = selectors.scoring_config()
    counts = selectors.item_counts(user=request.user, config=config)
    if not counts["total"]:
        return None
    top = list(
        selectors.item_list(
            user=request.user, filters=selectors.LogFilters(status="open"), config=config
        )[:5]
    )
    bands = [(band, counts["by_band"].get(band, 0)) for band in BAND_ORDER]
    return "raid/_home_panel.html", {"counts": counts, "bands": bands, "top": top}


register_home_panel(HomePanel("raid", _raid_panel, order=30))
