"""The API in the permissions matrix. Anonymous callers get 401 (token first); the apps'
endpoints add their own cases in the sections below as they appear."""

from tests.permission_matrix import EVERYONE, PMO_ONLY, READERS_OF_RESTRICTED, ViewCase


def _own_org(world):
    return {"pk": world.organisation.pk}


def _milestone(world):
    from tests.milestones.factories import MilestoneFactory

    return {"pk": MilestoneFactory().pk}


def _milestone_body(world, kwargs):
    return {"forecast_date": "2030-01-31", "reason": "matrix"}


def _public_item(world):
    from raid.models import Classification
    from tests.raid.factories import RaidItemFactory

    return {"reference": RaidItemFactory(classification=Classification.PUBLIC).reference}


def _restricted_item(world):
    from raid.models import Classification
    from tests.raid.factories import RaidItemFactory

    return {"reference": RaidItemFactory(classification=Classification.RESTRICTED).reference}


def _open_cr(world):
    import datetime

    from django.utils import timezone

    from change_requests.models import Invitation, Stage
    from tests.change_requests.factories import ChangeRequestFactory

    today = timezone.localdate()
    cr = ChangeRequestFactory(
        stage=Stage.IA_OPEN, ia_opened_on=today, ia_deadline=today + datetime.timedelta(days=5)
    )
    Invitation.objects.create(
        change_request=cr,
        organisation=world.organisation,
        deadline=cr.ia_deadline,
        invited_at=timezone.now(),
    )
    return {"pk": cr.pk}


def _own_draft(world):
    from change_requests.models import Response

    cr = _open_cr(world)
    return {
        "pk": Response.objects.create(
            change_request_id=cr["pk"], organisation=world.organisation
        ).pk
    }


def _meeting(world):
    from tests.factories import MeetingFactory

    return MeetingFactory()


def _meeting_pk(world):
    return {"pk": _meeting(world).pk}


def _action(world):
    from meetings import services

    action = services.action_raise(
        actor=None, meeting=_meeting(world), description="matrix", owner_text="PMO"
    )
    return {"pk": action.pk}


def _decision(world):
    from meetings import services

    decision = services.decision_record(
        actor=None, meeting=_meeting(world), summary="matrix", outcome="noted"
    )
    return {"pk": decision.pk}


def _pack_version(world):
    from tests.api.test_packs import published_version

    return {"pk": published_version().pk}


def _download(edition):
    return lambda world, kwargs: {"edition": edition}


CASES = [
    ViewCase("api-root", EVERYONE),
    ViewCase("api-schema", EVERYONE),
    ViewCase("api-docs", EVERYONE),
    ViewCase("api-token-create", EVERYONE, method="post"),
    ViewCase("api-token-revoke", EVERYONE, method="post"),
    ViewCase("api-organisation-list", EVERYONE),
    ViewCase("api-organisation-detail", EVERYONE, setup=_own_org),
    # Milestones: everyone reads, PMO writes (If-Match sent by the dedicated tests; here the
    # refusal comes first, and PMO's missing If-Match is a 428).
    ViewCase("api-milestone-list", EVERYONE),
    ViewCase("api-milestone-detail", EVERYONE, setup=_milestone),
    ViewCase(
        "api-milestone-list",
        PMO_ONLY,
        method="post",
        data=lambda world, kwargs: {"reference": "T3-DB-9999", "title": "x"},
        ok_statuses=(400,),
        label="create (invalid body: refusal before validation)",
    ),
    ViewCase(
        "api-milestone-reforecast",
        PMO_ONLY,
        method="post",
        setup=_milestone,
        data=_milestone_body,
        ok_statuses=(428,),
    ),
    ViewCase(
        "api-milestone-rebaseline",
        PMO_ONLY,
        method="post",
        setup=_milestone,
        data=lambda world, kwargs: {"baseline_date": "2030-01-31", "reason": "matrix"},
        ok_statuses=(428,),
    ),
    # RAID: Public items for everyone; Restricted ones are absent (404) for the others.
    ViewCase("api-raid-item-list", EVERYONE),
    ViewCase("api-raid-item-detail", EVERYONE, setup=_public_item, label="public"),
    ViewCase(
        "api-raid-item-detail",
        READERS_OF_RESTRICTED,
        setup=_restricted_item,
        refused_status=404,
        label="restricted",
    ),
    ViewCase(
        "api-raid-item-rescore",
        PMO_ONLY,
        method="post",
        setup=_public_item,
        data=lambda world, kwargs: {"score": 9},
        ok_statuses=(428,),
    ),
    ViewCase(
        "api-raid-item-close",
        PMO_ONLY,
        method="post",
        setup=_public_item,
        data=lambda world, kwargs: {"closure_reason": "matrix"},
        ok_statuses=(428,),
    ),
    ViewCase(
        "api-raid-item-reopen",
        PMO_ONLY,
        method="post",
        setup=_public_item,
        data=lambda world, kwargs: {"reason": "matrix"},
        ok_statuses=(428,),
    ),
    # Change requests: everyone reads the register and roll-ups; a response (here a draft)
    # only its own organisation, and another's is a 404 so ids reveal nothing.
    ViewCase("api-change-request-list", EVERYONE),
    ViewCase("api-change-request-detail", EVERYONE, setup=_open_cr),
    ViewCase("api-change-request-rollup", EVERYONE, setup=_open_cr),
    ViewCase(
        "api-change-request-my-response",
        EVERYONE,
        setup=_open_cr,
        ok_statuses=(404,),
        label="(none yet: 404 for all)",
    ),
    ViewCase(
        "api-ia-response-list",
        EVERYONE,
        setup=lambda world: {},
        data=lambda world, kwargs: {"change_request": _open_cr(world)["pk"]},
    ),
    ViewCase(
        "api-ia-response-detail",
        frozenset({"participant"}),
        setup=_own_draft,
        refused_status=404,
        label="draft",
    ),
    # Meetings, actions and decisions: everyone reads, PMO writes.
    ViewCase("api-meeting-list", EVERYONE),
    ViewCase("api-meeting-detail", EVERYONE, setup=_meeting_pk),
    ViewCase("api-action-list", EVERYONE),
    ViewCase("api-action-detail", EVERYONE, setup=_action),
    ViewCase(
        "api-action-list",
        PMO_ONLY,
        method="post",
        data=lambda world, kwargs: {
            "meeting": _meeting(world).pk,
            "description": "matrix",
            "owner_text": "PMO",
        },
        label="raise",
    ),
    ViewCase(
        "api-action-progress",
        PMO_ONLY,
        method="post",
        setup=_action,
        data=lambda world, kwargs: {"status": "closed", "latest_update": "matrix"},
        ok_statuses=(428,),
    ),
    ViewCase("api-decision-list", EVERYONE),
    ViewCase("api-decision-detail", EVERYONE, setup=_decision),
    ViewCase(
        "api-decision-list",
        PMO_ONLY,
        method="post",
        data=lambda world, kwargs: {
            "meeting": _meeting(world).pk,
            "summary": "matrix",
            "outcome": "noted",
        },
        label="record",
    ),
    # Packs: metadata for everyone; the Full edition only for readers of Restricted.
    ViewCase("api-pack-version-list", EVERYONE),
    ViewCase("api-pack-version-detail", EVERYONE, setup=_pack_version),
    ViewCase(
        "api-pack-version-download",
        READERS_OF_RESTRICTED,
        setup=_pack_version,
        data=_download("full"),
        label="full",
    ),
    ViewCase(
        "api-pack-version-download",
        EVERYONE,
        setup=_pack_version,
        data=_download("public"),
        label="public",
    ),
]
