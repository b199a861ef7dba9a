"""Reads of change requests and impact assessments, for pages, the dashboard and the pack.

The pack and the dashboard reuse these (and the partials under templates/change_requests/),
so what a page shows and what the PDF prints are the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from change_requests.lifecycle import control_columns
from change_requests.models import (
    AssessmentSummary,
    ChangeRequest,
    ConstituencyView,
    Invitation,
    Response,
    ResponseStatus,
    Stage,
    StageChange,
)
from change_requests.rollup import Answer, Invited, Rollup, compute_rollup, headline
from portal.permissions import can, ensure

# --- the register -----------------------------------------------------------------------


@dataclass(frozen=True)
class ControlRow:
    """One row of the change-control table, as the seed pack prints it."""

    pk: int
    reference: str
    title: str
    raiser: str
    change_type: str
    latest_action: str
    approval_status: str
    current_stage: str
    implementation: str
    owner: str
    stage: str
    raised_on: date | None
    # When the CR reached its current stage (from its stage changes), for "updated to".
    stage_since: date | None = None


def _implementation_label(cr: ChangeRequest) -> str:
    if cr.implementation_text:
        return cr.implementation_text
    parts = []
    if cr.implementation_milestone_id:
        parts.append(cr.implementation_milestone.reference)
    if cr.implementation_date:
        parts.append(cr.implementation_date.strftime("%d %b %Y"))
    return " – ".join(parts)


def control_row(cr: ChangeRequest) -> ControlRow:
    columns = control_columns(
        stage=cr.stage,
        board_recommendation=cr.board_recommendation,
        decision_authority=cr.decision_authority,
    )
    return ControlRow(
        pk=cr.pk,
        reference=cr.reference,
        title=cr.title,
        raiser=cr.raiser_label,
        change_type=cr.change_type.name,
        latest_action=columns.latest_action,
        approval_status=columns.approval_status,
        current_stage=columns.current_stage,
        implementation=_implementation_label(cr),
        owner=cr.owner_label,
        stage=cr.stage,
        raised_on=cr.raised_on,
        stage_since=timezone.localdate(cr.stage_changed_at) if cr.stage_changed_at else None,
    )


def _base_queryset() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.select_related(
        "change_type", "raiser", "raiser_organisation", "owner", "implementation_milestone"
    )


def three_months_before(on: date) -> date:
    """Start of the seed slide's "raised in the last three months" window."""
    return on - relativedelta(months=3)


def change_request_list(
    *,
    user,
    stage: str | None = None,
    approval_status: str | None = None,
    raiser: str = "",
    raised_from: date | None = None,
    raised_to: date | None = None,
    search: str = "",
) -> QuerySet[ChangeRequest]:
    """Filtered register. A CR whose raise date is unknown (loaded from a pack) stays in any
    date-filtered list: excluding what we cannot date would hide live CRs from the pack."""
    ensure(user, "change_request.view")
    crs = _base_queryset()
    if stage:
        crs = crs.filter(stage=stage)
    if approval_status:
        stages = [s for s in Stage if control_columns(stage=s).approval_status == approval_status]
        crs = crs.filter(stage__in=stages)
    if raiser:
        crs = crs.filter(
            Q(raiser_name__icontains=raiser)
            | Q(raiser__full_name__icontains=raiser)
            | Q(raiser_organisation__name__icontains=raiser)
            | Q(raiser_organisation_name__icontains=raiser)
        )
    if raised_from:
        crs = crs.filter(Q(raised_on__gte=raised_from) | Q(raised_on__isnull=True))
    if raised_to:
        crs = crs.filter(Q(raised_on__lte=raised_to) | Q(raised_on__isnull=True))
    if search:
        crs = crs.filter(Q(title__icontains=search) | Q(reference__iexact=search))
    return crs.order_by("number")


def change_control_rows(
    *, user=None, raised_since: date | None = None, on: date | None = None, **filters
) -> list[ControlRow]:
    """The change-control table's rows, in reference order.

    `raised_since` = "raised in the last three months" of the seed slide: pass
    three_months_before(meeting date). `user=None` is for the pack builder (system).
    """
    if user is None:
        crs = _base_queryset().order_by("number")
        if raised_since:
            crs = crs.filter(Q(raised_on__gte=raised_since) | Q(raised_on__isnull=True))
    else:
        crs = change_request_list(user=user, raised_from=raised_since, **filters)
    return [control_row(cr) for cr in crs]


