"""Emails of the impact assessment: invitations, reminders, receipts.

Tasks take ids, are idempotent (each invitation records what it was last sent) and bounded.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from change_requests.models import Invitation, Response, ResponseStatus, Stage
from portal.models import Role, User
from portal.working_days import working_days_until

BATCH = 500


def _recipients(organisation_id: int) -> list[str]:
    return list(
        User.objects.filter(
            organisation_id=organisation_id, is_active=True, role=Role.PARTICIPANT
        ).values_list("email", flat=True)
    )


def _respond_url(change_request) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("cr-respond", args=[change_request.pk])


def _send(template: str, subject: str, recipients: list[str], context: dict) -> bool:
    if not recipients:
        return False
    body = render_to_string(f"change_requests/email/{template}.txt", context)
    send_mail(subject, body, None, recipients)
    return True


@shared_task(name="change_requests.send_ia_invitations")
def send_ia_invitations(change_request_id: int) -> int:
    """Email every invited organisation not yet emailed; returns how many were emailed."""
    sent = 0
    invitations = (
        Invitation.objects.filter(change_request_id=change_request_id, email_sent_at__isnull=True)
        .select_related("change_request", "organisation")
        .order_by("pk")[:BATCH]
    )
    for invitation in invitations:
        with transaction.atomic():
            locked = Invitation.objects.select_for_update(skip_locked=True).filter(
                pk=invitation.pk, email_sent_at__isnull=True
            )
            if not locked.exists():
                continue
            change_request = invitation.change_request
            _send(
                "invitation",
                f"{change_request.reference}: impact assessment due {invitation.deadline:%d %b %Y}",
                _recipients(invitation.organisation_id),
                {
                    "invitation": invitation,
                    "cr": change_request,
                    "url": _respond_url(change_request),
                },
            )
            Invitation.objects.filter(pk=invitation.pk).update(email_sent_at=timezone.now())
            sent += 1
    return sent


@shared_task(name="change_requests.send_ia_receipt")
def send_ia_receipt(response_id: int) -> bool:
    response = (
        Response.objects.select_related("change_request", "organisation", "submitted_by")
        .filter(pk=response_id, status=ResponseStatus.SUBMITTED)
        .first()
    )
    if response is None:
        return False
    return _send(
        "receipt",
        f"{response.change_request.reference}: your impact assessment was received",
        _recipients(response.organisation_id),
        {
            "response": response,
            "cr": response.change_request,
            "url": _respond_url(response.change_request),
        },
    )


@shared_task(name="change_requests.send_ia_reminders")
def send_ia_reminders(today_iso: str | None = None) -> list[int]:
    """Remind invited parties that have not submitted, N working days before their deadline.

    N is each CR's `reminder_working_days`. One reminder per party per deadline: extending the
    deadline makes a party eligible again. Returns the ids of the organisations reminded.
    """
    from datetime import date

    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    submitted = Response.objects.filter(
        status=ResponseStatus.SUBMITTED,
        change_request_id=OuterRef("change_request_id"),
        organisation_id=OuterRef("organisation_id"),
    )
    candidates = (
        Invitation.objects.filter(change_request__stage=Stage.IA_OPEN, deadline__gte=today)
        .exclude(Exists(submitted))
        .select_related("change_request", "organisation")
        .order_by("pk")
    )
    reminded = []
    for invitation in candidates.iterator(chunk_size=BATCH):
        if invitation.reminded_for_deadline == invitation.deadline:
            continue
        days_left = working_days_until(today, invitation.deadline)
        if days_left > invitation.change_request.reminder_working_days:
            continue
        change_request = invitation.change_request
        _send(
            "reminder",
            f"Reminder: {change_request.reference} impact assessment due "
            f"{invitation.deadline:%d %b %Y}",
            _recipients(invitation.organisation_id),
            {
                "invitation": invitation,
                "cr": change_request,
                "days_left": days_left,
                "url": _respond_url(change_request),
            },
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            reminded_for_deadline=invitation.deadline
        )
        reminded.append(invitation.organisation_id)
    return reminded
