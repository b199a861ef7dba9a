"""The planned-engagement forward look: weeks Monday to Friday and what happens in each.

Pure rules, no database: `build` places the entries it is given (engagement events and forum
meetings, read by meetings.selectors.forward_look) on a window of weeks, and asks the
working-day calendar it is handed which days are bank holidays. An entry lands on its day,
in its week (when only the week is known), or in the list of what happens somewhere in the
period with no date fixed yet. Tested with tables of cases in tests/meetings/test_forward_look.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

DEFAULT_WEEKS = 4
MAX_WEEKS = 12
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")

# The slide's key, in its order; an entry whose source names no audience has no category.
CATEGORY_ORDER = (
    "ofgem_ipa",
    "code_bodies",
    "central_parties",
    "programme_governance",
    "change_control",
    "industry_engagement",
    "",
)
UNCATEGORISED = "Other activities"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Window:
    """`weeks` whole weeks from the Monday `start`; the look ends on the last week's Friday."""

    start: date
    weeks: int

    @property
    def end(self) -> date:
        return self.start + timedelta(weeks=self.weeks, days=-3)


def check_weeks(weeks: int) -> int:
    """`weeks`, or ValueError in words for a number of weeks the look does not offer."""
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"The forward look shows 1 to {MAX_WEEKS} weeks, not {weeks}.")
    return weeks


def window(start: date, weeks: int = DEFAULT_WEEKS) -> Window:
    """The window of `weeks` weeks from the week containing `start` (a mid-week date starts
    the look on that week's Monday)."""
    return Window(monday_of(start), check_weeks(weeks))


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]{3,}", text.lower()))


def named_in(title: str, *names: str) -> bool:
    """Whether `title` already names the party: a word (3+ letters) of any of `names` is in it.
    "Avanade weekly catch up" names "Avanade (DIP)"; "QWG" names the forum QWG."""
    words = _words(title)
    return any(words & _words(name) for name in names)


def holiday_label(name: str) -> str:
    """A bank holiday as the cell prints it: the slide says "Bank Holiday"."""
    return name if "bank holiday" in name.lower() else f"{name} (Bank Holiday)"


@dataclass(frozen=True)
class Entry:
    """One box of the look: an engagement event or a forum meeting."""

    title: str
    date: date
    precision: str = "day"  # day, week or period (as meetings.models.DatePrecision)
    end_date: date | None = None
    category: str = ""
    category_label: str = ""
    status: str = "planned"
    status_label: str = "Planned"
    purpose: str = ""
    with_whom: str = ""  # the organisation or forum, when the title does not say
    start_time: time | None = None
    event_id: int | None = None
    meeting_id: int | None = None

    @property
    def sort_key(self) -> tuple:
        return (
            self.meeting_id is None,
            self.start_time or time.max,
            CATEGORY_ORDER.index(self.category) if self.category in CATEGORY_ORDER else 99,
            self.title.lower(),
            self.event_id or self.meeting_id or 0,
        )


@dataclass
class Day:
    date: date
    holiday: str = ""
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Week:
    monday: date
    days: list[Day]
    # Entries of the week whose day is not known (or a meeting on a Saturday or Sunday).
    entries: list[Entry] = field(default_factory=list)


@dataclass
class ForwardLook:
    window: Window
    weeks: list[Week]
    # Somewhere in the period, date to be confirmed, grouped by category in the key's order.
    undated: list[tuple[str, list[Entry]]] = field(default_factory=list)

    day_names = DAYS

    @property
    def has_content(self) -> bool:
        """Whether anything happens: bank holidays alone are not a forward look."""
        return bool(self.undated) or any(
            week.entries or any(day.entries for day in week.days) for week in self.weeks
        )

    @property
    def has_week_entries(self) -> bool:
        return any(week.entries for week in self.weeks)

    def _entries(self):
        for week in self.weeks:
            yield from week.entries
            for day in week.days:
                yield from day.entries
        for _label, entries in self.undated:
            yield from entries

    @property
    def categories(self) -> list[tuple[str, str]]:
        """(value, label) of the categories the look shows, in the key's order."""
        found = {e.category: e.category_label for e in self._entries() if e.category}
        return [(c, found[c]) for c in CATEGORY_ORDER if c in found]

    @property
    def statuses(self) -> list[str]:
        """Labels of the status marks the look shows (planned boxes carry no mark)."""
        found = {e.status: e.status_label for e in self._entries() if e.status != "planned"}
        return [found[s] for s in ("to_be_arranged", "complete") if s in found]


def build(
    look_window: Window, entries: Iterable[Entry], *, bank_holiday: Callable[[date], str | None]
) -> ForwardLook:
    """Place each entry in the window; entries wholly outside it are left out."""
    weeks = []
    for index in range(look_window.weeks):
        monday = look_window.start + timedelta(weeks=index)
        days = []
        for offset in range(5):
            day = monday + timedelta(days=offset)
            name = bank_holiday(day)
            days.append(Day(day, holiday_label(name) if name else ""))
        weeks.append(Week(monday, days))
    by_monday = {week.monday: week for week in weeks}
    undated: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.precision == "period":
            end = entry.end_date or entry.date
            if entry.date <= look_window.end and end >= look_window.start:
                undated.setdefault(entry.category, []).append(entry)
            continue
        week = by_monday.get(monday_of(entry.date))
        if week is None:
            continue
        if entry.precision == "day" and entry.date.weekday() < 5:
            week.days[entry.date.weekday()].entries.append(entry)
        else:
            week.entries.append(entry)
    for week in weeks:
        week.entries.sort(key=lambda e: (e.date, e.sort_key))
        for day in week.days:
            day.entries.sort(key=lambda e: e.sort_key)
    groups = [
        (
            entries[0].category_label or UNCATEGORISED,
            sorted(entries, key=lambda e: (e.date, e.end_date or e.date, e.sort_key)),
        )
        for category in CATEGORY_ORDER
        if (entries := undated.get(category))
    ]
    return ForwardLook(look_window, weeks, groups)
