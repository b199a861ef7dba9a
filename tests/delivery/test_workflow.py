import pytest

from delivery.models import ReportStatus as S
from delivery.workflow import Step, TransitionRefused, allowed_steps, next_status

ALLOWED = [
    (S.REQUESTED, Step.SAVE_DRAFT, S.DRAFT),
    (S.DRAFT, Step.SAVE_DRAFT, S.DRAFT),
    (S.RETURNED, Step.SAVE_DRAFT, S.RETURNED),
    (S.REQUESTED, Step.SUBMIT, S.SUBMITTED),
    (S.DRAFT, Step.SUBMIT, S.SUBMITTED),
    (S.RETURNED, Step.SUBMIT, S.SUBMITTED),
    (S.SUBMITTED, Step.RETURN, S.RETURNED),
    (S.SUBMITTED, Step.ACCEPT, S.ACCEPTED),
]
REFUSED = [
    (S.SUBMITTED, Step.SAVE_DRAFT, "with the PMO"),
    (S.ACCEPTED, Step.SAVE_DRAFT, "accepted and is closed"),
    (S.ACCEPTED, Step.SUBMIT, "accepted"),
    (S.SUBMITTED, Step.SUBMIT, "with the PMO"),
    (S.DRAFT, Step.ACCEPT, "not been submitted"),
    (S.REQUESTED, Step.RETURN, "not been submitted"),
    (S.RETURNED, Step.ACCEPT, "returned"),
    (S.ACCEPTED, Step.RETURN, "accepted"),
]


@pytest.mark.parametrize(("status", "step", "after"), ALLOWED)
def test_allowed_transitions(status, step, after):
    assert next_status(status, step) == after
    assert step in allowed_steps(status)


@pytest.mark.parametrize(("status", "step", "reason"), REFUSED)
def test_refused_transitions_say_why(status, step, reason):
    with pytest.raises(TransitionRefused, match=reason):
        next_status(status, step)
    assert step not in allowed_steps(status)
