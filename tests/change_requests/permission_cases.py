"""Every change-request view against every role (see tests/permission_matrix.py)."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from change_requests.models import (
    ConstituencyView,
    Document,
    Invitation,
    Response,
    ResponseStatus,
    Stage,
)
from tests.factories import ConstituencyFactory, MeetingFactory
from tests.permission_matrix import EVERYONE, PMO_ONLY, ViewCase

PARTICIPANT = frozenset({"participant"})
PARTICIPANTS = frozenset({"participant", "other_participant"})
DECIDERS = frozenset({"steering", "chair"})


def _cr(stage=Stage.DRAFT, **extra):
    from tests.change_requests.factories import ChangeRequestFactory

    return ChangeRequestFactory(stage=stage, **extra)


def _open_cr(world, *, invite_other=False):
    today = timezone.localdate()
    cr = _cr(Stage.IA_OPEN, ia_opened_on=today, ia_deadline=today + datetime.timedelta(days=5))
    organisations = [world.organisation] + ([world.other_organisation] if invite_other else [])
    for organisation in organisations:
        Invitation.objects.create(
            change_request=cr,
            organisation=organisation,
            deadline=cr.ia_deadline,
            invited_at=timezone.now(),
        )
    return cr


def _cr_kwargs(stage):
    return lambda world: {"pk": _cr(stage).pk}


def _transition(stage, name):
    return lambda world: {"pk": _cr(stage).pk, "name": name}


def _open(world):
    return {"pk": _open_cr(world).pk}


def _response(world, *, status=ResponseStatus.DRAFT, publishable=False, published=False):
    cr = _open_cr(world)
    response = Response.objects.create(
        change_request=cr,
        organisation=world.organisation,
        status=status,
        recommendation="yes" if status == ResponseStatus.SUBMITTED else "",
        publishable=publishable,
    )
    if published:
        cr.responses_published_at = timezone.now()
        cr.save()
    return response


def _draft_response(world):
    return {"pk": _response(world).pk}


def _submitted_response(world):
    return {"pk": _response(world, status=ResponseStatus.SUBMITTED).pk}


def _published_response(world):
    response = _response(world, status=ResponseStatus.SUBMITTED, publishable=True, published=True)
    return {"pk": response.pk}


def _attachment(world):
    from change_requests.models import Attachment

    response = _response(world)
    attachment = Attachment(response=response, name="note.txt", size=5, uploaded_at=timezone.now())
    attachment.file.save("note.txt", ContentFile(b"hello"), save=False)
    attachment.save()
    return {"pk": response.pk, "attachment_pk": attachment.pk}


def _document(world):
    document = Document(change_request=_cr(), name="paper.txt", size=5, uploaded_at=timezone.now())
    document.file.save("paper.txt", ContentFile(b"paper"), save=False)
    document.save()
    return {"pk": document.pk}


def _view(world):
    view = ConstituencyView.objects.create(
        change_request=_cr(Stage.AWAITING_DECISION),
        constituency=ConstituencyFactory(),
        text="Supportive",
    )
    return {"pk": view.pk}


def _decision_data(world, kwargs):
    meeting = MeetingFactory()
    return {
        "outcome": "approve",
        "rationale": "Agreed",
        "decided_on": "2024-09-04",
        "meeting": meeting.pk,
    }


def _change_type_data(world, kwargs):
    from tests.change_requests.factories import change_type

    return {
        "title": "New change",
        "change_type": change_type().pk,
        "decision_authority": "psg_sro",
        "reminder_working_days": 2,
    }


CASES = [
    ViewCase("cr-list", EVERYONE),
    ViewCase("cr-inbox", PARTICIPANTS),
    ViewCase("cr-export", EVERYONE),
    ViewCase("cr-export", EVERYONE, data=lambda world, kwargs: {"format": "xlsx"}, label="xlsx"),
    ViewCase("cr-create", PMO_ONLY),
    ViewCase("cr-create", PMO_ONLY, method="post", data=_change_type_data, label="save"),
    ViewCase("cr-detail", EVERYONE, setup=_open),
    ViewCase(
        "cr-detail", EVERYONE, setup=_cr_kwargs(Stage.AWAITING_DECISION), label="awaiting decision"
    ),
    ViewCase("cr-edit", PMO_ONLY, setup=_cr_kwargs(Stage.DRAFT)),
    ViewCase(
        "cr-transition",
        PMO_ONLY,
        method="post",
        setup=_transition(Stage.DRAFT, "raise"),
        label="raise",
    ),
    ViewCase(
        "cr-transition",
        DECIDERS,
        method="post",
        setup=_transition(Stage.AWAITING_DECISION, "approve"),
        data=_decision_data,
        label="decide",
    ),
    ViewCase(
        "cr-extend-deadline",
        PMO_ONLY,
        method="post",
        setup=_open,
        data=lambda world, kwargs: {"new_deadline": "2099-01-01", "reason": "Holidays"},
    ),
    ViewCase(
        "cr-summary-edit",
        PMO_ONLY,
        method="post",
        setup=_cr_kwargs(Stage.AWAITING_DECISION),
        data=lambda world, kwargs: {"headline": "H", "recommendation": "Approve"},
    ),
    ViewCase(
        "cr-view-add",
        PMO_ONLY,
        method="post",
        setup=_cr_kwargs(Stage.AWAITING_DECISION),
        data=lambda world, kwargs: {
            "constituency": ConstituencyFactory().pk,
            "sentiment": "+",
            "text": "Good",
        },
    ),
    ViewCase("cr-view-delete", PMO_ONLY, method="post", setup=_view),
    ViewCase(
        "cr-document-upload",
        PMO_ONLY,
        method="post",
        setup=_cr_kwargs(Stage.DRAFT),
        data=lambda world, kwargs: {
            "file": SimpleUploadedFile("a.txt", b"text", content_type="text/plain")
        },
    ),
    ViewCase("cr-document-download", EVERYONE, setup=_document),
    ViewCase(
        "cr-publish-responses", PMO_ONLY, method="post", setup=_cr_kwargs(Stage.AWAITING_DECISION)
    ),
    ViewCase("cr-rebaseline", PMO_ONLY, setup=_cr_kwargs(Stage.APPROVED)),
    # Another organisation, or anyone not invited, finds no such page.
    ViewCase("cr-respond", PARTICIPANT, setup=_open, refused_status=404),
    ViewCase(
        "cr-respond",
        PARTICIPANT,
        method="post",
        setup=_open,
        refused_status=404,
        data=lambda world, kwargs: {"action": "draft", "version": 0, "recommendation": "yes"},
        label="draft",
    ),
    ViewCase(
        "cr-response-detail", PARTICIPANT, setup=_draft_response, refused_status=404, label="draft"
    ),
    ViewCase(
        "cr-response-detail",
        frozenset({"participant", "pmo"}),
        setup=_submitted_response,
        refused_status=404,
        label="submitted",
    ),
    ViewCase("cr-response-detail", EVERYONE, setup=_published_response, label="published"),
    ViewCase("cr-attachment-download", PARTICIPANT, setup=_attachment, refused_status=404),
    ViewCase(
        "cr-response-reclassify",
        PMO_ONLY,
        method="post",
        setup=_submitted_response,
        data=lambda world, kwargs: {"counted_as": "abstain", "reason": "Not impacted"},
    ),
]
