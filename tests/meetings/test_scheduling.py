"""The pure rules: agenda times, references, overdue, monthly meeting dates."""

from datetime import date, time

import pytest

from meetings.scheduling import (
    Slot,
    action_reference,
    agenda_times,
    decision_reference,
    is_overdue,
    monthly_meeting_date,
)

T = time


@pytest.mark.parametrize(
    ("start", "items", "expected"),
    [
        # The PSG 36 agenda: eight timed items and the untimed appendix line.
        (
            T(10, 0),
            [
                (5, None),
                (10, None),
                (5, None),
                (20, None),
                (15, None),
                (5, None),
                (20, None),
                (5, None),
                (None, None),
            ],
            [
                Slot(T(10, 0), T(10, 5)),
                Slot(T(10, 5), T(10, 15)),
                Slot(T(10, 15), T(10, 20)),
                Slot(T(10, 20), T(10, 40)),
                Slot(T(10, 40), T(10, 55)),
                Slot(T(10, 55), T(11, 0)),
                Slot(T(11, 0), T(11, 20)),
                Slot(T(11, 20), T(11, 25)),
                Slot(None, None),
            ],
        ),
        # An untimed line in the middle does not move the clock.
        (
            T(9, 30),
            [(30, None), (None, None), (15, None)],
            [Slot(T(9, 30), T(10, 0)), Slot(None, None), Slot(T(10, 0), T(10, 15))],
        ),
        # A fixed start after a break restarts the clock there.
        (
            T(10, 0),
            [(60, None), (30, T(11, 30)), (15, None)],
            [Slot(T(10, 0), T(11, 0)), Slot(T(11, 30), T(12, 0)), Slot(T(12, 0), T(12, 15))],
        ),
        # No meeting start: nothing is timed until a fixed start appears.
        (
            None,
            [(10, None), (10, T(14, 0)), (5, None)],
            [Slot(None, None), Slot(T(14, 0), T(14, 10)), Slot(T(14, 10), T(14, 15))],
        ),
        (T(10, 0), [], []),
    ],
)
def test_agenda_times(start, items, expected):
    assert agenda_times(start, items) == expected


def test_agenda_past_midnight_is_refused():
    with pytest.raises(ValueError, match="midnight"):
        agenda_times(T(23, 0), [(30, None), (31, None)])


@pytest.mark.parametrize(
    ("code", "number", "on", "sequence", "expected", "expected_decision"),
    [
        ("PSG", 35, date(2024, 8, 7), 1, "PSG35-01", "PSG35-D01"),
        ("PSG", 36, date(2024, 9, 4), 12, "PSG36-12", "PSG36-D12"),
        ("SITAG", None, date(2024, 8, 21), 3, "SITAG20240821-03", "SITAG20240821-D03"),
    ],
)
def test_references(code, number, on, sequence, expected, expected_decision):
    assert action_reference(code, number, on, sequence) == expected
    assert decision_reference(code, number, on, sequence) == expected_decision


@pytest.mark.parametrize(
    ("status", "due", "on", "overdue"),
    [
        ("open", date(2024, 9, 3), date(2024, 9, 4), True),
        ("ongoing", date(2024, 8, 7), date(2024, 9, 4), True),
        ("ongoing", date(2024, 9, 4), date(2024, 9, 4), False),  # due today is not late
        ("recommend_closed", date(2024, 8, 1), date(2024, 9, 4), False),
        ("closed", date(2024, 8, 1), date(2024, 9, 4), False),
        ("open", None, date(2024, 9, 4), False),
    ],
)
def test_is_overdue(status, due, on, overdue):
    assert is_overdue(status=status, due_date=due, on=on) is overdue


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (36, date(2024, 9, 4)),
        (35, date(2024, 8, 7)),  # matches meetings.csv
        (34, date(2024, 7, 3)),
        (33, date(2024, 6, 5)),
        (37, date(2024, 10, 2)),  # matches meeting.csv's next meeting
        (40, date(2025, 1, 1)),
        (24, date(2023, 9, 6)),
    ],
)
def test_monthly_meeting_date_first_wednesday(number, expected):
    assert (
        monthly_meeting_date(known_number=36, known_date=date(2024, 9, 4), number=number)
        == expected
    )


def test_monthly_meeting_date_fifth_week_falls_back_to_fourth():
    # 29 May 2024 is the fifth Wednesday; June has only four.
    assert monthly_meeting_date(known_number=1, known_date=date(2024, 5, 29), number=2) == date(
        2024, 6, 26
    )
