"""Pure rules of meetings: agenda times, action references, overdue flags, meeting dates.

No database access here, so each rule is tested with a plain table of cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


@dataclass(frozen=True)
class Slot:
    start: time | None
    end: time | None


def agenda_times(
    meeting_start: time | None, items: Iterable[tuple[int | None, time | None]]
) -> list[Slot]:
    """Start and end of each agenda item, in order.

    `items` are (duration in minutes, fixed start) pairs. Items follow on from one another from
    the meeting's start; an item with a fixed start (after a break) restarts the clock there.
    An item without a duration (an appendix line) is untimed and does not move the clock. With
    no meeting start and no fixed start, nothing can be timed.
    """
    clock = datetime.combine(date.min, meeting_start) if meeting_start is not None else None
    slots = []
    for duration, fixed_start in items:
        if fixed_start is not None:
            clock = datetime.combine(date.min, fixed_start)
        if duration is None or clock is None:
            slots.append(Slot(None, None))
            continue
        end = clock + timedelta(minutes=duration)
        if end.date() != date.min:
            raise ValueError("The agenda runs past midnight")
        slots.append(Slot(clock.time(), end.time()))
        clock = end
    return slots


def action_reference(
    forum_code: str, meeting_number: int | None, meeting_date: date, sequence: int
) -> str:
    """'PSG35-01': the forum, the meeting's number (or its date when unnumbered), a sequence."""
    meeting_part = str(meeting_number) if meeting_number else meeting_date.strftime("%Y%m%d")
    return f"{forum_code}{meeting_part}-{sequence:02d}"


def decision_reference(
    forum_code: str, meeting_number: int | None, meeting_date: date, sequence: int
) -> str:
    """'PSG36-D01': as actions, with a D so the two logs never share a reference."""
    meeting_part = str(meeting_number) if meeting_number else meeting_date.strftime("%Y%m%d")
    return f"{forum_code}{meeting_part}-D{sequence:02d}"


OPEN_STATUSES = frozenset({"open", "ongoing"})


def is_overdue(*, status: str, due_date: date | None, on: date) -> bool:
    """Overdue: still being worked (Open or Ongoing) and due before `on`.

    "Recommend closed" is not overdue: the owner reports it done and awaits the forum's
    agreement; "Closed" is finished.
    """
    return status in OPEN_STATUSES and due_date is not None and due_date < on


def first_weekday_of_month(year: int, month: int, weekday: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def monthly_meeting_date(*, known_number: int, known_date: date, number: int) -> date:
    """Date of meeting `number` of a forum that meets monthly on the same weekday of the same
    week as a known meeting (PSG: the first Wednesday).

    Used only where a source names a meeting but prints no date for it.
    """
    week = (known_date.day - 1) // 7
    months = known_date.year * 12 + (known_date.month - 1) + (number - known_number)
    year, month = divmod(months, 12)
    first = first_weekday_of_month(year, month + 1, known_date.weekday())
    candidate = first + timedelta(weeks=week)
    if candidate.month != month + 1:  # a fifth week that this month lacks
        candidate -= timedelta(weeks=1)
    return candidate
