"""The roll-up as a pure function, table-driven."""

import pytest

from change_requests.rollup import Answer, Invited, compute_rollup, headline

A, B = "Suppliers", "DNOs"


def inv(org, constituency=A, position=1):
    return Invited(org, constituency, position)


@pytest.mark.parametrize(
    ("invited", "answers", "expected_rows", "expected_total"),
    [
        # nobody answered: everyone is No reply
        ([inv(1), inv(2)], [], [(A, 0, 0, 0, 2)], (0, 0, 0, 2)),
        # a draft is not a reply
        ([inv(1)], [Answer(1, False, "yes")], [(A, 0, 0, 0, 1)], (0, 0, 0, 1)),
        # submitted answers count by recommendation
        (
            [inv(1), inv(2), inv(3), inv(4)],
            [Answer(1, True, "yes"), Answer(2, True, "no"), Answer(3, True, "abstain")],
            [(A, 1, 1, 1, 1)],
            (1, 1, 1, 1),
        ),
        # PMO reclassification replaces the party's own recommendation
        ([inv(1)], [Answer(1, True, "yes", counted_as="abstain")], [(A, 0, 0, 1, 0)], (0, 0, 1, 0)),
        # an answer from an organisation that was not invited is not counted
        ([inv(1)], [Answer(9, True, "yes")], [(A, 0, 0, 0, 1)], (0, 0, 0, 1)),
        # constituencies come out in their position order, not input order
        (
            [inv(1, B, 5), inv(2, A, 1)],
            [Answer(1, True, "yes")],
            [(A, 0, 0, 0, 1), (B, 1, 0, 0, 0)],
            (1, 0, 0, 1),
        ),
        # nothing invited: empty table, zero totals
        ([], [], [], (0, 0, 0, 0)),
    ],
)
def test_rollup(invited, answers, expected_rows, expected_total):
    rollup = compute_rollup(invited, answers)
    assert [(r.constituency, r.yes, r.no, r.abstain, r.no_reply) for r in rollup.rows] == (
        expected_rows
    )
    total = rollup.total
    assert (total.yes, total.no, total.abstain, total.no_reply) == expected_total


@pytest.mark.parametrize(
    ("submitted", "invited", "rate", "percent"),
    [(0, 0, 0.0, 0), (1, 4, 0.25, 25), (27, 192, 27 / 192, 14), (3, 3, 1.0, 100)],
)
def test_response_rate(submitted, invited, rate, percent):
    answers = [Answer(i, True, "yes") for i in range(submitted)]
    rollup = compute_rollup([inv(i) for i in range(invited)], answers)
    assert rollup.total.response_rate == pytest.approx(rate)
    assert rollup.total.response_percent == percent


def test_headline_is_computed_from_the_totals():
    rollup = compute_rollup(
        [inv(i) for i in range(4)],
        [Answer(0, True, "yes"), Answer(1, True, "yes"), Answer(2, True, "no")],
    )
    assert headline(rollup.total) == (
        "Overall: 2 respondents supported the change; 1 respondent rejected the change; "
        "and 0 respondents abstained."
    )
