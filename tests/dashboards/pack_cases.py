"""The pack's rows of the permissions matrix (docs/permissions.md, "Packs")."""

import uuid
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from dashboards.models import PackVersion
from tests.dashboards.factories import PackBuildFactory, PackSectionFactory
from tests.factories import MeetingFactory
from tests.permission_matrix import EVERYONE, PMO_ONLY, READERS_OF_RESTRICTED, ViewCase

FIXTURE_PDF = "packs/permission-matrix/fixture.pdf"


def _fixture_file() -> str:
    if not default_storage.exists(FIXTURE_PDF):
        default_storage.save(FIXTURE_PDF, ContentFile(b"%PDF-1.4 matrix fixture"))
    return FIXTURE_PDF


def _meeting(world):
    return {"meeting_pk": MeetingFactory(date=date(2024, 9, 4)).pk}


def _draft(world):
    name = _fixture_file()
    build = PackBuildFactory(state="done", pdf_full=name, pdf_public=name)
    return {"build_pk": build.pk}


def _version(edition):
    def setup(world):
        name = _fixture_file()
        build = PackBuildFactory(kind="publish", state="done")
        version = PackVersion.objects.create(
            meeting=build.meeting,
            build=build,
            minor=0,
            published_at=timezone.now(),
            snapshot=name,
            html_full=name,
            html_public=name,
            pdf_full=name,
            pdf_public=name,
        )
        return {"version_pk": version.pk, "edition": edition, "fmt": "pdf"}

    return setup


def _section(world):
    return {"section_pk": PackSectionFactory().pk}


PACK_CASES = [
    ViewCase("pack-list", EVERYONE),
    ViewCase("pack-detail", EVERYONE, setup=_meeting),
    ViewCase(
        "pack-build",
        PMO_ONLY,
        method="post",
        setup=_meeting,
        data=lambda world, kwargs: {"kind": "draft", "key": uuid.uuid4().hex},
    ),
    ViewCase("pack-build-progress", PMO_ONLY, setup=_draft),
    ViewCase("pack-draft-download", PMO_ONLY, setup=lambda w: {**_draft(w), "edition": "full"}),
    ViewCase(
        "pack-draft-download",
        PMO_ONLY,
        setup=lambda w: {**_draft(w), "edition": "public"},
        label="public draft",
    ),
    ViewCase("pack-version-download", READERS_OF_RESTRICTED, setup=_version("full")),
    ViewCase("pack-version-download", EVERYONE, setup=_version("public"), label="public edition"),
    ViewCase(
        "pack-section-add",
        PMO_ONLY,
        method="post",
        setup=_meeting,
        data=lambda world, kwargs: {
            "section_type": "summary",
            "title": "Summary",
            "classification": "public",
            "params": "",
        },
    ),
    ViewCase("pack-section-remove", PMO_ONLY, method="post", setup=_section),
    ViewCase("pack-check", PMO_ONLY, setup=_meeting),
    ViewCase(
        "pack-check-acknowledge",
        PMO_ONLY,
        method="post",
        setup=_meeting,
        data=lambda world, kwargs: {"note": "Read; the gaps are known."},
    ),
]
