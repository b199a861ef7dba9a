"""Writes to change requests and impact assessments: atomic, validated, permission-checked,
recorded in history. Views, the API, tasks and the demo loader all come through here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from change_requests.lifecycle import (
    DECISION_TRANSITIONS,
    TRANSITIONS,
    InvalidTransition,
    check_transition,
)
from change_requests.models import (
    AssessmentSummary,
    Attachment,
    BoardRecommendation,
    ChangeRequest,
    ChangeType,
    ConstituencyView,
    DeadlineExtension,
    DecisionAuthority,
    Document,
    Invitation,
    Recommendation,
    Response,
    ResponseStatus,
    Stage,
    StageChange,
)
from change_requests.uploads import validate_upload
from meetings.models import Decision, DecisionOutcome, Meeting
from portal.concurrency import claim_version
from portal.history import history_context, mark_change
from portal.models import Organisation, User
from portal.permissions import ensure
from portal.working_days import add_working_days

DEFAULT_IA_WORKING_DAYS = 10

EDITABLE_FIELDS = (
    "title",
    "description",
    "reason",
    "benefits",
    "raiser",
    "raiser_name",
    "raiser_organisation",
    "raiser_organisation_name",
    "change_type",
    "decision_authority",
    "raised_on",
    "implementation_date",
    "implementation_milestone",
    "implementation_text",
    "owner",
    "owner_name",
    "owner_organisation_name",
    "reminder_working_days",
)


def _refuse(message: str, field: str | None = None):
    raise ValidationError({field: message} if field else message)


def _check_authority(change_request: ChangeRequest, milestones=None) -> None:
    """A CR touching a Level 1 (tier 1) milestone is for the sponsor to decide."""
    if change_request.pk is None and milestones is None:
        return
    if milestones is None:
        milestones = _affected_milestones(change_request)
    level_one = [m for m in milestones if getattr(m, "tier", "") == "T1"]
    if level_one and change_request.decision_authority != DecisionAuthority.SPONSOR:
        refs = ", ".join(m.reference for m in level_one)
        _refuse(
            f"{refs} is a Level 1 milestone, so the sponsor decides this change request.",
            "decision_authority",
        )


def _affected_milestones(change_request):
    return list(change_request.affected_milestones.all()) if change_request.pk else []


# --- creating and editing ---------------------------------------------------------------


@transaction.atomic
def change_request_create(
    *,
    actor: User | None,
    title: str,
    change_type: ChangeType,
    number: int | None = None,
    milestones=None,
    raid_items=None,
    **fields,
) -> ChangeRequest:
    """A new CR in Draft, numbered by the portal (CR001, CR002, ...)."""
    if actor is not None:
        ensure(actor, "change_request.manage")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown change-request fields: {sorted(unknown)}")
    for attempt in range(5):
        if number is None or attempt:
            latest = ChangeRequest.objects.aggregate(m=Max("number"))["m"] or 0
            number = latest + 1
        change_request = ChangeRequest(
            number=number,
            reference=f"CR{number:03d}",
            title=title,
            change_type=change_type,
            stage=Stage.DRAFT,
            stage_changed_at=timezone.now(),
            **fields,
        )
        change_request.full_clean(validate_unique=False)
        _check_authority(change_request, milestones or [])
        mark_change(change_request, actor=actor, reason="Created")
        try:
            with transaction.atomic():
                change_request.save()
        except IntegrityError:
            # Two people created a CR at the same moment: take the next number.
            continue
        break
    else:
        _refuse("Could not number the change request; please try again.")
    _set_links(change_request, actor=actor, milestones=milestones, raid_items=raid_items)
    StageChange.objects.create(
        change_request=change_request,
        from_stage="",
        to_stage=Stage.DRAFT,
        transition="create",
        actor=actor,
        at=change_request.stage_changed_at,
    )
    return change_request


def _set_links(change_request, *, actor, milestones, raid_items):
    with history_context(actor=actor, reason="Links changed"):
        if milestones is not None:
            change_request.affected_milestones.set(milestones)
        if raid_items is not None:
            change_request.affected_raid_items.set(raid_items)


@transaction.atomic
def change_request_update(
    *,
    actor: User | None,
    change_request: ChangeRequest,
    expected_version: int | None = None,
    milestones=None,
    raid_items=None,
    reason: str = "",
    **fields,
) -> ChangeRequest:
    if actor is not None:
        ensure(actor, "change_request.manage", change_request)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown change-request fields: {sorted(unknown)}")
    if change_request.stage in (Stage.REJECTED, Stage.WITHDRAWN, Stage.IMPLEMENTED):
        _refuse(f"{change_request.reference} is closed; its details can no longer change.")
    claim_version(change_request, expected_version=expected_version)
    for key, value in fields.items():
        setattr(change_request, key, value)
    change_request.full_clean()
    _check_authority(
        change_request,
        list(milestones) if milestones is not None else _affected_milestones(change_request),
    )
    mark_change(change_request, actor=actor, reason=reason or "Details edited")
    change_request.save()
    _set_links(change_request, actor=actor, milestones=milestones, raid_items=raid_items)
    return change_request


# --- the lifecycle ----------------------------------------------------------------------


def _move(
    *,
    actor: User | None,
    change_request: ChangeRequest,
    name: str,
    note: str = "",
    expected_version: int | None = None,
    at=None,
) -> ChangeRequest:
    transition = TRANSITIONS[name]
    if actor is not None:
        ensure(actor, transition.action, change_request)
    claim_version(change_request, expected_version=expected_version)
    previous = ChangeRequest._base_manager.values_list("stage", flat=True).get(pk=change_request.pk)
    try:
        target = check_transition(
            name,
            previous,
            requires_impact_assessment=change_request.change_type.requires_impact_assessment,
        )
    except InvalidTransition as exc:
        raise ValidationError(str(exc)) from exc
    when = at or timezone.now()
    change_request.stage = target
    change_request.stage_changed_at = when
    change_request.full_clean()
    mark_change(change_request, actor=actor, reason=note or transition.label)
    change_request.save()
    StageChange.objects.create(
        change_request=change_request,
        from_stage=previous,
        to_stage=target,
        transition=name,
        note=note,
        actor=actor,
        at=when,
    )
    return change_request


@transaction.atomic
def change_request_raise(
    *, actor, change_request, note: str = "", expected_version: int | None = None
) -> ChangeRequest:
    if not change_request.raised_on:
        change_request.raised_on = timezone.localdate()
    return _move(
        actor=actor,
        change_request=change_request,
        name="raise",
        note=note,
        expected_version=expected_version,
    )


@transaction.atomic
def change_request_validate(
    *, actor, change_request, note: str = "", expected_version: int | None = None
) -> ChangeRequest:
    """The Change Board validated the CR for impact assessment (recorded by the PMO)."""
    return _move(
        actor=actor,
        change_request=change_request,
        name="validate",
        note=note,
        expected_version=expected_version,
    )


def ia_invitees(
    *, all_parties: bool = False, constituencies=(), market_roles=()
) -> list[Organisation]:
    """Active programme parties: all of them, or those in the constituencies / market roles."""
    parties = Organisation.objects.filter(is_programme_party=True, active=True)
    if not all_parties:
        if not constituencies and not market_roles:
            return []
        from django.db.models import Q

        parties = parties.filter(
            Q(constituency__in=list(constituencies)) | Q(market_roles__in=list(market_roles))
        ).distinct()
    return list(parties.order_by("name"))


@transaction.atomic
def change_request_issue_ia(
    *,
    actor,
    change_request: ChangeRequest,
    organisations: list[Organisation],
    deadline: date | None = None,
    opened_on: date | None = None,
    note: str = "",
    expected_version: int | None = None,
    send_emails: bool = True,
) -> ChangeRequest:
    """Open the assessment to the chosen parties (default deadline: 10 working days)."""
    opened_on = opened_on or timezone.localdate()
    deadline = deadline or add_working_days(opened_on, DEFAULT_IA_WORKING_DAYS)
    organisations = list(organisations)
    if not organisations:
        _refuse("Choose at least one party to invite.", "organisations")
    if deadline < opened_on:
        _refuse("The deadline cannot be before the assessment opens.", "deadline")
    not_parties = [o.name for o in organisations if not o.is_programme_party or not o.active]
    if not_parties:
        _refuse(
            f"Only active programme parties can be invited: {', '.join(not_parties[:5])}.",
            "organisations",
        )
    change_request.ia_opened_on = opened_on
    change_request.ia_deadline = deadline
    _move(
        actor=actor,
        change_request=change_request,
        name="issue_ia",
        note=note,
        expected_version=expected_version,
    )
    now = timezone.now()
    with history_context(actor=actor, reason=f"Invited to assess {change_request.reference}"):
        Invitation.objects.bulk_create(
            [
                Invitation(
                    change_request=change_request,
                    organisation=organisation,
                    deadline=deadline,
                    invited_at=now,
                    invited_by=actor,
                )
                for organisation in organisations
            ],
            batch_size=500,
        )
    if send_emails:
        from change_requests.tasks import send_ia_invitations

        cr_id = change_request.pk
        transaction.on_commit(lambda: send_ia_invitations.delay(cr_id))
    return change_request


@transaction.atomic
def change_request_extend_deadline(
    *,
    actor,
    change_request: ChangeRequest,
    new_deadline: date,
    reason: str,
    organisation: Organisation | None = None,
) -> DeadlineExtension:
    """Move the deadline for everyone, or for one invited party; who and why are recorded."""
    ensure(actor, "change_request.manage", change_request)
    reason = (reason or "").strip()
    if not reason:
        _refuse("Say why the deadline is extended.", "reason")
    locked = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if locked.stage != Stage.IA_OPEN:
        _refuse(
            f"{locked.reference} has no open impact assessment "
            f"(it is '{locked.get_stage_display()}')."
        )
    invitations = Invitation.objects.filter(change_request=locked)
    if organisation is not None:
        invitations = invitations.filter(organisation=organisation)
        invitation = invitations.first()
        if invitation is None:
            _refuse(f"{organisation} was not invited to assess {locked.reference}.")
        old = invitation.deadline
    else:
        old = locked.ia_deadline
    if new_deadline is None or (old is not None and new_deadline <= old):
        _refuse(f"The new deadline must be after {old:%d %b %Y}.", "new_deadline")
    with history_context(actor=actor, reason=f"Deadline extended: {reason}"):
        invitations.update(deadline=new_deadline)
        if organisation is None:
            locked.ia_deadline = new_deadline
            mark_change(locked, actor=actor, reason=f"Deadline extended: {reason}")
            claim_version(locked, expected_version=None)
            locked.save()
            change_request.ia_deadline = new_deadline
            change_request.version = locked.version
    return DeadlineExtension.objects.create(
        change_request=locked,
        organisation=organisation,
        old_deadline=old,
        new_deadline=new_deadline,
        reason=reason,
        actor=actor,
        at=timezone.now(),
    )


@transaction.atomic
def change_request_close_ia(
    *, actor, change_request, note: str = "", expected_version: int | None = None
) -> ChangeRequest:
    return _move(
        actor=actor,
        change_request=change_request,
        name="close_ia",
        note=note,
        expected_version=expected_version,
    )


@transaction.atomic
def change_request_submit_for_decision(
    *,
    actor,
    change_request,
    board_recommendation: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> ChangeRequest:
    if board_recommendation not in BoardRecommendation.values:
        _refuse(f"'{board_recommendation}' is not a Change Board recommendation.")
    change_request.board_recommendation = board_recommendation
    return _move(
        actor=actor,
        change_request=change_request,
        name="submit_for_decision",
        note=note,
        expected_version=expected_version,
    )


_OUTCOMES = {
    "approve": DecisionOutcome.APPROVED,
    "reject": DecisionOutcome.REJECTED,
    "defer": DecisionOutcome.DEFERRED,
}


@transaction.atomic
def change_request_decide(
    *,
    actor,
    change_request: ChangeRequest,
    outcome: str,
    rationale: str,
    decided_on: date,
    meeting: Meeting,
    expected_version: int | None = None,
) -> Decision:
    """The authority's decision, as a meetings.Decision the CR links to.

    Approval moves no milestone: baselines change only through change_request_rebaseline.
    """
    if outcome not in DECISION_TRANSITIONS:
        _refuse(f"'{outcome}' is not a decision; choose approve, reject or defer.", "outcome")
    rationale = (rationale or "").strip()
    if not rationale:
        _refuse("Record the rationale for the decision.", "rationale")
    if meeting is None:
        _refuse("Choose the meeting at which the decision was taken.", "meeting")
    if decided_on is None:
        _refuse("Enter the date of the decision.", "decided_on")
    _move(
        actor=actor,
        change_request=change_request,
        name=outcome,
        note=rationale,
        expected_version=expected_version,
    )
    sequence = change_request.decisions.count() + 1
    reference = f"{change_request.reference}-D{sequence}"
    verb = {"approve": "approved", "reject": "rejected", "defer": "deferred"}[outcome]
    decision = Decision(
        reference=reference,
        meeting=meeting,
        summary=f"{meeting.forum.code} {verb} {change_request.reference}: {change_request.title}",
        outcome=_OUTCOMES[outcome],
        rationale=rationale,
        decided_on=decided_on,
        decided_by=actor,
    )
    decision.full_clean()
    mark_change(decision, actor=actor, reason=f"Decision on {change_request.reference}")
    decision.save()
    with history_context(actor=actor, reason=f"Decision {reference}"):
        change_request.decisions.add(decision)
    return decision


@transaction.atomic
def change_request_withdraw(
    *, actor, change_request, reason: str, expected_version: int | None = None
) -> ChangeRequest:
    reason = (reason or "").strip()
    if not reason:
        _refuse("Say why the change request is withdrawn.", "note")
    return _move(
        actor=actor,
        change_request=change_request,
        name="withdraw",
        note=reason,
        expected_version=expected_version,
    )


@transaction.atomic
def change_request_implement(
    *, actor, change_request, note: str = "", expected_version: int | None = None
) -> ChangeRequest:
    return _move(
        actor=actor,
        change_request=change_request,
        name="implement",
        note=note,
        expected_version=expected_version,
    )


@transaction.atomic
def change_request_rebaseline(
    *,
    actor,
    change_request: ChangeRequest,
    milestone,
    baseline_date: date,
    reason: str,
    expected_version: int | None = None,
):
    """The explicit step by which an approved CR moves a linked milestone's baseline."""
    from milestones.services import milestone_rebaseline

    ensure(actor, "change_request.manage", change_request)
    if change_request.stage not in (Stage.APPROVED, Stage.IMPLEMENTED):
        _refuse(
            f"Only an approved change request moves baselines; {change_request.reference} is "
            f"'{change_request.get_stage_display()}'."
        )
    if not change_request.affected_milestones.filter(pk=milestone.pk).exists():
        _refuse(f"{milestone.reference} is not linked to {change_request.reference}.", "milestone")
    reason = (reason or "").strip()
    if not reason:
        _refuse("Say why the baseline moves.", "reason")
    return milestone_rebaseline(
        actor=actor,
        milestone=milestone,
        baseline_date=baseline_date,
        reason=f"{change_request.reference} approved: {reason}",
        expected_version=expected_version,
    )


