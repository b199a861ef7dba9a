"""The programme's working-day calendar: weekdays that are not England & Wales bank holidays.

One calendar for every app: milestone lateness, impact-assessment deadlines and the planned
engagement forward look all ask here, so a bank holiday is a bank holiday everywhere. Bank
holidays come from the `holidays` package (UK, subdivision ENG) for 1990-2100; a date outside
those years counts as a plain weekday or weekend.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from functools import lru_cache

import holidays

FIRST_YEAR, LAST_YEAR = 1990, 2100


@lru_cache(maxsize=1)
def _calendar() -> dict[date, str]:
    return dict(holidays.UK(subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1)))


@lru_cache(maxsize=1)
def _bank_holidays() -> tuple[date, ...]:
    return tuple(sorted(_calendar()))


@lru_cache(maxsize=1)
def _weekday_bank_holidays() -> tuple[int, ...]:
    # Bank holidays on weekends are not counted twice (their substitute days are listed).
    return tuple(d.toordinal() for d in _bank_holidays() if d.weekday() < 5)


def _weekdays_through(day: date) -> int:
    """Weekdays from an arbitrary Monday epoch up to and including `day`."""
    ordinal = day.toordinal()  # ordinal 1 (0001-01-01) is a Monday
    weeks, rest = divmod(ordinal - 1, 7)
    return weeks * 5 + min(rest + 1, 5)


def bank_holiday(day: date) -> str | None:
    """The bank holiday's name (e.g. "Late Summer Bank Holiday"), or None on any other day."""
    hols = _bank_holidays()
    i = bisect_left(hols, day)
    return _calendar()[day] if i < len(hols) and hols[i] == day else None


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and bank_holiday(day) is None


@lru_cache(maxsize=65536)
def working_days_after(start: date, end: date) -> int:
    """Working days d with start < d <= end (0 when end <= start)."""
    if end <= start:
        return 0
    weekdays = _weekdays_through(end) - _weekdays_through(start)
    hols = _weekday_bank_holidays()
    return weekdays - (bisect_right(hols, end.toordinal()) - bisect_right(hols, start.toordinal()))


def working_days_until(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative if `end` is past."""
    if end < start:
        return -working_days_after(end, start)
    return working_days_after(start, end)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (days >= 0)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day
