"""Pack pages: building with live progress, downloads by role, arranging sections."""

import re
import uuid

import pytest
from django.urls import reverse

from dashboards.models import BuildState, PackBuild, PackSection
from portal.celery import app
from tests.dashboards.conftest import publish


@pytest.fixture
def in_process():
    """No broker, as under `make run`: the task runs in the request that enqueued it."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


# Committed transactions, as in a real request: the task is enqueued when the build commits.
# serialized_rollback restores the rows data migrations created, for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_build_without_a_broker_runs_in_process_and_shows_the_result(
    small_pack, world, client_for, in_process
):
    client = client_for(world.users["pmo"])
    url = reverse("pack-build", kwargs={"meeting_pk": small_pack.meeting.pk})
    key = uuid.uuid4().hex
    response = client.post(url, {"kind": "draft", "key": key}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    build = PackBuild.objects.get(key=key)
    assert build.state == BuildState.DONE
    assert "done." in body and reverse("pack-draft-download", args=[build.pk, "full"]) in body
    assert 'hx-trigger="every 1s"' not in body  # finished: the polling stops
    # A fresh key for the next press, swapped in out of band.
    new_key = re.search(r'name="key" value="([0-9a-f]{32})" id="id_key" hx-swap-oob', body)
    assert new_key and new_key.group(1) != key
    assert client.get(reverse("pack-draft-download", args=[build.pk, "full"])).status_code == 200


def test_the_same_key_posted_twice_makes_one_build(small_pack, world, client_for):
    client = client_for(world.users["pmo"])
    url = reverse("pack-build", kwargs={"meeting_pk": small_pack.meeting.pk})
    key = uuid.uuid4().hex
    client.post(url, {"kind": "draft", "key": key})
    client.post(url, {"kind": "draft", "key": key})
    assert PackBuild.objects.filter(meeting=small_pack.meeting).count() == 1


def test_progress_polls_while_rendering_and_shows_a_readable_failure(small_pack, world, client_for):
    client = client_for(world.users["pmo"])
    build = PackBuild.objects.create(
        meeting=small_pack.meeting,
        key="d" * 32,
        kind="draft",
        state="rendering",
        step=3,
        steps=9,
        message="Rendering section 3 of 9: Actions log",
    )
    url = reverse("pack-build-progress", args=[build.pk])
    body = client.get(url).content.decode()
    assert "Rendering section 3 of 9: Actions log" in body
    assert 'hx-trigger="every 1s"' in body and 'value="33"' in body
    PackBuild.objects.filter(pk=build.pk).update(
        state="failed", error="The pack names change request CR099, which does not exist."
    )
    body = client.get(url).content.decode()
    assert "failed: The pack names change request CR099" in body
    assert "every 1s" not in body


@pytest.mark.parametrize(
    ("role", "full", "public"),
    [
        ("pmo", 200, 200),
        ("chair", 200, 200),
        ("steering", 200, 200),
        ("participant", 403, 200),
        ("other_participant", 403, 200),
        ("observer", 403, 200),
    ],
)
def test_who_downloads_which_edition(small_pack, world, client_for, role, full, public):
    version = publish(small_pack.meeting).version
    client = client_for(world.users[role])
    for edition, expected in (("full", full), ("public", public)):
        for fmt in ("pdf", "html"):
            response = client.get(reverse("pack-version-download", args=[version.pk, edition, fmt]))
            assert response.status_code == expected, (edition, fmt)
            if expected == 200:
                assert response["Content-Disposition"].startswith("attachment")
                assert "no-store" in response["Cache-Control"]
    page = client.get(reverse("pack-detail", args=[small_pack.meeting.pk])).content.decode()
    assert (reverse("pack-version-download", args=[version.pk, "full", "pdf"]) in page) == (
        full == 200
    )


@pytest.mark.parametrize("role", ["participant", "observer", "steering", "chair"])
def test_nobody_but_pmo_gets_a_draft(small_pack, world, client_for, role):
    build = PackBuild.objects.create(meeting=small_pack.meeting, key="e" * 32, kind="draft")
    from dashboards.packs import services

    services.pack_build_run(build.pk)
    client = client_for(world.users[role])
    for edition in ("full", "public"):
        url = reverse("pack-draft-download", args=[build.pk, edition])
        assert client.get(url).status_code == 403
    assert client_for(world.users["pmo"]).get(url).status_code == 200


def test_no_pack_file_is_reachable_by_a_public_path(small_pack, client):
    version = publish(small_pack.meeting).version
    for name in (version.pdf_full, version.pdf_public):
        assert client.get(f"/media/{name}").status_code == 404
        assert client.get(f"/static/{name}").status_code == 404


def test_unknown_edition_or_format_is_404(small_pack, world, client_for):
    version = publish(small_pack.meeting).version
    client = client_for(world.users["pmo"])
    assert client.get(f"/dashboards/packs/versions/{version.pk}/secret.pdf").status_code == 404
    assert client.get(f"/dashboards/packs/versions/{version.pk}/full.exe").status_code == 404


def test_pmo_adds_a_section_and_bad_parameters_change_nothing(small_pack, world, client_for):
    client = client_for(world.users["pmo"])
    url = reverse("pack-section-add", args=[small_pack.meeting.pk])
    before = PackSection.objects.count()
    response = client.post(
        url,
        {
            "section_type": "milestone_dashboard",
            "classification": "public",
            "params": "weeks_before=lots",
        },
        follow=True,
    )
    assert "weeks_before must be a whole number" in response.content.decode()
    response = client.post(
        url,
        {"section_type": "narrative", "classification": "public", "params": "keys"},
        follow=True,
    )
    assert "is not name=value" in response.content.decode()
    assert PackSection.objects.count() == before
    client.post(
        url,
        {
            "section_type": "what_changed",
            "title": "Since PSG 35",
            "classification": "restricted",
            "params": "",
        },
    )
    added = PackSection.objects.get(title="Since PSG 35")
    assert added.classification == "restricted" and added.history.count() == 1
    client.post(reverse("pack-section-remove", args=[added.pk]))
    assert not PackSection.objects.filter(pk=added.pk).exists()


def test_observer_cannot_arrange_or_build(small_pack, world, client_for):
    client = client_for(world.users["observer"])
    meeting = small_pack.meeting
    before = PackSection.objects.count()
    response = client.post(
        reverse("pack-section-add", args=[meeting.pk]),
        {"section_type": "summary", "classification": "public"},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("pack-build", args=[meeting.pk]), {"kind": "publish", "key": uuid.uuid4().hex}
    )
    assert response.status_code == 403
    assert PackSection.objects.count() == before and not PackBuild.objects.exists()