# --- responses --------------------------------------------------------------------------

RESPONSE_FIELDS = (
    "recommendation",
    "impacted",
    "cost_impact",
    "cost_impact_text",
    "cost_estimate",
    "schedule_impact",
    "schedule_impact_text",
    "delay_days",
    "resource_impact",
    "resource_impact_text",
    "benefits",
    "concerns",
    "rationale",
    "publishable",
)


def response_window_problem(change_request: ChangeRequest, invitation, *, today=None):
    """Why a response cannot be saved now, or None when the window is open."""
    today = today or timezone.localdate()
    if invitation is None:
        return "Your organisation was not invited to assess this change request."
    if change_request.stage != Stage.IA_OPEN:
        return (
            f"The impact assessment of {change_request.reference} is not open "
            f"(the change request is '{change_request.get_stage_display()}')."
        )
    if invitation.deadline is not None and today > invitation.deadline:
        return (
            f"The deadline ({invitation.deadline:%d %b %Y}) has passed; late responses are "
            "accepted only if the PMO extends the deadline."
        )
    return None


def _validate_response_content(values: dict, *, submit: bool) -> None:
    errors = {}
    recommendation = values.get("recommendation") or ""
    if recommendation and recommendation not in Recommendation.values:
        errors["recommendation"] = "Choose Yes, No or Abstain."
    if submit and not recommendation:
        errors["recommendation"] = "Choose a recommendation before submitting."
    if (
        submit
        and recommendation in (Recommendation.NO, Recommendation.ABSTAIN)
        and not (values.get("rationale") or "").strip()
    ):
        errors["rationale"] = "A rationale is required for No and Abstain."
    estimate = values.get("cost_estimate")
    if estimate is not None and Decimal(estimate) < 0:
        errors["cost_estimate"] = "A cost estimate cannot be negative."
    if errors:
        raise ValidationError(errors)


