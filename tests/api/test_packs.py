"""Pack versions through the API: metadata for everyone, the Full edition only for readers
of Restricted material, files streamed from storage through the permission check."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from dashboards.models import PackVersion
from tests.dashboards.factories import PackBuildFactory

pytestmark = pytest.mark.django_db


def published_version():
    full = default_storage.save("packs/api-test/full.pdf", ContentFile(b"%PDF-1.4 FULL"))
    public = default_storage.save("packs/api-test/public.pdf", ContentFile(b"%PDF-1.4 PUBLIC"))
    build = PackBuildFactory(kind="publish", state="done")
    return PackVersion.objects.create(
        meeting=build.meeting,
        build=build,
        minor=0,
        published_at=timezone.now(),
        snapshot=public,
        html_full=full,
        html_public=public,
        pdf_full=full,
        pdf_public=public,
        pages_full=60,
        pages_public=52,
    )


@pytest.fixture
def version(db):
    version = published_version()
    yield version
    for name in (version.pdf_full, version.pdf_public):
        default_storage.delete(name)


def _download(version, edition):
    return reverse("api-pack-version-download", kwargs={"pk": version.pk}) + f"?edition={edition}"


@pytest.mark.parametrize("role", ["steering", "chair", "pmo"])
def test_steering_group_downloads_the_full_edition(world, api_for, version, role):
    response = api_for(world.users[role]).get(_download(version, "full"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 FULL"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("role", ["participant", "other_participant", "observer"])
def test_participants_and_observers_are_refused_the_full_edition(world, api_for, version, role):
    api = api_for(world.users[role])
    refused = api.get(_download(version, "full"))
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    public = api.get(_download(version, "public"))
    assert public.status_code == 200
    assert b"".join(public.streaming_content) == b"%PDF-1.4 PUBLIC"


def test_metadata_lists_only_the_editions_the_reader_may_download(world, api_for, version):
    rows = api_for(world.users["participant"]).get(reverse("api-pack-version-list")).json()
    assert [row["label"] for row in rows["results"]] == ["v1.0"]
    assert set(rows["results"][0]["downloads"]) == {"public"}
    steering = api_for(world.users["steering"]).get(
        reverse("api-pack-version-detail", kwargs={"pk": version.pk})
    )
    assert set(steering.json()["downloads"]) == {"full", "public"}


def test_bad_edition_is_400_and_missing_file_404(world, api_for, version):
    api = api_for(world.users["pmo"])
    assert api.get(_download(version, "secret")).status_code == 400
    default_storage.delete(version.pdf_public)
    assert api.get(_download(version, "public")).status_code == 404
