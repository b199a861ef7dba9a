"""A participant or observer never sees a Restricted item: not in a page, export, count,
heat map, pack partial or guessed URL."""

from datetime import date

import pytest
from django.urls import reverse

from raid import selectors
from raid.models import Classification
from tests.raid.factories import MitigationStepFactory, RaidItemFactory, ThemeFactory

pytestmark = pytest.mark.django_db

SECRET = "R777"
SECRET_TITLE = "Confidential supplier failure"


@pytest.fixture
def items(world, psg_meetings):
    theme = ThemeFactory(name="Shared theme")
    ThemeFactory(name="Secret theme")
    secret = RaidItemFactory(
        reference=SECRET,
        title=SECRET_TITLE,
        classification=Classification.RESTRICTED,
        theme=theme,
        likelihood=5,
        impact=5,
        current_score=30,
    )
    step = MitigationStepFactory(item=secret, position=1, text="Hidden step")
    public = RaidItemFactory(reference="R100", title="Public risk", theme=theme)
    secret_only = RaidItemFactory(
        reference="R778",
        title="Also secret",
        classification=Classification.RESTRICTED,
        theme=ThemeFactory(name="Secret theme"),
    )
    return {"secret": secret, "public": public, "step": step, "secret_only": secret_only}


HIDDEN_FROM = ["participant", "other_participant", "observer"]


@pytest.mark.parametrize("role", HIDDEN_FROM)
@pytest.mark.parametrize(
    "url_params",
    [
        ("raid-log", {}),
        ("raid-log", {"classification": "restricted"}),
        ("raid-log", {"q": SECRET}),
        ("raid-log", {"likelihood": 5, "impact": 5}),
        ("raid-log", {"band": "critical"}),
        ("raid-heatmap", {}),
        ("raid-theme-list", {}),
        ("raid-export", {"format": "csv"}),
    ],
)
def test_lists_exports_and_maps_hide_restricted(items, world, client_for, role, url_params):
    name, params = url_params
    response = client_for(world.users[role]).get(reverse(name), params)
    assert response.status_code == 200
    body = response.content.decode()
    # The search box may echo what was typed; the item itself must not appear.
    assert f"items/{SECRET}/" not in body
    assert f"{SECRET}," not in body and f"{SECRET}:" not in body
    assert SECRET_TITLE not in body
    assert "Hidden step" not in body
    assert "Secret theme" not in body  # a theme of Restricted items only is not named


@pytest.mark.parametrize("role", HIDDEN_FROM)
def test_xlsx_export_hides_restricted(items, world, client_for, role):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(world.users[role]).get(reverse("raid-export"), {"format": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    references = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert references == ["R100"]


@pytest.mark.parametrize("role", HIDDEN_FROM)
@pytest.mark.parametrize("reference", [SECRET, SECRET.lower()])
@pytest.mark.parametrize("name", ["raid-item-detail", "raid-item-edit", "raid-item-score"])
def test_guessed_item_urls_answer_404(items, world, client_for, role, reference, name):
    response = client_for(world.users[role]).get(reverse(name, kwargs={"reference": reference}))
    assert response.status_code == 404
    assert SECRET_TITLE not in response.content.decode()


@pytest.mark.parametrize("role", HIDDEN_FROM)
def test_guessed_step_url_answers_404(items, world, client_for, role):
    url = reverse("raid-step-edit", kwargs={"pk": items["step"].pk})
    assert client_for(world.users[role]).get(url).status_code == 404


@pytest.mark.parametrize("role", HIDDEN_FROM)
def test_counts_and_pack_reads_hide_restricted(items, world, role):
    user = world.users[role]
    assert selectors.item_counts(user=user)["total"] == 1
    assert list(selectors.visible_themes(user).values_list("name", flat=True)) == ["Shared theme"]
    reporting = date(2099, 1, 1)
    assert [k.reference for k in selectors.key_items(user=user, reporting_date=reporting)] == [
        "R100"
    ]
    assert [k.reference for k in selectors.top_items(user=user, reporting_date=reporting)] == [
        "R100"
    ]
    slides = selectors.theme_summaries(user=user, reporting_date=reporting)
    assert [[k.reference for k in s.items] for s in slides] == [["R100"]]
    heat = selectors.heatmap(user=user, reporting_date=reporting)
    assert heat.total == 1
    assert heat.cell(5, 5).count == 0
    from django.utils import timezone

    changes = selectors.changes_between(
        user=user, start=timezone.now().replace(year=2000), end=timezone.now().replace(year=2099)
    )
    assert [i.reference for i in changes.new] == ["R100"]


@pytest.mark.parametrize("role", ["pmo", "steering", "chair"])
def test_readers_of_restricted_see_everything(items, world, client_for, role):
    client = client_for(world.users[role])
    assert SECRET in client.get(reverse("raid-log")).content.decode()
    detail = client.get(reverse("raid-item-detail", kwargs={"reference": SECRET}))
    assert detail.status_code == 200
    assert selectors.item_counts(user=world.users[role])["total"] == 3
    heat = selectors.heatmap(user=world.users[role], reporting_date=date(2099, 1, 1))
    assert heat.cell(5, 5).count == 1


def test_item_made_restricted_disappears_from_past_views_too(items, world):
    """Visibility follows the item's classification now, whatever it was then."""
    from raid import services

    public = items["public"]
    services.raid_item_update(
        item=public, expected_version=public.version, classification=Classification.RESTRICTED
    )
    user = world.users["participant"]
    assert selectors.key_items(user=user, reporting_date=date(2099, 1, 1)) == []
