"""The participant's response: draft, submit, deadline, isolation between organisations."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from change_requests import services
from change_requests.models import Attachment, DeadlineExtension, Response, ResponseStatus, Stage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post(client, cr, **data):
    body = {"version": 0, "action": "draft", **data}
    return client.post(reverse("cr-respond", args=[cr.pk]), body)


def _own(world, cr):
    return Response.objects.filter(change_request=cr, organisation=world.organisation).first()


def test_draft_then_submit_with_receipt_and_history(
    world, open_cr, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.users["participant"])
    assert client.get(reverse("cr-respond", args=[open_cr.pk])).status_code == 200
    response = _post(client, open_cr, recommendation="yes", benefits="Cheaper testing")
    assert response.status_code == 302
    saved = _own(world, open_cr)
    assert saved.status == ResponseStatus.DRAFT and saved.benefits == "Cheaper testing"
    assert len(mail.outbox) == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client,
            open_cr,
            version=saved.version,
            action="submit",
            recommendation="yes",
            cost_impact="none",
            resource_impact="low",
            rationale="Fine",
        )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.status == ResponseStatus.SUBMITTED
    assert saved.submitted_by == world.users["participant"]
    assert [m.to for m in mail.outbox] == [[world.users["participant"].email]]
    assert "received" in mail.outbox[0].subject
    reasons = list(
        saved.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["Draft saved", "Submitted"]


def test_colleague_sees_and_edits_the_same_draft(world, open_cr, client_for):
    colleague = UserFactory(email="colleague@example.org", organisation=world.organisation)
    _post(client_for(world.users["participant"]), open_cr, recommendation="yes", concerns="First")
    draft = _own(world, open_cr)
    client = client_for(colleague)
    page = client.get(reverse("cr-respond", args=[open_cr.pk]))
    assert b"First" in page.content
    _post(client, open_cr, version=draft.version, recommendation="yes", concerns="Second")
    draft.refresh_from_db()
    assert draft.concerns == "Second" and draft.updated_by == colleague


@pytest.mark.parametrize("recommendation", ["no", "abstain"])
def test_rationale_required_for_no_and_abstain(world, open_cr, client_for, recommendation):
    client = client_for(world.users["participant"])
    page = _post(client, open_cr, action="submit", recommendation=recommendation)
    assert page.status_code == 200
    assert b"A rationale is required for No and Abstain." in page.content
    assert _own(world, open_cr) is None


def test_service_refuses_missing_rationale_too(world, open_cr):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="rationale"):
        services.response_save(
            actor=world.users["participant"],
            change_request=open_cr,
            values={"recommendation": "no"},
            submit=True,
            expected_version=0,
        )
    assert _own(world, open_cr) is None


def test_editable_until_deadline_then_closed_unless_extended(world, open_cr, client_for):
    client = client_for(world.users["participant"])
    _post(client, open_cr, action="submit", recommendation="yes")
    saved = _own(world, open_cr)
    # Still editable before the deadline.
    _post(
        client,
        open_cr,
        version=saved.version,
        action="submit",
        recommendation="no",
        rationale="Changed our mind",
    )
    saved.refresh_from_db()
    assert saved.recommendation == "no"

    open_cr.ia_deadline = timezone.localdate() - datetime.timedelta(days=1)
    open_cr.ia_opened_on = open_cr.ia_deadline - datetime.timedelta(days=14)
    open_cr.save()
    open_cr.invitations.update(deadline=open_cr.ia_deadline)
    page = _post(client, open_cr, version=saved.version, action="submit", recommendation="yes")
    assert page.status_code == 200
    assert b"has passed" in page.content
    saved.refresh_from_db()
    assert saved.recommendation == "no"

    extension = services.change_request_extend_deadline(
        actor=world.users["pmo"],
        change_request=open_cr,
        new_deadline=timezone.localdate() + datetime.timedelta(days=2),
        reason="Bank holiday week",
        organisation=world.organisation,
    )
    assert extension.actor == world.users["pmo"] and extension.reason == "Bank holiday week"
    _post(client, open_cr, version=saved.version, action="submit", recommendation="yes")
    saved.refresh_from_db()
    assert saved.recommendation == "yes"
    # The other organisation's deadline did not move.
    other = open_cr.invitations.get(organisation=world.other_organisation)
    assert other.deadline < timezone.localdate()


def test_extension_needs_a_reason_and_a_later_date(world, open_cr):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="why"):
        services.change_request_extend_deadline(
            actor=world.users["pmo"],
            change_request=open_cr,
            new_deadline=open_cr.ia_deadline + datetime.timedelta(days=1),
            reason=" ",
        )
    with pytest.raises(ValidationError, match="after"):
        services.change_request_extend_deadline(
            actor=world.users["pmo"],
            change_request=open_cr,
            new_deadline=open_cr.ia_deadline,
            reason="More time",
        )
    assert not DeadlineExtension.objects.exists()


def test_closed_assessment_refuses_responses(world, open_cr, client_for):
    services.change_request_close_ia(actor=world.users["pmo"], change_request=open_cr)
    page = _post(
        client_for(world.users["participant"]), open_cr, action="submit", recommendation="yes"
    )
    assert b"is not open" in page.content
    assert _own(world, open_cr) is None


def test_one_response_per_organisation_is_a_database_constraint(world, open_cr):
    Response.objects.create(change_request=open_cr, organisation=world.organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(change_request=open_cr, organisation=world.organisation)


def test_second_tab_is_refused_and_nothing_is_lost(world, open_cr, client_for):
    client = client_for(world.users["participant"])
    # Tab 1 and tab 2 both open the empty form (version 0); tab 1 saves first.
    _post(client, open_cr, recommendation="yes", benefits="Tab one")
    page = _post(client, open_cr, recommendation="no", benefits="Tab two")
    assert page.status_code == 200
    assert b"another tab" in page.content
    assert b"Tab two" in page.content  # the second tab's entries are still in the form
    saved = _own(world, open_cr)
    assert saved.benefits == "Tab one"
    # Both tabs at version 1: the first save wins, the second is told what changed.
    _post(client, open_cr, version=1, recommendation="yes", benefits="Tab one again")
    page = _post(client, open_cr, version=1, recommendation="yes", benefits="Stale")
    assert b"Someone else saved this record" in page.content
    saved.refresh_from_db()
    assert saved.benefits == "Tab one again"


def test_other_organisation_cannot_read_list_change_or_guess(world, open_cr, client_for):
    client = client_for(world.users["participant"])
    _post(client, open_cr, recommendation="yes", concerns="Our secret")
    mine = _own(world, open_cr)
    attachment = Attachment(response=mine, name="n.txt", size=2, uploaded_at=timezone.now())
    from django.core.files.base import ContentFile

    attachment.file.save("n.txt", ContentFile(b"hi"), save=False)
    attachment.save()

    other = client_for(world.users["other_participant"])
    assert other.get(reverse("cr-response-detail", args=[mine.pk])).status_code == 404
    assert (
        other.get(reverse("cr-attachment-download", args=[mine.pk, attachment.pk])).status_code
        == 404
    )
    # Their own form shows their (empty) response, never ours.
    page = other.get(reverse("cr-respond", args=[open_cr.pk]))
    assert page.status_code == 200 and b"Our secret" not in page.content
    detail = other.get(reverse("cr-detail", args=[open_cr.pk]))
    assert b"Our secret" not in detail.content
    # Saving through their own form writes their own row and leaves ours alone.
    _post(other, open_cr, recommendation="no", concerns="Theirs")
    mine.refresh_from_db()
    assert mine.concerns == "Our secret" and mine.recommendation == "yes"
    # Guessing ids beyond the real ones answers 404 as well.
    assert other.get(reverse("cr-response-detail", args=[mine.pk + 1000])).status_code == 404
    # Before submission even the PMO does not read the draft.
    pmo = client_for(world.users["pmo"])
    assert pmo.get(reverse("cr-response-detail", args=[mine.pk])).status_code == 404


def test_observer_changes_nothing(world, open_cr, client_for):
    observer = client_for(world.users["observer"])
    assert _post(observer, open_cr, recommendation="yes").status_code == 404
    assert (
        observer.post(
            reverse("cr-transition", args=[open_cr.pk, "close_ia"]), {"version": open_cr.version}
        ).status_code
        == 403
    )
    assert (
        observer.post(
            reverse("cr-extend-deadline", args=[open_cr.pk]),
            {"new_deadline": "2099-01-01", "reason": "x"},
        ).status_code
        == 403
    )
    open_cr.refresh_from_db()
    assert open_cr.stage == Stage.IA_OPEN
    assert not Response.objects.exists() and not DeadlineExtension.objects.exists()


def test_published_responses_are_readable_only_if_publishable(world, open_cr, client_for):
    public = Response.objects.create(
        change_request=open_cr,
        organisation=world.organisation,
        status="submitted",
        recommendation="yes",
        publishable=True,
    )
    confidential = Response.objects.create(
        change_request=open_cr,
        organisation=world.other_organisation,
        status="submitted",
        recommendation="yes",
        publishable=False,
    )
    services.change_request_close_ia(actor=world.users["pmo"], change_request=open_cr)
    services.change_request_publish_responses(actor=world.users["pmo"], change_request=open_cr)
    observer = client_for(world.users["observer"])
    assert observer.get(reverse("cr-response-detail", args=[public.pk])).status_code == 200
    assert observer.get(reverse("cr-response-detail", args=[confidential.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.exe", b"MZ", b"not an allowed type"),
        ("fake.pdf", b"not a pdf", b"not a real .pdf file"),
        ("empty.txt", b"", b"empty"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_saved(
    world, open_cr, client_for, name, content, message
):
    client = client_for(world.users["participant"])
    upload = SimpleUploadedFile(name, content)
    page = client.post(
        reverse("cr-respond", args=[open_cr.pk]),
        {"version": 0, "action": "draft", "recommendation": "yes", "attachments": upload},
    )
    assert page.status_code == 200
    assert message in page.content
    assert _own(world, open_cr) is None and not Attachment.objects.exists()


def test_oversize_attachment_is_refused(world, open_cr, client_for, settings):
    settings.MAX_UPLOAD_BYTES = 10
    client = client_for(world.users["participant"])
    page = client.post(
        reverse("cr-respond", args=[open_cr.pk]),
        {
            "version": 0,
            "action": "draft",
            "recommendation": "yes",
            "attachments": SimpleUploadedFile("big.txt", b"x" * 11),
        },
    )
    assert b"the limit is" in page.content
    assert not Attachment.objects.exists()


def test_attachment_is_stored_and_served_through_the_checked_view(world, open_cr, client_for):
    client = client_for(world.users["participant"])
    client.post(
        reverse("cr-respond", args=[open_cr.pk]),
        {
            "version": 0,
            "action": "draft",
            "recommendation": "yes",
            "attachments": SimpleUploadedFile("impact.csv", b"a,b\n1,2\n"),
        },
    )
    attachment = Attachment.objects.get()
    assert attachment.name == "impact.csv" and attachment.size == 8
    assert attachment.history.get().history_user == world.users["participant"]
    served = client.get(
        reverse("cr-attachment-download", args=[attachment.response_id, attachment.pk])
    )
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"a,b\n1,2\n"


def test_reclassification_needs_a_reason_and_is_listed(world, open_cr, client_for):
    from change_requests.selectors import ia_rollup, ia_summary

    response = Response.objects.create(
        change_request=open_cr,
        organisation=world.organisation,
        status="submitted",
        recommendation="yes",
        impacted=False,
    )
    pmo = client_for(world.users["pmo"])
    url = reverse("cr-response-reclassify", args=[response.pk])
    pmo.post(url, {"counted_as": "abstain", "reason": ""})
    response.refresh_from_db()
    assert response.counted_as == ""
    pmo.post(url, {"counted_as": "abstain", "reason": "Not impacted: counted as Abstain"})
    response.refresh_from_db()
    assert response.counted_as == "abstain"
    assert ia_rollup(open_cr).total.abstain == 1
    picture = ia_summary(open_cr)
    assert [r.reclassification_reason for r in picture.reclassified] == [
        "Not impacted: counted as Abstain"
    ]
    participant = client_for(world.users["participant"])
    assert participant.post(url, {"counted_as": "yes", "reason": "x"}).status_code == 403


def test_submitted_response_is_listed_for_pmo_but_not_for_another_organisation(
    world, open_cr, client_for
):
    client = client_for(world.users["participant"])
    _post(client, open_cr, action="submit", recommendation="yes", concerns="Listed concern")
    mine = _own(world, open_cr)
    link = reverse("cr-response-detail", args=[mine.pk]).encode()
    pmo_page = client_for(world.users["pmo"]).get(reverse("cr-detail", args=[open_cr.pk]))
    assert link in pmo_page.content and b"Listed concern" in pmo_page.content
    for role in ("other_participant", "observer", "steering"):
        page = client_for(world.users[role]).get(reverse("cr-detail", args=[open_cr.pk]))
        assert link not in page.content and b"Listed concern" not in page.content
        assert client_for(world.users[role]).get(link.decode()).status_code == 404
