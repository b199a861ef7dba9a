""" "What changed since the last meeting", from each register's own history.

The window opens at the start of the previous meeting of the forum and closes when the pack
is built. Each register answers for itself through its selectors (they know which of their
records are dated in programme time, such as an action raised at a meeting or a RAID score
at the last PSG): forecast changes and snapshot RAGs from milestones, new, closed and
re-scored items from RAID, stage moves from change requests, actions opened and closed from
meetings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from dashboards.packs import sources


@dataclass
class Window:
    since: datetime
    until: datetime
    since_label: str


@dataclass
class ChangeReport:
    window: Window
    reforecasts: list = field(default_factory=list)
    rag_changes: list = field(default_factory=list)
    raid_new: list = field(default_factory=list)
    raid_closed: list = field(default_factory=list)
    raid_rescored: list = field(default_factory=list)
    cr_stage_changes: list = field(default_factory=list)
    actions_opened: list = field(default_factory=list)
    actions_closed: list = field(default_factory=list)
    rag_window: tuple | None = None

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.reforecasts,
                self.rag_changes,
                self.raid_new,
                self.raid_closed,
                self.raid_rescored,
                self.cr_stage_changes,
                self.actions_opened,
                self.actions_closed,
            )
        )


def window_for(meeting, previous, until: datetime) -> Window:
    anchor = previous or meeting
    since = timezone.make_aware(datetime.combine(anchor.date, time.min))
    label = f"{previous} ({previous.date:%d %b %Y})" if previous else f"{meeting.date:%d %b %Y}"
    # `until` is exclusive in the registers' selectors; a change made this instant counts.
    return Window(since, until + timedelta(microseconds=1), label)


def _milestones(report: ChangeReport, window: Window) -> None:
    if not sources.provides("milestones.selectors", "reforecasts_between"):
        return
    from milestones.models import Snapshot
    from milestones.selectors import reforecasts_between

    # Several reforecasts of one milestone in the window read as one move: first old date to
    # the latest new one.
    moves: dict[int, object] = {}
    for change in reforecasts_between(window.since, window.until):
        first = moves.get(change.milestone_id)
        if first is None:
            moves[change.milestone_id] = change
        else:
            first.new_date = change.new_date
            first.slip_days = (change.new_date - first.old_date).days
    report.reforecasts = sorted(
        (m for m in moves.values() if m.old_date != m.new_date),
        key=lambda c: c.milestone.reference,
    )
    if sources.provides("milestones.selectors", "rag_changes_between"):
        from milestones.selectors import rag_changes_between

        snapshots = Snapshot.objects.filter(taken_on__lte=window.until.date())
        older = snapshots.filter(taken_on__lte=window.since.date()).order_by("-taken_on").first()
        if older is None:
            older = snapshots.filter(taken_on__gt=window.since.date()).order_by("taken_on").first()
        newer = snapshots.order_by("-taken_on").first()
        if older is not None and newer is not None and older.pk != newer.pk:
            report.rag_changes = rag_changes_between(older, newer)
            report.rag_window = (older.taken_on, newer.taken_on)


def _raid(report: ChangeReport, window: Window, *, reader) -> None:
    if not sources.provides("raid.selectors", "changes_between"):
        return
    from raid.selectors import changes_between

    found = changes_between(user=reader, start=window.since, end=window.until)
    report.raid_new = found.new
    report.raid_closed = found.closed
    report.raid_rescored = found.rescored


def _change_requests(report: ChangeReport, window: Window) -> None:
    if not sources.provides("change_requests.selectors", "stage_changes_between"):
        return
    from change_requests.selectors import stage_changes_between

    report.cr_stage_changes = stage_changes_between(window.since, window.until)


def _actions(report: ChangeReport, window: Window, meeting) -> None:
    from meetings.selectors import actions_closed_between, actions_opened_between

    forum = meeting.forum.code
    report.actions_opened = actions_opened_between(window.since, window.until, forum_code=forum)
    report.actions_closed = actions_closed_between(window.since, window.until, forum_code=forum)


def change_report(meeting, *, previous, until: datetime, reader) -> ChangeReport:
    """`reader` is whose clearance the list is for (Restricted RAID items or not)."""
    window = window_for(meeting, previous, until)
    report = ChangeReport(window)
    _milestones(report, window)
    _raid(report, window, reader=reader)
    _change_requests(report, window)
    _actions(report, window, meeting)
    return report
