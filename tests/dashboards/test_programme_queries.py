"""The programme dashboard costs the same number of SQL queries whatever the data size."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.dashboard_dataset import Sizes, build

pytestmark = pytest.mark.django_db
SMALL = Sizes(milestones=12, snapshots=2, raid_items=6, change_requests=3, parties=4, actions=5)
LARGE = Sizes(milestones=60, snapshots=4, raid_items=30, change_requests=9, parties=12, actions=25)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


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
    filtered = {"forum": "SITAG", "tier": "T3"}
    build(SMALL, on=on)
    cold = _queries(client, url)  # computes and caches the costly panels
    warm = _queries(client, url)  # one version query decides the cache is current
    warm_filtered = _queries(client, url, filtered)
    assert warm < cold
    build(LARGE, on=on, seed=8)  # new history rows: the cached results are stale
    assert _queries(client, url) == cold
    assert _queries(client, url) == warm
    assert _queries(client, url, filtered) == warm_filtered


def test_export_query_count_is_constant(world, client_for):
    on = timezone.localdate()
    client = client_for(world.users["steering"])
    build(SMALL, on=on)
    counts = {
        key: _queries(client, reverse("programme-export", args=[key, "csv"]))
        for key in ("raid", "slippage", "ia-progress", "actions")
    }
    build(LARGE, on=on, seed=8)
    cache.clear()
    assert counts == {
        key: _queries(client, reverse("programme-export", args=[key, "csv"])) for key in counts
    }
