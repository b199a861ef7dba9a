"""The programme dashboard's rows of the permissions matrix (concatenated in permission_cases)."""

from tests.permission_matrix import EVERYONE, ViewCase


def _panel(key, fmt):
    return lambda world: {"panel": key, "fmt": fmt}


def _forum(world):
    from tests.factories import ForumFactory

    ForumFactory(code="PSG", name="Programme Steering Group", level=2)
    return {"forum": "PSG"}


PROGRAMME_CASES = [
    ViewCase("programme-dashboard", EVERYONE),
    ViewCase("programme-export", EVERYONE, setup=_panel("raid", "csv"), label="raid csv"),
    ViewCase("programme-export", EVERYONE, setup=_panel("finance", "xlsx"), label="finance xlsx"),
    ViewCase("programme-calendar-feeds", EVERYONE),
    ViewCase("programme-calendar", EVERYONE, setup=_forum),
]
