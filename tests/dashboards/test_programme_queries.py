"""The programme dashboard costs the same number of SQL queries whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.dashboard_dataset import Sizes, build

pytestmark = pytest.mark.django_db
SMALL = Sizes(milestones=12, snapshots=2, raid_items=6, change_requests=3, parties=4, actions=5)
LARGE = Sizes(milestones=60, snapshots=4, raid_items=30, change_requests=9, parties=12, actions=25)


def _queries(client, url, query=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", ["pmo", "participant"])
def test_dashboard_query_count_is_constant(world, client_for, role):
    on = timezone.localdate()
    client = client_for(world.users[role])
    url = reverse("programme-dashboard")
    build(SMALL, on=on)
    small = _queries(client, url)
    small_filtered = _queries(client, url, {"forum": "SITAG", "tier": "T3"})
    build(LARGE, on=on, seed=8)
    assert _queries(client, url) == small
    assert _queries(client, url, {"forum": "SITAG", "tier": "T3"}) == small_filtered


def test_export_query_count_is_constant(world, client_for):
    on = timezone.localdate()
    client = client_for(world.users["steering"])
    build(SMALL, on=on)
    counts = {
        key: _queries(client, reverse("programme-export", args=[key, "csv"]))
        for key in ("raid", "slippage", "ia-progress", "actions")
    }
    build(LARGE, on=on, seed=8)
    assert counts == {
        key: _queries(client, reverse("programme-export", args=[key, "csv"])) for key in counts
    }
