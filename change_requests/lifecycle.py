"""The CR state machine and the change-control columns derived from it (pure, no database).

Every allowed move is a row of TRANSITIONS: its name (the service that performs it), the
stages it starts from, the stage it reaches and the permission it needs. Anything else is
refused with a message that names the allowed moves.
"""

from __future__ import annotations

from dataclasses import dataclass

from change_requests.models import BoardRecommendation, DecisionAuthority, Stage

OPEN_STAGES = (
    Stage.DRAFT,
    Stage.RAISED,
    Stage.VALIDATED,
    Stage.IA_OPEN,
    Stage.IA_CLOSED,
    Stage.AWAITING_DECISION,
    Stage.DEFERRED,
)
# Withdrawal ends a CR at any point before a decision has been taken on it.
WITHDRAWABLE = OPEN_STAGES


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    action: str  # permission rule name


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("raise", "Raise", (Stage.DRAFT,), Stage.RAISED, "change_request.manage"),
        Transition(
            "validate",
            "Record Change Board validation",
            (Stage.RAISED,),
            Stage.VALIDATED,
            "change_request.manage",
        ),
        Transition(
            "issue_ia",
            "Issue impact assessment",
            (Stage.VALIDATED,),
            Stage.IA_OPEN,
            "change_request.manage",
        ),
        Transition(
            "close_ia",
            "Close impact assessment",
            (Stage.IA_OPEN,),
            Stage.IA_CLOSED,
            "change_request.manage",
        ),
        Transition(
            "submit_for_decision",
            "Submit for decision",
            # Fast-track and information-only CRs go to decision without an assessment.
            (Stage.VALIDATED, Stage.IA_CLOSED, Stage.DEFERRED),
            Stage.AWAITING_DECISION,
            "change_request.manage",
        ),
        Transition(
            "approve",
            "Approve",
            (Stage.AWAITING_DECISION,),
            Stage.APPROVED,
            "change_request.decide",
        ),
        Transition(
            "reject",
            "Reject",
            (Stage.AWAITING_DECISION,),
            Stage.REJECTED,
            "change_request.decide",
        ),
        Transition(
            "defer",
            "Defer",
            (Stage.AWAITING_DECISION,),
            Stage.DEFERRED,
            "change_request.decide",
        ),
        Transition("withdraw", "Withdraw", WITHDRAWABLE, Stage.WITHDRAWN, "change_request.manage"),
        Transition(
            "implement",
            "Mark implemented",
            (Stage.APPROVED,),
            Stage.IMPLEMENTED,
            "change_request.manage",
        ),
    ]
}

DECISION_TRANSITIONS = ("approve", "reject", "defer")


class InvalidTransition(ValueError):
    pass


def stage_label(stage: str) -> str:
    return Stage(stage).label


def check_transition(name: str, stage: str, *, requires_impact_assessment: bool = True) -> str:
    """The stage `name` leads to from `stage`, or InvalidTransition with a clear message."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise InvalidTransition(f"'{name}' is not a change-request action.")
    if stage not in transition.sources:
        allowed = ", ".join(t.label.lower() for t in allowed_transitions(stage)) or "nothing"
        raise InvalidTransition(
            f"A change request that is '{stage_label(stage)}' cannot be "
            f"'{transition.label.lower()}'; from this stage it can: {allowed}."
        )
    if name == "submit_for_decision" and stage == Stage.VALIDATED and requires_impact_assessment:
        raise InvalidTransition(
            "This change type needs an impact assessment before it goes to decision; "
            "issue and close the assessment first."
        )
    return transition.target


def allowed_transitions(stage: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if stage in t.sources]


AUTHORITY_SHORT = {
    DecisionAuthority.CHANGE_BOARD: "Change Board",
    DecisionAuthority.PSG_SRO: "PSG",
    DecisionAuthority.SPONSOR: "Sponsor",
}


# When the columns do not say who decides, PSG/SRO is the usual authority.
AUTHORITY_PREFERENCE = (
    DecisionAuthority.PSG_SRO,
    DecisionAuthority.CHANGE_BOARD,
    DecisionAuthority.SPONSOR,
)


@dataclass(frozen=True)
class ControlColumns:
    latest_action: str
    approval_status: str
    current_stage: str


def control_columns(
    *, stage: str, board_recommendation: str = "", decision_authority: str = ""
) -> ControlColumns:
    """The change-control table's three status columns, as the seed pack prints them.

    "Latest Action" is the Change Board's last act on the CR, "Approval Status" the
    decision so far, "Current Stage" where the CR sits in change control.
    """
    if board_recommendation == BoardRecommendation.APPROVE:
        latest = "Recommended for approval by Change Board"
    elif board_recommendation == BoardRecommendation.REJECT:
        latest = "Recommended for rejection by Change Board"
    elif stage in (Stage.DRAFT,):
        latest = "Drafted"
    elif stage == Stage.RAISED:
        latest = "Raised with Change Board"
    elif stage == Stage.WITHDRAWN:
        latest = "Withdrawn"
    else:
        latest = "Validated by Change Board for Impact Assessment"

    approval = {
        Stage.APPROVED: "Approved",
        Stage.IMPLEMENTED: "Approved",
        Stage.REJECTED: "Rejected",
        Stage.DEFERRED: "Deferred",
        Stage.WITHDRAWN: "Withdrawn",
    }.get(stage, "Open")

    authority = AUTHORITY_SHORT.get(decision_authority, "PSG")
    current = {
        Stage.DRAFT: "Draft",
        Stage.RAISED: "Awaiting Change Board validation",
        Stage.VALIDATED: "Awaiting impact assessment",
        Stage.IA_OPEN: "Impact assessment open",
        Stage.IA_CLOSED: "Impact assessment analysis",
        Stage.AWAITING_DECISION: f"Awaiting {authority} approval decision",
        Stage.APPROVED: "Implementation",
        Stage.REJECTED: "Closed",
        Stage.DEFERRED: "Deferred",
        Stage.WITHDRAWN: "Closed",
        Stage.IMPLEMENTED: "Complete",
    }[Stage(stage)]
    return ControlColumns(latest, approval, current)


def state_for_columns(
    *, latest_action: str, approval_status: str, current_stage: str
) -> tuple[str, str, str] | None:
    """Invert control_columns: the (stage, board recommendation, authority) that prints so.

    The demo loader uses this so a CR's stored state is the one whose derived columns equal
    the printed ones, never the printed text itself. Ambiguity resolves to the first match in
    lifecycle order; no match returns None.
    """
    wanted = ControlColumns(latest_action.strip(), approval_status.strip(), current_stage.strip())
    for stage in Stage:
        for recommendation in BoardRecommendation:
            for authority in AUTHORITY_PREFERENCE:
                columns = control_columns(
                    stage=stage,
                    board_recommendation=recommendation,
                    decision_authority=authority,
                )
                if columns == wanted:
                    return stage.value, recommendation.value, authority.value
    return None
