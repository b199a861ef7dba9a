"""Meetings, actions and decisions through the API."""

import datetime

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Action
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(db):
    return MeetingFactory(number=36, date=datetime.date(2024, 9, 4))


@pytest.fixture
def action(world, meeting):
    return services.action_raise(
        actor=world.users["pmo"], meeting=meeting, description="Circulate plan", owner_text="PMO"
    )


def test_everyone_reads_meetings_actions_and_decisions(world, api_for, meeting, action):
    services.decision_record(
        actor=world.users["pmo"], meeting=meeting, summary="Approve CR054", outcome="approved"
    )
    api = api_for(world.users["observer"])
    meetings = api.get(reverse("api-meeting-list"), {"forum": "PSG"}).json()["results"]
    assert [m["name"] for m in meetings] == ["PSG 36"]
    actions = api.get(reverse("api-action-list"), {"open_only": "true"}).json()["results"]
    assert [a["reference"] for a in actions] == [action.reference]
    decisions = api.get(reverse("api-decision-list"), {"meeting": meeting.pk}).json()["results"]
    assert [d["summary"] for d in decisions] == ["Approve CR054"]
    assert api.get(reverse("api-decision-list")).json()["count"] == 1


def test_pmo_raises_an_action_and_the_portal_assigns_the_reference(world, api_for, meeting):
    response = api_for(world.users["pmo"]).post(
        reverse("api-action-list"),
        {"meeting": meeting.pk, "description": "Chase LDSOs", "owner_text": "PMO"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["reference"].startswith("PSG36-")


def test_action_without_owner_is_refused(world, api_for, meeting):
    response = api_for(world.users["pmo"]).post(
        reverse("api-action-list"), {"meeting": meeting.pk, "description": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()["detail"]
    assert not Action.objects.exists()


def test_progress_with_if_match_then_stale_is_412(world, api_for, action):
    api = api_for(world.users["pmo"])
    url = reverse("api-action-progress", kwargs={"pk": action.pk})
    etag = api.get(reverse("api-action-detail", kwargs={"pk": action.pk}))["ETag"]
    done = api.post(
        url, {"status": "closed", "latest_update": "Sent"}, format="json", HTTP_IF_MATCH=etag
    )
    assert done.status_code == 200, done.json()
    assert done.json()["closed_at"]
    stale = api.post(
        url, {"status": "open", "latest_update": "Reopen"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    action.refresh_from_db()
    assert action.status == "closed"


def test_partial_update_keeps_the_other_fields(world, api_for, action):
    response = api_for(world.users["pmo"]).patch(
        reverse("api-action-detail", kwargs={"pk": action.pk}),
        {"due_date": "2024-10-01"},
        format="json",
        HTTP_IF_MATCH=f'"{action.version}"',
    )
    assert response.status_code == 200, response.json()
    action.refresh_from_db()
    assert action.due_date == datetime.date(2024, 10, 1)
    assert action.description == "Circulate plan"


@pytest.mark.parametrize("role", ["participant", "observer", "steering", "chair"])
def test_only_pmo_writes(world, api_for, meeting, action, role):
    api = api_for(world.users[role])
    assert (
        api.post(
            reverse("api-action-progress", kwargs={"pk": action.pk}),
            {"status": "closed", "latest_update": "x"},
            format="json",
            HTTP_IF_MATCH=f'"{action.version}"',
        ).status_code
        == 403
    )
    assert (
        api.post(
            reverse("api-decision-list"),
            {"meeting": meeting.pk, "summary": "x", "outcome": "noted"},
            format="json",
        ).status_code
        == 403
    )
    action.refresh_from_db()
    assert action.status == "open"


def test_pmo_records_and_corrects_a_decision(world, api_for, meeting):
    api = api_for(world.users["pmo"])
    created = api.post(
        reverse("api-decision-list"),
        {"meeting": meeting.pk, "summary": "Approve", "outcome": "approved"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = reverse("api-decision-detail", kwargs={"pk": created.json()["id"]})
    corrected = api.patch(
        url, {"rationale": "Benefits outweigh cost"}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    assert corrected.status_code == 200, corrected.json()
    assert corrected.json()["rationale"] == "Benefits outweigh cost"
    assert corrected.json()["summary"] == "Approve"
