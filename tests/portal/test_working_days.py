"""The one working-day calendar (milestone lateness, IA deadlines, the engagement forward look)."""

from datetime import date

import pytest

from portal.working_days import (
    add_working_days,
    bank_holiday,
    is_working_day,
    working_days_after,
    working_days_until,
)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (date(2024, 8, 23), date(2024, 8, 27), 1),  # Fri -> Tue over Sat, Sun, bank holiday Mon
        (date(2024, 8, 23), date(2024, 8, 26), 0),  # only the weekend and the bank holiday
        (date(2024, 12, 24), date(2024, 12, 27), 1),  # Christmas and Boxing Day skipped
        (date(2024, 9, 30), date(2024, 9, 30), 0),
        (date(2024, 9, 30), date(2024, 9, 1), 0),
        (date(2024, 9, 2), date(2024, 9, 9), 5),
    ],
)
def test_working_days_after(start, end, expected):
    assert working_days_after(start, end) == expected


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # two weekends and the August bank holiday (26 Aug)
        (date(2024, 8, 19), 10, date(2024, 9, 3)),
        (date(2024, 8, 23), 1, date(2024, 8, 27)),  # bank holiday Monday
        (date(2024, 12, 24), 1, date(2024, 12, 27)),  # Christmas, Boxing Day
        (date(2024, 8, 19), 0, date(2024, 8, 19)),
    ],
)
def test_add_working_days_and_back(start, count, expected):
    assert add_working_days(start, count) == expected
    assert working_days_until(start, expected) == count
    assert working_days_until(expected, start) == -count


@pytest.mark.parametrize(
    "day, working, holiday",
    [
        (date(2024, 8, 26), False, "Late Summer Bank Holiday"),  # England & Wales
        (date(2024, 8, 5), True, None),  # Scotland's summer holiday is not one here
        (date(2024, 8, 27), True, None),
        (date(2024, 8, 31), False, None),  # a Saturday: not working, not a bank holiday
        (date(2024, 12, 25), False, "Christmas Day"),
        (date(2101, 1, 3), True, None),  # beyond the calendar's years: a plain Monday
    ],
)
def test_working_day_and_bank_holiday(day, working, holiday):
    assert is_working_day(day) is working
    assert bank_holiday(day) == holiday