def _hold_window_open(change_request_id: int) -> None:
    """Share-lock the CR row until commit: closing the assessment or moving the deadline (which
    lock it for update) waits for saves in flight, while 200 parties' saves never wait for each
    other. SQLite (development) serialises write transactions anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {ChangeRequest._meta.db_table} WHERE id = %s FOR SHARE",
                [change_request_id],
            )


@transaction.atomic
def response_save(
    *,
    actor: User,
    change_request: ChangeRequest,
    values: dict,
    submit: bool,
    expected_version: int | None,
    attachments=(),
    now=None,
) -> Response:
    """Save the actor's organisation's draft, or submit it.

    `expected_version` is the version the form was opened at (0: no response existed then),
    so a second tab's save after the first is refused with what changed, never lost silently.
    """
    ensure(actor, "ia.respond", change_request)
    now = now or timezone.now()
    organisation = actor.organisation
    invitation = Invitation.objects.filter(
        change_request=change_request, organisation=organisation
    ).first()
    _hold_window_open(change_request.pk)
    current = ChangeRequest.objects.get(pk=change_request.pk)
    problem = response_window_problem(current, invitation, today=timezone.localdate(now))
    if problem:
        _refuse(problem)
    unknown = set(values) - set(RESPONSE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown response fields: {sorted(unknown)}")
    submit = submit or False
    names = [validate_upload(upload) for upload in attachments]

    response = (
        Response.objects.select_for_update()
        .filter(change_request=change_request, organisation=organisation)
        .order_by("pk")
        .first()
    )
    if response is None:
        if expected_version not in (None, 0):
            _refuse("This response no longer exists; reload the page.")
        response = Response(change_request=change_request, organisation=organisation)
        is_new = True
    else:
        is_new = False
        if expected_version == 0:
            latest = response.history.order_by("-history_id").first()
            who = latest.history_user if latest is not None else None
            _refuse(
                f"{who or 'Someone from your organisation'} saved this response in another tab "
                "or window after you opened yours. Nothing of yours was saved; your entries are "
                "still in the form. Reload to see theirs, then apply your changes."
            )
        claim_version(response, expected_version=expected_version)
    submit = submit or response.status == ResponseStatus.SUBMITTED
    _validate_response_content(values, submit=submit)
    for key, value in values.items():
        setattr(response, key, value)
    response.updated_by = actor
    if submit:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = now
        response.submitted_by = actor
    response.full_clean(validate_unique=False, validate_constraints=False)
    mark_change(response, actor=actor, reason="Submitted" if submit else "Draft saved")
    if is_new:
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:
            _refuse(
                "Someone from your organisation started this response in another tab or window "
                "at the same moment. Nothing of yours was saved; reload to see theirs."
            )
    else:
        response.save()
    for upload, name in zip(attachments, names, strict=True):
        attachment = Attachment(
            response=response, name=name, size=upload.size, uploaded_by=actor, uploaded_at=now
        )
        attachment.file.save(name, upload, save=False)
        mark_change(attachment, actor=actor, reason="Attachment added")
        attachment.save()
    if submit:
        from change_requests.tasks import send_ia_receipt

        response_id = response.pk
        transaction.on_commit(lambda: send_ia_receipt.delay(response_id))
    return response


@transaction.atomic
def response_reclassify(*, actor, response: Response, counted_as: str, reason: str) -> Response:
    """PMO counts a response differently (e.g. 'not impacted' as Abstain), with a reason."""
    ensure(actor, "change_request.manage", response.change_request)
    reason = (reason or "").strip()
    if response.status != ResponseStatus.SUBMITTED:
        _refuse("Only a submitted response can be reclassified.")
    if counted_as and counted_as not in Recommendation.values:
        _refuse("Choose Yes, No or Abstain.", "counted_as")
    if not reason:
        _refuse("Record why the response is counted differently.", "reason")
    if counted_as == response.recommendation:
        counted_as = ""
    response.counted_as = counted_as
    response.reclassification_reason = reason if counted_as else ""
    claim_version(response, expected_version=None)
    mark_change(response, actor=actor, reason=f"Reclassified: {reason}")
    response.save()
    return response


@transaction.atomic
def change_request_publish_responses(*, actor, change_request) -> ChangeRequest:
    """Publishable responses become readable by everyone; confidential ones never do."""
    ensure(actor, "change_request.manage", change_request)
    if change_request.stage in (Stage.DRAFT, Stage.RAISED, Stage.VALIDATED, Stage.IA_OPEN):
        _refuse("Responses can be published once the impact assessment has closed.")
    change_request.responses_published_at = timezone.now()
    claim_version(change_request, expected_version=None)
    mark_change(change_request, actor=actor, reason="Responses published")
    change_request.save()
    return change_request


# --- the PMO's summary ------------------------------------------------------------------


SUMMARY_PARTS = (
    "objective",
    "headline",
    "support_reasons",
    "rejection_reasons",
    "abstention_notes",
    "implementation",
    "table_notes",
    "recommendation",
    "rationale",
)


@transaction.atomic
def summary_update(
    *,
    actor,
    change_request: ChangeRequest,
    expected_version: int | None = None,
    reason: str = "Summary edited",
    **parts: str,
) -> AssessmentSummary:
    """Write the PMO's words beside the computed figures: any of SUMMARY_PARTS; parts not
    given keep their text."""
    if actor is not None:
        ensure(actor, "change_request.manage", change_request)
    unknown = set(parts) - set(SUMMARY_PARTS)
    if unknown:
        raise ValidationError(f"A summary has no part called {', '.join(sorted(unknown))}.")
    summary = AssessmentSummary.objects.filter(change_request=change_request).first()
    if summary is None:
        summary = AssessmentSummary(change_request=change_request)
    else:
        claim_version(summary, expected_version=expected_version)
    for name, text in parts.items():
        setattr(summary, name, (text or "").strip())
    summary.full_clean()
    mark_change(summary, actor=actor, reason=reason)
    summary.save()
    return summary


@transaction.atomic
def view_add(
    *, actor, change_request, constituency, text: str, sentiment: str = ""
) -> ConstituencyView:
    if actor is not None:
        ensure(actor, "change_request.manage", change_request)
    text = (text or "").strip()
    if not text:
        _refuse("Write the view.", "text")
    position = (
        ConstituencyView.objects.filter(
            change_request=change_request, constituency=constituency
        ).aggregate(m=Max("position"))["m"]
        or 0
    ) + 1
    view = ConstituencyView(
        change_request=change_request,
        constituency=constituency,
        position=position,
        sentiment=sentiment or "",
        text=text,
    )
    view.full_clean()
    mark_change(view, actor=actor, reason="View added")
    view.save()
    return view


@transaction.atomic
def view_delete(*, actor, view: ConstituencyView) -> None:
    ensure(actor, "change_request.manage", view.change_request)
    mark_change(view, actor=actor, reason="View removed")
    view.delete()


@transaction.atomic
def document_add(*, actor, change_request, upload) -> Document:
    ensure(actor, "change_request.manage", change_request)
    name = validate_upload(upload)
    document = Document(
        change_request=change_request,
        name=name,
        size=upload.size,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    document.file.save(name, upload, save=False)
    mark_change(document, actor=actor, reason="Document added")
    document.save()
    return document
