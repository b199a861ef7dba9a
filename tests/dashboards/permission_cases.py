"""The dashboards app's rows of the permissions matrix: the pack's, the programme
dashboard's and the timeline's, each kept in its own module."""

from tests.dashboards.pack_cases import PACK_CASES
from tests.dashboards.timeline_cases import TIMELINE_CASES

try:
    from tests.dashboards.programme_cases import PROGRAMME_CASES
except ModuleNotFoundError as exc:  # the programme dashboard's cases arrive with its views
    if exc.name != "tests.dashboards.programme_cases":
        raise
    PROGRAMME_CASES = []

CASES = PACK_CASES + PROGRAMME_CASES + TIMELINE_CASES
