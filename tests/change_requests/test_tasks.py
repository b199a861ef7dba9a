"""Invitations, reminders and the beat schedule, through the real Celery tasks."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from change_requests import services
from change_requests.models import Invitation, Response, Stage
from change_requests.tasks import send_ia_invitations, send_ia_reminders
from portal.celery import app, collect_beat_schedule
from portal.working_days import add_working_days
from tests.change_requests.factories import ChangeRequestFactory
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2024, 8, 19)


def _party(name):
    organisation = OrganisationFactory(name=name)
    UserFactory(email=f"{name.lower().replace(' ', '')}@example.org", organisation=organisation)
    return organisation


def _invite(cr, organisation):
    return Invitation.objects.create(
        change_request=cr,
        organisation=organisation,
        deadline=cr.ia_deadline,
        invited_at=timezone.now(),
    )


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_reminders_go_only_to_invited_parties_that_have_not_submitted():
    deadline = add_working_days(MONDAY, 2)  # Wednesday
    cr = ChangeRequestFactory(stage=Stage.IA_OPEN, ia_opened_on=MONDAY, ia_deadline=deadline)
    submitted, drafting, silent = _party("Submitted Co"), _party("Drafting Co"), _party("Silent Co")
    _party("Uninvited Co")
    for organisation in (submitted, drafting, silent):
        _invite(cr, organisation)
    Response.objects.create(
        change_request=cr, organisation=submitted, status="submitted", recommendation="yes"
    )
    Response.objects.create(change_request=cr, organisation=drafting, status="draft")
    # Another CR whose deadline is still far off, and one whose assessment has closed.
    far = ChangeRequestFactory(
        stage=Stage.IA_OPEN, ia_opened_on=MONDAY, ia_deadline=add_working_days(MONDAY, 10)
    )
    _invite(far, _party("Far Co"))
    closed = ChangeRequestFactory(stage=Stage.IA_CLOSED, ia_opened_on=MONDAY, ia_deadline=deadline)
    _invite(closed, _party("Closed Co"))

    result = send_ia_reminders.apply(kwargs={"today_iso": MONDAY.isoformat()})
    assert result.successful()
    assert sorted(result.get()) == sorted([drafting.pk, silent.pk])
    assert _recipients() == ["draftingco@example.org", "silentco@example.org"]
    assert all("Reminder: " in m.subject for m in mail.outbox)

    # Idempotent: the next run (same or next day) reminds nobody again for this deadline.
    mail.outbox.clear()
    send_ia_reminders.apply(kwargs={"today_iso": (MONDAY + datetime.timedelta(days=1)).isoformat()})
    assert mail.outbox == []


def test_a_reminder_is_sent_again_after_the_deadline_is_extended(world):
    deadline = add_working_days(MONDAY, 1)
    cr = ChangeRequestFactory(stage=Stage.IA_OPEN, ia_opened_on=MONDAY, ia_deadline=deadline)
    silent = _party("Silent Co")
    _invite(cr, silent)
    send_ia_reminders.apply(kwargs={"today_iso": MONDAY.isoformat()})
    assert len(mail.outbox) == 1
    services.change_request_extend_deadline(
        actor=world.users["pmo"],
        change_request=cr,
        new_deadline=add_working_days(MONDAY, 3),
        reason="Late paper",
    )
    mail.outbox.clear()
    later = add_working_days(MONDAY, 1)
    send_ia_reminders.apply(kwargs={"today_iso": later.isoformat()})
    assert _recipients() == ["silentco@example.org"]


def test_the_number_of_working_days_is_configurable_per_cr():
    deadline = add_working_days(MONDAY, 4)
    cr = ChangeRequestFactory(
        stage=Stage.IA_OPEN, ia_opened_on=MONDAY, ia_deadline=deadline, reminder_working_days=2
    )
    _invite(cr, _party("Silent Co"))
    send_ia_reminders.apply(kwargs={"today_iso": MONDAY.isoformat()})
    assert mail.outbox == []
    cr.reminder_working_days = 4
    cr.save()
    send_ia_reminders.apply(kwargs={"today_iso": MONDAY.isoformat()})
    assert _recipients() == ["silentco@example.org"]


def test_issuing_emails_every_invited_party_once(world, django_capture_on_commit_callbacks):
    cr = ChangeRequestFactory(stage=Stage.VALIDATED)
    parties = [_party("One Co"), _party("Two Co")]
    with django_capture_on_commit_callbacks(execute=True):
        services.change_request_issue_ia(
            actor=world.users["pmo"],
            change_request=cr,
            organisations=parties,
        )
    assert _recipients() == ["oneco@example.org", "twoco@example.org"]
    message = mail.outbox[0]
    assert f"/change-requests/{cr.pk}/respond/" in message.body
    assert cr.ia_deadline == add_working_days(timezone.localdate(), 10)
    assert not Invitation.objects.filter(email_sent_at__isnull=True).exists()
    mail.outbox.clear()
    assert send_ia_invitations.apply(args=[cr.pk]).get() == 0
    assert mail.outbox == []


def test_invitees_by_constituency_and_all(world):
    constituency = world.organisation.constituency
    chosen = services.ia_invitees(constituencies=[constituency])
    assert world.organisation in chosen
    assert world.programme not in services.ia_invitees(all_parties=True)  # not a party
    assert services.ia_invitees() == []


def test_reminder_task_is_on_the_beat_schedule():
    schedule = collect_beat_schedule(["change_requests"])
    entry = schedule["change-requests-ia-reminders"]
    assert entry["task"] == "change_requests.send_ia_reminders"
    assert entry["task"] in app.tasks
