"""A small meeting with a pack layout: quick to render, and one Restricted block."""

import uuid
from dataclasses import dataclass
from datetime import date, time

import pytest

from dashboards.models import BuildState, PackBuild
from dashboards.packs import services
from tests.dashboards.factories import PackSectionFactory
from tests.factories import MeetingFactory
from tests.meetings.factories import ActionFactory, AgendaItemFactory, NarrativeSectionFactory


@dataclass
class SmallPack:
    meeting: object
    previous: object
    restricted_title: str = "Confidential commercial position"


@pytest.fixture
def small_pack(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    previous = MeetingFactory(number=35, date=date(2024, 8, 7), title="PSG #35")
    meeting = MeetingFactory(
        forum=previous.forum,
        number=36,
        date=date(2024, 9, 4),
        start_time=time(10, 0),
        title="Programme Steering Group #36",
    )
    welcome = AgendaItemFactory(meeting=meeting, position=1, title="Welcome", duration_minutes=5)
    actions = AgendaItemFactory(
        meeting=meeting, position=2, title="Headline Report and Actions", item_type="decision"
    )
    ActionFactory(meeting=previous, sequence=1, description="Elexon to provide a breakdown")
    NarrativeSectionFactory(
        meeting=meeting,
        key="testing-update",
        title="Testing Update",
        body="## SIT\n\nSprint 4.1 progress is *good*.",
    )
    PackSectionFactory(
        meeting=meeting, agenda_item=actions, section_type="actions", title="Actions log"
    )
    PackSectionFactory(
        meeting=meeting,
        agenda_item=welcome,
        section_type="narrative",
        title="Testing Update",
        params={"keys": ["testing-update"]},
    )
    PackSectionFactory(
        meeting=meeting,
        section_type="narrative",
        title=SmallPack.restricted_title,
        classification="restricted",
        params={"keys": ["testing-update"]},
    )
    return SmallPack(meeting, previous)


def publish(meeting, actor=None) -> PackBuild:
    """Publish the next version the way the worker does, and return the finished build."""
    build = PackBuild.objects.create(
        meeting=meeting, key=uuid.uuid4().hex, kind="publish", requested_by=actor
    )
    services.pack_build_run(build.pk)
    build.refresh_from_db()
    assert build.state == BuildState.DONE, build.error
    return build
