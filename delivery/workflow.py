"""The delivery report's life: a pure state machine, tested table by table.

requested -> draft -> submitted -> accepted
                         \\-> returned -> draft/submitted (again)
"""

from __future__ import annotations

from enum import StrEnum

from delivery.models import ReportStatus as S


class Step(StrEnum):
    SAVE_DRAFT = "save_draft"
    SUBMIT = "submit"
    RETURN = "return"
    ACCEPT = "accept"


TRANSITIONS: dict[tuple[str, Step], str] = {
    (S.REQUESTED, Step.SAVE_DRAFT): S.DRAFT,
    (S.DRAFT, Step.SAVE_DRAFT): S.DRAFT,
    (S.RETURNED, Step.SAVE_DRAFT): S.RETURNED,
    (S.REQUESTED, Step.SUBMIT): S.SUBMITTED,
    (S.DRAFT, Step.SUBMIT): S.SUBMITTED,
    (S.RETURNED, Step.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, Step.RETURN): S.RETURNED,
    (S.SUBMITTED, Step.ACCEPT): S.ACCEPTED,
}

_REFUSALS = {
    S.SUBMITTED: "it has been submitted and is with the PMO for review",
    S.ACCEPTED: "it has been accepted and is closed",
    S.REQUESTED: "it has not been submitted yet",
    S.DRAFT: "it has not been submitted yet",
    S.RETURNED: "it has been returned to the organisation and not resubmitted",
}


class TransitionRefused(ValueError):
    pass


def next_status(status: str, step: Step) -> str:
    """The status after `step`, or TransitionRefused with a sentence a person can act on."""
    try:
        return TRANSITIONS[(status, Step(step))]
    except KeyError:
        verb = {
            Step.SAVE_DRAFT: "edit",
            Step.SUBMIT: "submit",
            Step.RETURN: "return",
            Step.ACCEPT: "accept",
        }[Step(step)]
        raise TransitionRefused(
            f"You cannot {verb} this report: {_REFUSALS.get(status, 'its status forbids it')}."
        ) from None


def allowed_steps(status: str) -> list[Step]:
    return [step for (state, step) in TRANSITIONS if state == status]
