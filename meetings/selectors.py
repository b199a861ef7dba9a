"""Reads of meetings, with the joins every page and the pack need.

The pack builder (dashboards) reads a meeting through these functions and renders the same
partials as the meeting page (templates/meetings/_agenda_table.html, _actions_table.html,
_decisions_table.html, _narrative.html, _forward_look.html); see each function for the
context it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.safestring import SafeString

from meetings import forward_look as forward_look_rules
from meetings.markdown import render_markdown
from meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    DatePrecision,
    Decision,
    EngagementCategory,
    EngagementEvent,
    EngagementStatus,
    Meeting,
    MeetingStatus,
    NarrativeSection,
    NarrativeStatus,
)
from meetings.scheduling import agenda_times, is_overdue
from portal.models import User
from portal.permissions import can
from portal.working_days import bank_holiday

STEERING_FORUM = "PSG"


def meeting_list(*, forum_code: str | None = None) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("forum")
    if forum_code:
        meetings = meetings.filter(forum__code=forum_code)
    return meetings.order_by("date", "start_time")


def last_meeting_before(on: date, *, forum_code: str = STEERING_FORUM) -> Meeting | None:
    """The latest meeting of the forum strictly before `on` ("since the last PSG")."""
    return meeting_list(forum_code=forum_code).filter(date__lt=on).order_by("-date").first()


def next_meeting_on_or_after(on: date, *, forum_code: str = STEERING_FORUM) -> Meeting | None:
    """The first meeting of the forum on or after `on` (the "forecast" date)."""
    return meeting_list(forum_code=forum_code).filter(date__gte=on).first()


def upcoming_meetings(*, today: date, limit: int = 5) -> list[Meeting]:
    return list(meeting_list().filter(date__gte=today)[:limit])


def meeting_get(*, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("forum").prefetch_related(
            Prefetch(
                "attendees",
                queryset=User.objects.select_related("organisation").order_by("full_name"),
            )
        ),
        pk=pk,
    )


def meeting_by_name(short_name: str) -> Meeting | None:
    """'PSG 36' -> that meeting, or None."""
    code, _, number = short_name.strip().rpartition(" ")
    if not code or not number.isdigit():
        return None
    return meeting_list(forum_code=code).filter(number=int(number)).first()


def meeting_starts_at(meeting: Meeting) -> datetime:
    """The meeting's start as an aware datetime (midnight when no time is set)."""
    return timezone.make_aware(datetime.combine(meeting.date, meeting.start_time or time(0, 0)))


# Agenda --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    start: time | None
    end: time | None


def agenda_rows(meeting: Meeting) -> list[AgendaRow]:
    """The meeting's agenda in order, each item with its computed start and end.

    Context for `_agenda_table.html`: `agenda_rows` (this list); optionally `meeting` and
    `page_targets` (a dict of item pk -> anchor id) for the pack's page numbers.
    """
    items = list(meeting.agenda_items.order_by("position"))
    slots = agenda_times(meeting.start_time, [(i.duration_minutes, i.fixed_start) for i in items])
    return [AgendaRow(item, slot.start, slot.end) for item, slot in zip(items, slots, strict=True)]


# Actions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    action: Action
    carried_forward: bool
    overdue: bool


def _actions():
    return Action.objects.select_related("meeting__forum", "owner_user", "owner_organisation")


def meeting_action_rows(meeting: Meeting, *, on: date | None = None) -> list[ActionRow]:
    """The meeting's actions log: the actions raised at it and, carried forward, every action
    of an earlier meeting of the same forum that was still open at it (not closed, or closed
    on or after its date). Newest meeting first, then by reference.

    `overdue` is judged on `on` (default: the meeting's date, as the pack shows it; pages pass
    today). Context for `_actions_table.html`: `action_rows` (this list), optionally
    `editable` (PMO's inline update forms; leave it out for the PDF).
    """
    on = on or meeting.date
    actions = (
        _actions()
        .filter(meeting__forum_id=meeting.forum_id)
        .filter(
            Q(meeting=meeting)
            | (
                Q(meeting__date__lt=meeting.date)
                & (~Q(status=ActionStatus.CLOSED) | Q(closed_at__date__gte=meeting.date))
            )
        )
        .order_by("-meeting__date", "sequence")
    )
    return [
        ActionRow(
            action=action,
            carried_forward=action.meeting_id != meeting.pk,
            overdue=is_overdue(status=action.status, due_date=action.due_date, on=on),
        )
        for action in actions
    ]


def action_get(*, pk: int) -> Action:
    return get_object_or_404(_actions(), pk=pk)


def action_list(
    *,
    forum_code: str | None = None,
    status: str | None = None,
    overdue_on: date | None = None,
    open_only: bool = False,
) -> QuerySet[Action]:
    actions = _actions().order_by("-meeting__date", "sequence")
    if forum_code:
        actions = actions.filter(meeting__forum__code=forum_code)
    if status:
        actions = actions.filter(status=status)
    if open_only:
        actions = actions.exclude(status=ActionStatus.CLOSED)
    if overdue_on is not None:
        actions = actions.filter(
            status__in=[ActionStatus.OPEN, ActionStatus.ONGOING], due_date__lt=overdue_on
        )
    return actions


def actions_opened_between(start: datetime, end: datetime, *, forum_code: str | None = None):
    """Actions raised in [start, end) (for the pack's "What changed"), oldest first."""
    actions = _actions().filter(opened_at__gte=start, opened_at__lt=end)
    if forum_code:
        actions = actions.filter(meeting__forum__code=forum_code)
    return list(actions.order_by("opened_at", "reference"))


