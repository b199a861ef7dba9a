"""The log and heat map issue a fixed number of SQL queries whatever the number of items."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from raid import services
from raid.models import Classification
from tests.factories import OrganisationFactory
from tests.raid.factories import ThemeFactory

pytestmark = pytest.mark.django_db


def add_items(start: int, count: int, theme, organisation):
    for n in range(start, start + count):
        item = services.raid_item_create(
            reference=f"R{n}",
            type="risk",
            title=f"Risk {n}",
            theme=theme,
            owner_organisation=organisation,
            classification=Classification.PUBLIC if n % 2 else Classification.RESTRICTED,
            likelihood=1 + n % 5,
            impact=1 + (n // 5) % 5,
            steps=[services.StepSpec(text="Act")],
        )
        services.raid_item_rescore(
            item=item, expected_version=None, likelihood=1 + (n + 1) % 5, impact=item.impact
        )


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["pmo", "participant"])
@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("raid-log", {}),
        ("raid-log", {"sort": "score", "band": "low", "owner": "Org"}),
        ("raid-heatmap", {}),
        ("raid-theme-list", {}),
    ],
)
def test_fixed_queries(world, client_for, psg_meetings, role, name, params):
    theme, organisation = ThemeFactory(), OrganisationFactory(name="Org One")
    client = client_for(world.users[role])
    add_items(100, 4, theme, organisation)
    client.get(reverse(name), params)  # warm session and caches alike for both measurements
    few = count_queries(client, reverse(name), params)
    add_items(200, 40, theme, organisation)
    many = count_queries(client, reverse(name), params)
    assert few == many
