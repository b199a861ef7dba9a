"""Milestones through the API: the same services and rules as the register pages."""

from datetime import date

import pytest
from django.urls import reverse

from milestones.models import Milestone
from tests.milestones.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def _detail(milestone):
    return reverse("api-milestone-detail", kwargs={"pk": milestone.pk})


def test_everyone_lists_with_filters_and_pages(world, api_for):
    MilestoneFactory(reference="T1-PM-0001", tier="T1", workstream="PM")
    MilestoneFactory.create_batch(3)
    api = api_for(world.users["observer"])
    page = api.get(reverse("api-milestone-list"), {"tier": "T1"}).json()
    assert [row["reference"] for row in page["results"]] == ["T1-PM-0001"]
    assert api.get(reverse("api-milestone-list"), {"page_size": 2}).json()["count"] == 4
    bad = api.get(reverse("api-milestone-list"), {"tier": "T9"})
    assert bad.status_code == 400
    assert "tier" in bad.json()["fields"]


def test_detail_carries_version_as_etag(world, api_for):
    milestone = MilestoneFactory()
    response = api_for(world.users["participant"]).get(_detail(milestone))
    assert response.status_code == 200
    assert response["ETag"] == f'"{milestone.version}"'
    assert response.json()["reference"] == milestone.reference


def test_pmo_reforecasts_with_if_match_and_history_records_it(world, api_for):
    milestone = MilestoneFactory()
    api = api_for(world.users["pmo"])
    etag = api.get(_detail(milestone))["ETag"]
    response = api.post(
        reverse("api-milestone-reforecast", kwargs={"pk": milestone.pk}),
        {"forecast_date": "2024-10-15", "reason": "Supplier delay"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["forecast_date"] == "2024-10-15"
    assert response["ETag"] == f'"{milestone.version + 1}"'
    milestone.refresh_from_db()
    assert milestone.forecast_date == date(2024, 10, 15)
    latest = milestone.history.order_by("-history_id").first()
    assert latest.history_user == world.users["pmo"]
    assert milestone.reforecasts.get().reason == "Supplier delay"


def test_stale_if_match_is_412_and_changes_nothing(world, api_for):
    milestone = MilestoneFactory(commentary="original")
    api = api_for(world.users["pmo"])
    etag = api.get(_detail(milestone))["ETag"]
    first = api.patch(
        _detail(milestone), {"commentary": "first"}, format="json", HTTP_IF_MATCH=etag
    )
    assert first.status_code == 200
    second = api.patch(
        _detail(milestone), {"commentary": "second"}, format="json", HTTP_IF_MATCH=etag
    )
    assert second.status_code == 412
    body = second.json()
    assert body["code"] == "stale_version"
    assert body["current_version"] == milestone.version + 1
    assert "first" in body["detail"]  # names what the other person changed
    milestone.refresh_from_db()
    assert milestone.commentary == "first"


def test_write_without_if_match_is_428(world, api_for):
    milestone = MilestoneFactory(commentary="original")
    response = api_for(world.users["pmo"]).patch(
        _detail(milestone), {"commentary": "blind"}, format="json"
    )
    assert response.status_code == 428
    assert response.json()["code"] == "if_match_required"
    milestone.refresh_from_db()
    assert milestone.commentary == "original"


def test_invalid_write_is_400_and_changes_nothing(world, api_for):
    milestone = MilestoneFactory()
    api = api_for(world.users["pmo"])
    response = api.patch(
        _detail(milestone),
        {"rag_override": "R", "override_reason": ""},
        format="json",
        HTTP_IF_MATCH=f'"{milestone.version}"',
    )
    assert response.status_code == 400
    assert "override_reason" in response.json()["fields"]
    milestone.refresh_from_db()
    assert milestone.rag_override == ""


@pytest.mark.parametrize("role", ["participant", "observer", "steering", "chair"])
def test_only_pmo_writes(world, api_for, role):
    milestone = MilestoneFactory(commentary="original")
    api = api_for(world.users[role])
    patch = api.patch(
        _detail(milestone),
        {"commentary": "mine"},
        format="json",
        HTTP_IF_MATCH=f'"{milestone.version}"',
    )
    assert patch.status_code == 403
    create = api.post(
        reverse("api-milestone-list"),
        {
            "reference": "T2-DB-0999",
            "forum": milestone.forum.code,
            "title": "New",
            "baseline_date": "2024-12-01",
            "forecast_date": "2024-12-01",
        },
        format="json",
    )
    assert create.status_code == 403
    milestone.refresh_from_db()
    assert milestone.commentary == "original"
    assert not Milestone.objects.filter(reference="T2-DB-0999").exists()


def test_pmo_creates_with_predecessors(world, api_for):
    before = MilestoneFactory()
    response = api_for(world.users["pmo"]).post(
        reverse("api-milestone-list"),
        {
            "reference": "T2-DB-0999",
            "forum": before.forum.code,
            "title": "New",
            "baseline_date": "2024-12-01",
            "forecast_date": "2024-12-01",
            "predecessors": [before.reference],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["predecessors"] == [before.reference]
    assert response["ETag"] == '"1"'


def test_session_write_needs_csrf(world, api_for):
    from rest_framework.test import APIClient

    milestone = MilestoneFactory(commentary="original")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["pmo"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.patch(
        _detail(milestone),
        {"commentary": "forged"},
        format="json",
        HTTP_IF_MATCH=f'"{milestone.version}"',
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    milestone.refresh_from_db()
    assert milestone.commentary == "original"