def change_request_get(*, user, pk: int) -> ChangeRequest:
    cr = _base_queryset().filter(pk=pk).first()
    if cr is None:
        raise Http404("No such change request")
    ensure(user, "change_request.view", cr)
    return cr


def pipeline_counts() -> list[dict]:
    """How many CRs sit at each stage, in lifecycle order (every stage, zeros included)."""
    counts = dict(ChangeRequest.objects.values_list("stage").annotate(n=Count("pk")))
    return [{"stage": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in Stage]


def stage_changes_between(start: datetime, end: datetime) -> list[StageChange]:
    """CR lifecycle moves in [start, end): the pack's "What changed" since the last version."""
    return list(
        StageChange.objects.filter(at__gte=start, at__lt=end)
        .exclude(transition="create")
        .select_related("change_request", "actor")
        .order_by("at", "id")
    )


def timeline(cr: ChangeRequest) -> list[StageChange]:
    return list(cr.stage_changes.select_related("actor").order_by("at", "id"))


# --- the roll-up ------------------------------------------------------------------------


def _rollup_inputs(cr_ids):
    invitations = Invitation.objects.filter(change_request_id__in=cr_ids).values_list(
        "change_request_id",
        "organisation_id",
        "organisation__constituency__name",
        "organisation__constituency__position",
    )
    answers = Response.objects.filter(change_request_id__in=cr_ids).values_list(
        "change_request_id", "organisation_id", "status", "recommendation", "counted_as"
    )
    invited: dict[int, list] = {}
    for cr_id, org_id, constituency, position in invitations:
        invited.setdefault(cr_id, []).append(
            Invited(org_id, constituency or "No constituency", position or 0)
        )
    given: dict[int, list] = {}
    for cr_id, org_id, status, recommendation, counted_as in answers:
        given.setdefault(cr_id, []).append(
            Answer(org_id, status == ResponseStatus.SUBMITTED, recommendation, counted_as)
        )
    return invited, given


def ia_rollup(cr: ChangeRequest) -> Rollup:
    """Yes / No / Abstain / No reply per constituency and in total, from the database."""
    invited, given = _rollup_inputs([cr.pk])
    return compute_rollup(invited.get(cr.pk, []), given.get(cr.pk, []))


def ia_rollup_csv_rows(rollup: Rollup) -> list[tuple[str, int, int, int, int]]:
    """The roll-up in the seed's ia_summary layout (constituency, yes, no, abstain, no_reply)."""
    return [
        (row.constituency, row.yes, row.no, row.abstain, row.no_reply)
        for row in [*rollup.rows, rollup.total]
    ]


def ia_progress(cr: ChangeRequest | None = None) -> list[dict]:
    """For each open assessment (or just `cr`): submitted of invited, per constituency."""
    crs = (
        [cr]
        if cr is not None
        else list(_base_queryset().filter(stage=Stage.IA_OPEN).order_by("number"))
    )
    invited, given = _rollup_inputs([c.pk for c in crs])
    result = []
    for c in crs:
        rollup = compute_rollup(invited.get(c.pk, []), given.get(c.pk, []))
        result.append(
            {
                "change_request": c,
                "deadline": c.ia_deadline,
                "rows": [
                    {
                        "constituency": row.constituency,
                        "submitted": row.submitted,
                        "invited": row.invited,
                        "percent": row.response_percent,
                    }
                    for row in rollup.rows
                ],
                "submitted": rollup.total.submitted,
                "invited": rollup.total.invited,
                "percent": rollup.total.response_percent,
            }
        )
    return result


def ia_views(cr: ChangeRequest) -> list[dict]:
    """The PMO's range of views, grouped by constituency in table order."""
    groups: list[dict] = []
    for view in ConstituencyView.objects.filter(change_request=cr).select_related("constituency"):
        if not groups or groups[-1]["constituency"] != view.constituency:
            groups.append({"constituency": view.constituency, "views": []})
        groups[-1]["views"].append(view)
    return groups


def reclassifications(cr: ChangeRequest) -> list[Response]:
    return list(
        Response.objects.filter(change_request=cr, status=ResponseStatus.SUBMITTED)
        .exclude(counted_as="")
        .select_related("organisation", "organisation__constituency")
    )


@dataclass
class AssessmentPicture:
    change_request: ChangeRequest
    rollup: Rollup
    computed_headline: str
    summary: AssessmentSummary | None
    views: list[dict]
    reclassified: list[Response]
    abstain_rationales: list[Response]


def ia_summary(cr: ChangeRequest) -> AssessmentPicture:
    """Computed figures, the PMO's headline/recommendation, views and reclassifications."""
    rollup = ia_rollup(cr)
    abstained = [
        r
        for r in Response.objects.filter(
            change_request=cr, status=ResponseStatus.SUBMITTED
        ).select_related("organisation", "organisation__constituency")
        if r.counted_recommendation == "abstain"
    ]
    return AssessmentPicture(
        change_request=cr,
        rollup=rollup,
        computed_headline=headline(rollup.total),
        summary=AssessmentSummary.objects.filter(change_request=cr).first(),
        views=ia_views(cr),
        reclassified=reclassifications(cr),
        abstain_rationales=abstained,
    )


def change_requests_awaiting_decision() -> list[AssessmentPicture]:
    """Every CR awaiting a decision with its assessment picture (pack and dashboard)."""
    crs = _base_queryset().filter(stage=Stage.AWAITING_DECISION).order_by("number")
    return [ia_summary(cr) for cr in crs]


# --- responses --------------------------------------------------------------------------


def responses_visible_to(*, user, cr: ChangeRequest) -> list[Response]:
    """Responses the user may read, grouped later by constituency; never another org's draft."""
    responses = (
        Response.objects.filter(change_request=cr)
        .select_related("organisation", "organisation__constituency", "change_request")
        .prefetch_related("attachments")
    )
    return [r for r in responses if can(user, "ia_response.view", r)]


def responses_by_constituency(*, user, cr: ChangeRequest) -> list[dict]:
    groups: list[dict] = []
    for response in responses_visible_to(user=user, cr=cr):
        if response.status != ResponseStatus.SUBMITTED:
            continue
        name = response.organisation.constituency.name if response.organisation.constituency else ""
        if not groups or groups[-1]["constituency"] != name:
            groups.append({"constituency": name, "responses": []})
        groups[-1]["responses"].append(response)
    return groups


def response_get(*, user, pk: int) -> Response:
    """A response the user may read; anything else is a 404, so ids reveal nothing."""
    response = (
        Response.objects.select_related(
            "change_request", "organisation", "organisation__constituency", "submitted_by"
        )
        .prefetch_related("attachments")
        .filter(pk=pk)
        .first()
    )
    if response is None or not can(user, "ia_response.view", response):
        raise Http404("No such response")
    return response


def own_response(*, user, cr: ChangeRequest) -> Response | None:
    if user.organisation_id is None:
        return None
    return (
        Response.objects.filter(change_request=cr, organisation_id=user.organisation_id)
        .prefetch_related("attachments")
        .first()
    )


def own_invitation(*, user, cr: ChangeRequest) -> Invitation | None:
    if user.organisation_id is None:
        return None
    return Invitation.objects.filter(
        change_request=cr, organisation_id=user.organisation_id
    ).first()


def open_assessments_for(*, user, today: date | None = None) -> list[dict]:
    """The participant's inbox: open assessments for their organisation, soonest first."""
    if user.organisation_id is None:
        return []
    today = today or timezone.localdate()
    invitations = (
        Invitation.objects.filter(
            organisation_id=user.organisation_id, change_request__stage=Stage.IA_OPEN
        )
        .select_related("change_request")
        .order_by("deadline", "change_request__number")
    )
    statuses = dict(
        Response.objects.filter(
            organisation_id=user.organisation_id,
            change_request_id__in=[i.change_request_id for i in invitations],
        ).values_list("change_request_id", "status")
    )
    items = []
    for invitation in invitations:
        days = (invitation.deadline - today).days if invitation.deadline else None
        items.append(
            {
                "invitation": invitation,
                "change_request": invitation.change_request,
                "deadline": invitation.deadline,
                "days_left": days,
                "overdue": days is not None and days < 0,
                "status": statuses.get(invitation.change_request_id, ""),
            }
        )
    return items
