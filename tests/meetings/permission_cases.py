"""Meetings views in the permissions matrix: everyone reads, PMO writes, an invited
organisation writes its own draft section. Planned engagement: everyone reads the forward look,
PMO plans, edits, deletes and imports events."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import MeetingFactory
from tests.meetings.factories import (
    ActionFactory,
    AgendaItemFactory,
    DecisionFactory,
    EngagementEventFactory,
    NarrativeSectionFactory,
)
from tests.permission_matrix import EVERYONE, PMO_ONLY, ViewCase


def _meeting(world):
    return {"pk": MeetingFactory().pk}


def _item(world):
    return {"pk": AgendaItemFactory().pk}


def _action(world):
    return {"pk": ActionFactory().pk}


def _decision(world):
    return {"pk": DecisionFactory().pk}


def _published_section(world):
    return {"pk": NarrativeSectionFactory().pk}


def _invited_draft(world):
    section = NarrativeSectionFactory(status="draft", contributor=world.organisation)
    return {"pk": section.pk}


def _meeting_data(world, kwargs):
    from meetings.models import Meeting

    meeting = Meeting.objects.get(pk=kwargs["pk"])
    return {
        "version": meeting.version,
        "number": meeting.number,
        "date": meeting.date.isoformat(),
        "start_time": "10:00",
        "title": "Renamed",
        "status": "planned",
    }


def _item_data(world, kwargs):
    from meetings.models import AgendaItem

    item = AgendaItem.objects.get(pk=kwargs["pk"])
    return {"version": item.version, "label": "1", "title": "Welcome", "duration_minutes": 5}


def _action_data(world, kwargs):
    from meetings.models import Action

    action = Action.objects.get(pk=kwargs["pk"])
    return {
        "version": action.version,
        "description": "Do it",
        "owner_text": "Programme",
        "status": "ongoing",
        "latest_update": "Started",
    }


def _progress_data(world, kwargs):
    from meetings.models import Action

    action = Action.objects.get(pk=kwargs["pk"])
    prefix = f"action-{action.pk}"
    return {
        f"{prefix}-version": action.version,
        f"{prefix}-status": "ongoing",
        f"{prefix}-latest_update": "Started",
    }


def _decision_data(world, kwargs):
    from meetings.models import Decision

    decision = Decision.objects.get(pk=kwargs["pk"])
    return {
        "version": decision.version,
        "summary": "Approved",
        "outcome": "approved",
        "decided_on": decision.decided_on.isoformat(),
    }


def _write_data(world, kwargs):
    from meetings.models import NarrativeSection

    section = NarrativeSection.objects.get(pk=kwargs["pk"])
    return {
        "version": section.version,
        "body": "Our report",
        # PMO's form also asks for these; the invited participant's form ignores them.
        "title": section.title,
        "position": 1,
        "status": "draft",
    }


def _event(world):
    return {"pk": EngagementEventFactory().pk}


EVENT_FIELDS = {
    "title": "Elexon Account Meeting",
    "precision": "day",
    "date": "2024-09-03",
    "category": "central_parties",
    "status": "planned",
}


def _event_data(world, kwargs):
    from meetings.models import EngagementEvent

    return {**EVENT_FIELDS, "version": EngagementEvent.objects.get(pk=kwargs["pk"]).version}


def _delete_data(world, kwargs):
    from meetings.models import EngagementEvent

    return {"version": EngagementEvent.objects.get(pk=kwargs["pk"]).version}


def _import_data(world, kwargs):
    content = (
        "key,title,date,precision,category,status\n"
        "ftig-w1,FTIG,2024-08-26,week,Programme governance,planned\n"
    )
    return {"file": SimpleUploadedFile("engagement.csv", content.encode(), "text/csv")}


INVITED = frozenset({"pmo", "participant"})

CASES = [
    ViewCase("meeting-list", EVERYONE),
    ViewCase("meeting-create", PMO_ONLY),
    ViewCase(
        "meeting-create",
        PMO_ONLY,
        method="post",
        label="open",
        setup=lambda world: {},
        data=lambda world, kwargs: {
            "forum": MeetingFactory().forum.pk,
            "date": "2030-01-02",
            "start_time": "10:00",
        },
    ),
    ViewCase("meeting-detail", EVERYONE, setup=_meeting),
    ViewCase("meeting-edit", PMO_ONLY, setup=_meeting),
    ViewCase(
        "meeting-edit", PMO_ONLY, method="post", setup=_meeting, data=_meeting_data, label="save"
    ),
    ViewCase("meeting-agenda-add", PMO_ONLY, setup=_meeting),
    ViewCase(
        "meeting-agenda-add",
        PMO_ONLY,
        method="post",
        setup=_meeting,
        data=lambda world, kwargs: {"label": "1", "title": "Welcome", "duration_minutes": 5},
        label="save",
    ),
    ViewCase("meeting-agenda-edit", PMO_ONLY, setup=_item),
    ViewCase(
        "meeting-agenda-edit", PMO_ONLY, method="post", setup=_item, data=_item_data, label="save"
    ),
    ViewCase(
        "meeting-agenda-move",
        PMO_ONLY,
        method="post",
        setup=_item,
        data=lambda world, kwargs: {"direction": "up"},
    ),
    ViewCase("meeting-agenda-delete", PMO_ONLY, method="post", setup=_item),
    ViewCase("meeting-action-list", EVERYONE),
    ViewCase("meeting-action-export", EVERYONE),
    ViewCase("meeting-action-add", PMO_ONLY, setup=_meeting),
    ViewCase(
        "meeting-action-add",
        PMO_ONLY,
        method="post",
        setup=_meeting,
        data=lambda world, kwargs: {"description": "Do it", "owner_text": "PMO", "status": "open"},
        label="save",
    ),
    ViewCase("meeting-action-detail", EVERYONE, setup=_action),
    ViewCase("meeting-action-edit", PMO_ONLY, setup=_action),
    ViewCase(
        "meeting-action-edit",
        PMO_ONLY,
        method="post",
        setup=_action,
        data=_action_data,
        label="save",
    ),
    ViewCase(
        "meeting-action-progress", PMO_ONLY, method="post", setup=_action, data=_progress_data
    ),
    ViewCase("meeting-decision-add", PMO_ONLY, setup=_meeting),
    ViewCase(
        "meeting-decision-add",
        PMO_ONLY,
        method="post",
        setup=_meeting,
        data=lambda world, kwargs: {
            "summary": "Approve M6",
            "outcome": "approved",
            "decided_on": "2024-09-04",
        },
        label="save",
    ),
    ViewCase("meeting-decision-detail", EVERYONE, setup=_decision),
    ViewCase("meeting-decision-edit", PMO_ONLY, setup=_decision),
    ViewCase(
        "meeting-decision-edit",
        PMO_ONLY,
        method="post",
        setup=_decision,
        data=_decision_data,
        label="save",
    ),
    ViewCase("meeting-narrative-add", PMO_ONLY, setup=_meeting),
    ViewCase(
        "meeting-narrative-add",
        PMO_ONLY,
        method="post",
        setup=_meeting,
        data=lambda world, kwargs: {
            "title": "Testing update",
            "key": "testing-update",
            "body": "All good",
        },
        label="save",
    ),
    ViewCase("meeting-narrative-detail", EVERYONE, setup=_published_section, label="published"),
    ViewCase("meeting-narrative-detail", INVITED, setup=_invited_draft, label="invited draft"),
    ViewCase("meeting-narrative-edit", PMO_ONLY, setup=_published_section, label="published"),
    ViewCase("meeting-narrative-edit", INVITED, setup=_invited_draft, label="invited draft"),
    ViewCase(
        "meeting-narrative-edit",
        INVITED,
        method="post",
        setup=_invited_draft,
        data=_write_data,
        label="invited draft save",
    ),
    ViewCase("meeting-forward-look", EVERYONE),
    ViewCase("meeting-engagement-add", PMO_ONLY),
    ViewCase(
        "meeting-engagement-add",
        PMO_ONLY,
        method="post",
        setup=lambda world: {},
        data=lambda world, kwargs: EVENT_FIELDS,
        label="save",
    ),
    ViewCase("meeting-engagement-edit", PMO_ONLY, setup=_event),
    ViewCase(
        "meeting-engagement-edit",
        PMO_ONLY,
        method="post",
        setup=_event,
        data=_event_data,
        label="save",
    ),
    ViewCase("meeting-engagement-delete", PMO_ONLY, setup=_event, label="confirm"),
    ViewCase("meeting-engagement-delete", PMO_ONLY, method="post", setup=_event, data=_delete_data),
    ViewCase("meeting-engagement-import", PMO_ONLY),
    ViewCase(
        "meeting-engagement-import",
        PMO_ONLY,
        method="post",
        setup=lambda world: {},
        data=_import_data,
        label="upload",
    ),
]
