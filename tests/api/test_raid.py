"""RAID items through the API: Restricted items absent for participants and observers;
writes only by PMO, through the RAID services, with If-Match."""

import pytest
from django.urls import reverse

from raid.models import Classification, RaidItem
from tests.raid.factories import RaidItemFactory

pytestmark = pytest.mark.django_db


def _detail(reference):
    return reverse("api-raid-item-detail", kwargs={"reference": reference})


@pytest.fixture
def items(db):
    return {
        "public": RaidItemFactory(reference="R100", classification=Classification.PUBLIC),
        "restricted": RaidItemFactory(
            reference="R200", classification=Classification.RESTRICTED, title="Secret risk"
        ),
    }


@pytest.mark.parametrize("role", ["participant", "other_participant", "observer"])
def test_restricted_items_are_absent_for_non_readers(world, api_for, items, role):
    api = api_for(world.users[role])
    listed = api.get(reverse("api-raid-item-list")).json()
    assert [row["reference"] for row in listed["results"]] == ["R100"]
    assert listed["count"] == 1
    assert api.get(_detail("R200")).status_code == 404
    assert api.get(_detail("r200")).status_code == 404
    filtered = api.get(reverse("api-raid-item-list"), {"classification": "restricted"}).json()
    assert filtered["count"] == 0
    searched = api.get(reverse("api-raid-item-list"), {"search": "Secret"}).json()
    assert searched["count"] == 0


@pytest.mark.parametrize("role", ["pmo", "steering", "chair"])
def test_restricted_readers_see_everything(world, api_for, items, role):
    api = api_for(world.users[role])
    listed = api.get(reverse("api-raid-item-list")).json()
    assert {row["reference"] for row in listed["results"]} == {"R100", "R200"}
    assert api.get(_detail("R200")).status_code == 200


def test_pmo_rescores_with_if_match_then_stale_is_412(world, api_for, items):
    api = api_for(world.users["pmo"])
    etag = api.get(_detail("R100"))["ETag"]
    url = reverse("api-raid-item-rescore", kwargs={"reference": "R100"})
    first = api.post(url, {"score": 25, "reason": "Escalated"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.json()
    assert first.json()["current_score"] == 25
    stale = api.post(url, {"score": 9}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale_version"
    assert RaidItem.objects.get(reference="R100").current_score == 25


def test_close_needs_a_reason(world, api_for, items):
    api = api_for(world.users["pmo"])
    item = items["public"]
    response = api.post(
        reverse("api-raid-item-close", kwargs={"reference": "R100"}),
        {"closure_reason": ""},
        format="json",
        HTTP_IF_MATCH=f'"{item.version}"',
    )
    assert response.status_code == 400
    assert "closure_reason" in response.json()["fields"]
    item.refresh_from_db()
    assert item.status == "open"


@pytest.mark.parametrize("role", ["participant", "observer", "steering", "chair"])
def test_only_pmo_writes(world, api_for, items, role):
    item = items["public"]
    api = api_for(world.users[role])
    response = api.patch(
        _detail("R100"), {"title": "Changed"}, format="json", HTTP_IF_MATCH=f'"{item.version}"'
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title != "Changed"


def test_participant_cannot_write_a_restricted_item_it_cannot_see(world, api_for, items):
    item = items["restricted"]
    response = api_for(world.users["participant"]).patch(
        _detail("R200"), {"title": "x"}, format="json", HTTP_IF_MATCH=f'"{item.version}"'
    )
    assert response.status_code == 403
