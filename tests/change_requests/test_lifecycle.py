"""The state machine: every allowed transition works through its service, every other one is
refused with a clear message and changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from change_requests import services
from change_requests.lifecycle import (
    InvalidTransition,
    check_transition,
    control_columns,
    state_for_columns,
)
from change_requests.models import DecisionAuthority, Stage, StageChange
from meetings.models import Decision
from tests.change_requests.factories import ChangeRequestFactory, change_type
from tests.factories import MeetingFactory

S = Stage
ALLOWED = {
    ("raise", S.DRAFT): S.RAISED,
    ("validate", S.RAISED): S.VALIDATED,
    ("issue_ia", S.VALIDATED): S.IA_OPEN,
    ("close_ia", S.IA_OPEN): S.IA_CLOSED,
    ("submit_for_decision", S.IA_CLOSED): S.AWAITING_DECISION,
    ("submit_for_decision", S.DEFERRED): S.AWAITING_DECISION,
    ("approve", S.AWAITING_DECISION): S.APPROVED,
    ("reject", S.AWAITING_DECISION): S.REJECTED,
    ("defer", S.AWAITING_DECISION): S.DEFERRED,
    ("implement", S.APPROVED): S.IMPLEMENTED,
    **{
        ("withdraw", s): S.WITHDRAWN
        for s in (
            S.DRAFT,
            S.RAISED,
            S.VALIDATED,
            S.IA_OPEN,
            S.IA_CLOSED,
            S.AWAITING_DECISION,
            S.DEFERRED,
        )
    },
}
NAMES = sorted({name for name, _ in ALLOWED})
CASES = [(name, stage) for name in NAMES for stage in Stage]


def _perform(name, cr, world):
    pmo, chair = world.users["pmo"], world.users["chair"]
    if name == "raise":
        return services.change_request_raise(actor=pmo, change_request=cr)
    if name == "validate":
        return services.change_request_validate(actor=pmo, change_request=cr)
    if name == "issue_ia":
        return services.change_request_issue_ia(
            actor=pmo, change_request=cr, organisations=[world.organisation], send_emails=False
        )
    if name == "close_ia":
        return services.change_request_close_ia(actor=pmo, change_request=cr)
    if name == "submit_for_decision":
        return services.change_request_submit_for_decision(actor=pmo, change_request=cr)
    if name in ("approve", "reject", "defer"):
        return services.change_request_decide(
            actor=chair,
            change_request=cr,
            outcome=name,
            rationale="Because",
            decided_on=datetime.date(2024, 9, 4),
            meeting=MeetingFactory(),
        )
    if name == "withdraw":
        return services.change_request_withdraw(actor=pmo, change_request=cr, reason="No longer")
    if name == "implement":
        return services.change_request_implement(actor=pmo, change_request=cr)
    raise AssertionError(name)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "stage"), CASES, ids=[f"{n}-from-{s.value}" for n, s in CASES])
def test_transition_table(name, stage, world):
    cr = ChangeRequestFactory(stage=stage)
    before = StageChange.objects.count()
    expected = ALLOWED.get((name, stage))
    if expected is None:
        with pytest.raises(ValidationError) as error:
            _perform(name, cr, world)
        message = str(error.value)
        assert "cannot be" in message or "needs an impact assessment" in message
        cr.refresh_from_db()
        assert cr.stage == stage
        assert StageChange.objects.count() == before
        assert not Decision.objects.exists()
    else:
        _perform(name, cr, world)
        cr.refresh_from_db()
        assert cr.stage == expected
        change = StageChange.objects.latest("id")
        assert (change.from_stage, change.to_stage, change.transition) == (stage, expected, name)
        assert cr.history.first().history_user is not None
        if name in ("approve", "reject", "defer"):
            assert (
                cr.decisions.get().outcome
                == {"approve": "approved", "reject": "rejected", "defer": "deferred"}[name]
            )


def test_every_transition_in_the_machine_is_in_the_table():
    from change_requests.lifecycle import TRANSITIONS

    machine = {(t.name, s) for t in TRANSITIONS.values() for s in t.sources}
    machine.discard(("submit_for_decision", S.VALIDATED))  # fast track only, tested below
    assert machine == set(ALLOWED)


def test_refusal_names_the_stage_and_the_allowed_moves():
    with pytest.raises(InvalidTransition) as error:
        check_transition("approve", S.DRAFT)
    message = str(error.value)
    assert "'Draft' cannot be 'approve'" in message
    assert "raise" in message and "withdraw" in message


@pytest.mark.django_db
def test_fast_track_goes_to_decision_without_assessment_but_full_ia_does_not(world):
    fast = ChangeRequestFactory(stage=S.VALIDATED, change_type=change_type("Fast Track"))
    services.change_request_submit_for_decision(actor=world.users["pmo"], change_request=fast)
    assert fast.stage == S.AWAITING_DECISION
    full = ChangeRequestFactory(stage=S.VALIDATED)
    with pytest.raises(ValidationError, match="needs an impact assessment"):
        services.change_request_submit_for_decision(actor=world.users["pmo"], change_request=full)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "authority", "allowed"),
    [
        ("chair", DecisionAuthority.PSG_SRO, True),
        ("steering", DecisionAuthority.PSG_SRO, True),
        ("pmo", DecisionAuthority.PSG_SRO, False),
        ("pmo", DecisionAuthority.CHANGE_BOARD, True),
        ("observer", DecisionAuthority.CHANGE_BOARD, False),
        ("participant", DecisionAuthority.PSG_SRO, False),
    ],
)
def test_who_decides(role, authority, allowed, world):
    cr = ChangeRequestFactory(stage=S.AWAITING_DECISION, decision_authority=authority)
    call = lambda: services.change_request_decide(  # noqa: E731
        actor=world.users[role],
        change_request=cr,
        outcome="approve",
        rationale="ok",
        decided_on=datetime.date(2024, 9, 4),
        meeting=MeetingFactory(),
    )
    if allowed:
        call()
        assert cr.stage == S.APPROVED
    else:
        with pytest.raises(PermissionDenied):
            call()
        cr.refresh_from_db()
        assert cr.stage == S.AWAITING_DECISION


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["observer", "participant", "steering", "chair"])
def test_only_pmo_moves_the_lifecycle(role, world):
    cr = ChangeRequestFactory(stage=S.DRAFT)
    with pytest.raises(PermissionDenied):
        services.change_request_raise(actor=world.users[role], change_request=cr)
    cr.refresh_from_db()
    assert cr.stage == S.DRAFT


@pytest.mark.django_db
def test_decision_needs_rationale_and_changes_nothing_without(world):
    cr = ChangeRequestFactory(stage=S.AWAITING_DECISION)
    with pytest.raises(ValidationError, match="rationale"):
        services.change_request_decide(
            actor=world.users["chair"],
            change_request=cr,
            outcome="approve",
            rationale=" ",
            decided_on=datetime.date(2024, 9, 4),
            meeting=MeetingFactory(),
        )
    cr.refresh_from_db()
    assert cr.stage == S.AWAITING_DECISION and not Decision.objects.exists()


@pytest.mark.parametrize(
    ("stage", "recommendation", "authority", "columns"),
    [
        (
            S.IMPLEMENTED,
            "approve",
            "psg_sro",
            ("Recommended for approval by Change Board", "Approved", "Complete"),
        ),
        (
            S.AWAITING_DECISION,
            "",
            "psg_sro",
            (
                "Validated by Change Board for Impact Assessment",
                "Open",
                "Awaiting PSG approval decision",
            ),
        ),
        (
            S.AWAITING_DECISION,
            "",
            "sponsor",
            (
                "Validated by Change Board for Impact Assessment",
                "Open",
                "Awaiting Sponsor approval decision",
            ),
        ),
        (
            S.RAISED,
            "",
            "psg_sro",
            ("Raised with Change Board", "Open", "Awaiting Change Board validation"),
        ),
        (
            S.IA_OPEN,
            "",
            "psg_sro",
            ("Validated by Change Board for Impact Assessment", "Open", "Impact assessment open"),
        ),
        (
            S.REJECTED,
            "reject",
            "psg_sro",
            ("Recommended for rejection by Change Board", "Rejected", "Closed"),
        ),
        (S.WITHDRAWN, "", "psg_sro", ("Withdrawn", "Withdrawn", "Closed")),
        (
            S.DEFERRED,
            "",
            "psg_sro",
            ("Validated by Change Board for Impact Assessment", "Deferred", "Deferred"),
        ),
    ],
)
def test_control_columns_derive_from_state(stage, recommendation, authority, columns):
    derived = control_columns(
        stage=stage, board_recommendation=recommendation, decision_authority=authority
    )
    assert (derived.latest_action, derived.approval_status, derived.current_stage) == columns
    back = state_for_columns(
        latest_action=columns[0], approval_status=columns[1], current_stage=columns[2]
    )
    assert (
        control_columns(stage=back[0], board_recommendation=back[1], decision_authority=back[2])
        == derived
    )


def test_unknown_columns_match_no_state():
    assert (
        state_for_columns(
            latest_action="Eaten by dog", approval_status="Open", current_stage="Complete"
        )
        is None
    )
