"""Change requests and impact-assessment responses through the API.

The sensitive part: a participant reads and writes only its own organisation's response,
through the same `response_save` the web form uses (window, rationale and version rules)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from change_requests.models import Invitation, Response, ResponseStatus, Stage
from tests.change_requests.factories import ChangeRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_cr(world):
    today = timezone.localdate()
    cr = ChangeRequestFactory(
        stage=Stage.IA_OPEN, ia_opened_on=today, ia_deadline=today + datetime.timedelta(days=10)
    )
    for organisation in (world.organisation, world.other_organisation):
        Invitation.objects.create(
            change_request=cr,
            organisation=organisation,
            deadline=cr.ia_deadline,
            invited_at=timezone.now(),
        )
    return cr


def _mine(cr):
    return reverse("api-change-request-my-response", kwargs={"pk": cr.pk})


def test_register_lists_with_control_columns(world, api_for, open_cr):
    api = api_for(world.users["observer"])
    page = api.get(reverse("api-change-request-list"), {"stage": "ia_open"}).json()
    assert [row["reference"] for row in page["results"]] == [open_cr.reference]
    row = page["results"][0]
    assert row["current_stage"] and row["approval_status"] and row["latest_action"]
    assert api.get(reverse("api-change-request-list"), {"stage": "nonsense"}).status_code == 400


def test_participant_drafts_then_submits_and_the_rollup_moves(world, api_for, open_cr):
    api = api_for(world.users["participant"])
    rollup_url = reverse("api-change-request-rollup", kwargs={"pk": open_cr.pk})
    before = api.get(rollup_url).json()["total"]
    assert before["no_reply"] == 2 and before["yes"] == 0

    assert api.get(_mine(open_cr)).status_code == 404
    draft = api.put(
        _mine(open_cr),
        {"recommendation": "yes", "benefits": "Cheaper"},
        format="json",
        HTTP_IF_MATCH='"0"',
    )
    assert draft.status_code == 200, draft.json()
    assert draft.json()["status"] == "draft"
    etag = draft["ETag"]
    assert api.get(rollup_url).json()["total"]["yes"] == 0  # a draft does not count

    submitted = api.put(_mine(open_cr), {"submit": True}, format="json", HTTP_IF_MATCH=etag)
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    after = api.get(rollup_url).json()["total"]
    assert after["yes"] == 1 and after["no_reply"] == 1


def test_second_tab_creating_the_same_response_is_refused(world, api_for, open_cr):
    api = api_for(world.users["participant"])
    first = api.put(_mine(open_cr), {"benefits": "one"}, format="json", HTTP_IF_MATCH='"0"')
    assert first.status_code == 200
    second = api.put(_mine(open_cr), {"benefits": "two"}, format="json", HTTP_IF_MATCH='"0"')
    assert second.status_code == 400
    assert "another tab" in second.json()["detail"]
    assert Response.objects.get().benefits == "one"


def test_stale_response_version_is_412(world, api_for, open_cr):
    api = api_for(world.users["participant"])
    first = api.put(_mine(open_cr), {"benefits": "one"}, format="json", HTTP_IF_MATCH='"0"')
    etag = first["ETag"]
    api.put(_mine(open_cr), {"benefits": "two"}, format="json", HTTP_IF_MATCH=etag)
    stale = api.put(_mine(open_cr), {"benefits": "three"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Response.objects.get().benefits == "two"


def test_no_without_rationale_is_refused(world, api_for, open_cr):
    api = api_for(world.users["participant"])
    response = api.put(
        _mine(open_cr),
        {"recommendation": "no", "submit": True},
        format="json",
        HTTP_IF_MATCH='"0"',
    )
    assert response.status_code == 400
    assert "rationale" in response.json()["fields"]
    assert not Response.objects.exists()


def test_other_organisation_cannot_read_list_or_guess_a_response(world, api_for, open_cr):
    mine = api_for(world.users["participant"]).put(
        _mine(open_cr),
        {"benefits": "secret", "submit": False},
        format="json",
        HTTP_IF_MATCH='"0"',
    )
    response_id = mine.json()["id"]
    detail = reverse("api-ia-response-detail", kwargs={"pk": response_id})
    listing = reverse("api-ia-response-list")
    for role in ("other_participant", "observer", "steering", "pmo"):
        api = api_for(world.users[role])
        # A draft is its organisation's alone (PMO sees it only once submitted).
        assert api.get(detail).status_code == 404, role
        rows = api.get(listing, {"change_request": open_cr.pk}).json()["results"]
        assert response_id not in [row["id"] for row in rows], role
    other_mine = api_for(world.users["other_participant"]).get(_mine(open_cr))
    assert other_mine.status_code == 404
    own = api_for(world.users["participant"]).get(detail)
    assert own.status_code == 200 and own.json()["benefits"] == "secret"


def test_pmo_reads_submitted_responses(world, api_for, open_cr):
    Response.objects.create(
        change_request=open_cr,
        organisation=world.organisation,
        status=ResponseStatus.SUBMITTED,
        recommendation="yes",
        submitted_at=timezone.now(),
    )
    rows = (
        api_for(world.users["pmo"])
        .get(reverse("api-ia-response-list"), {"change_request": open_cr.pk})
        .json()["results"]
    )
    assert [row["recommendation"] for row in rows] == ["yes"]


@pytest.mark.parametrize("role", ["observer", "steering", "pmo"])
def test_only_invited_participants_respond(world, api_for, open_cr, role):
    response = api_for(world.users[role]).put(
        _mine(open_cr), {"recommendation": "yes"}, format="json", HTTP_IF_MATCH='"0"'
    )
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_response_list_needs_a_change_request(world, api_for):
    response = api_for(world.users["participant"]).get(reverse("api-ia-response-list"))
    assert response.status_code == 400
    assert "change_request" in response.json()["fields"]