def actions_closed_between(start: datetime, end: datetime, *, forum_code: str | None = None):
    """Actions closed in [start, end) and still closed now, oldest closure first."""
    actions = _actions().filter(status=ActionStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)
    if forum_code:
        actions = actions.filter(meeting__forum__code=forum_code)
    return list(actions.order_by("closed_at", "reference"))


def open_actions_for(user, *, limit: int = 20) -> list[Action]:
    """Actions not closed that the user owns, or that the user's organisation owns."""
    owned = Q(owner_user=user)
    if user.organisation_id:
        owned |= Q(owner_organisation_id=user.organisation_id)
    return list(
        _actions().filter(owned).exclude(status=ActionStatus.CLOSED).order_by("due_date")[:limit]
    )


# Decisions -----------------------------------------------------------------------------------


def meeting_decisions(meeting: Meeting) -> list[Decision]:
    """The decisions taken at the meeting. Context for `_decisions_table.html`: `decisions`."""
    return list(
        Decision.objects.filter(meeting=meeting)
        .select_related("meeting__forum", "decided_by")
        .order_by("decided_on", "reference")
    )


def decision_get(*, pk: int) -> Decision:
    return get_object_or_404(Decision.objects.select_related("meeting__forum", "decided_by"), pk=pk)


# Narrative -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NarrativeBlock:
    section: NarrativeSection
    html: SafeString


def narrative_blocks(
    meeting: Meeting, *, user=None, keys: list[str] | None = None
) -> list[NarrativeBlock]:
    """The meeting's narrative sections with their sanitised HTML, in order.

    With no `user` (the pack) only published sections; with a user, also the drafts that user
    may read (PMO: all; an invited organisation: its own). `keys` picks sections by key.
    Context for `_narrative.html`: `narrative_blocks` (this list).
    """
    sections = NarrativeSection.objects.filter(meeting=meeting).select_related(
        "agenda_item", "contributor"
    )
    if keys is not None:
        sections = sections.filter(key__in=keys)
    blocks = []
    for section in sections.order_by("position", "key"):
        visible = section.status == NarrativeStatus.PUBLISHED or (
            user is not None and can(user, "meeting.narrative_view", section)
        )
        if visible:
            blocks.append(NarrativeBlock(section, render_markdown(section.body)))
    return blocks


def narrative_section_get(*, pk: int) -> NarrativeSection:
    return get_object_or_404(
        NarrativeSection.objects.select_related("meeting__forum", "agenda_item", "contributor"),
        pk=pk,
    )


def sections_invited_for(user) -> list[NarrativeSection]:
    """Draft sections the user's organisation was invited to write and the user may write."""
    if not user.organisation_id:
        return []
    sections = (
        NarrativeSection.objects.filter(
            contributor_id=user.organisation_id, status=NarrativeStatus.DRAFT
        )
        .select_related("meeting__forum")
        .order_by("meeting__date", "position")
    )
    return [s for s in sections if can(user, "meeting.narrative_write", s)]


# Planned engagement --------------------------------------------------------------------------

# A forum's own meeting is programme governance; its status follows the meeting's.
MEETING_CATEGORY = EngagementCategory.PROGRAMME_GOVERNANCE
_MEETING_DONE = (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED)


def _event_entry(event: EngagementEvent) -> forward_look_rules.Entry:
    with_whom = []
    if event.organisation and not forward_look_rules.named_in(event.title, event.organisation.name):
        with_whom.append(event.organisation.name)
    if event.forum and not forward_look_rules.named_in(
        event.title, event.forum.code, event.forum.name
    ):
        with_whom.append(event.forum.code)
    return forward_look_rules.Entry(
        title=event.title,
        date=event.date,
        precision=event.precision,
        end_date=event.end_date,
        category=event.category,
        category_label=event.get_category_display() if event.category else "",
        status=event.status,
        status_label=event.get_status_display(),
        purpose=event.purpose,
        with_whom=" · ".join(with_whom),
        event_id=event.pk,
    )


def _meeting_entry(meeting: Meeting) -> forward_look_rules.Entry:
    status = (
        EngagementStatus.COMPLETE if meeting.status in _MEETING_DONE else EngagementStatus.PLANNED
    )
    return forward_look_rules.Entry(
        title=str(meeting),
        date=meeting.date,
        category=MEETING_CATEGORY,
        category_label=MEETING_CATEGORY.label,
        status=status,
        status_label=status.label,
        start_time=meeting.start_time,
        meeting_id=meeting.pk,
    )


def forward_look(
    *, start: date, weeks: int = forward_look_rules.DEFAULT_WEEKS
) -> forward_look_rules.ForwardLook:
    """Engagement events and forum meetings in the `weeks` weeks from the week of `start`.

    Raises ValueError (in words) for a number of weeks the look does not offer. Context for
    `_forward_look.html`: `look` (this), optionally `note` (a closing line), `links` (link
    boxes to their pages; leave it out for the PDF) and `can_edit` (link events to their edit
    page).
    """
    window = forward_look_rules.window(start, weeks)
    events = EngagementEvent.objects.select_related("forum", "organisation").filter(
        Q(
            precision__in=[DatePrecision.DAY, DatePrecision.WEEK],
            date__gte=window.start,
            date__lte=window.end,
        )
        | Q(precision=DatePrecision.PERIOD, date__lte=window.end, end_date__gte=window.start)
    )
    # A weekend meeting still belongs to its week: read up to the last week's Sunday.
    meetings = meeting_list().filter(
        date__gte=window.start, date__lte=window.end + timedelta(days=2)
    )
    entries = [_event_entry(e) for e in events] + [_meeting_entry(m) for m in meetings]
    return forward_look_rules.build(window, entries, bank_holiday=bank_holiday)


def engagement_event_get(*, pk: int) -> EngagementEvent:
    return get_object_or_404(EngagementEvent.objects.select_related("forum", "organisation"), pk=pk)
