"""Writes to meetings: atomic, validated, recorded, and checked against the editor's version.

Every write takes `actor` (None for the programme loader and system jobs, which skip the
permission check) and, for edits of an existing record, `expected_version` (None skips the
concurrency check; forms always send it).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Decision,
    Meeting,
    MeetingStatus,
    NarrativeSection,
    NarrativeStatus,
)
from meetings.scheduling import action_reference, agenda_times, decision_reference
from portal.concurrency import claim_version
from portal.history import history_context, mark_change
from portal.models import Forum, Organisation, User
from portal.permissions import ensure


def _check(actor, action: str, obj=None) -> None:
    if actor is not None:
        ensure(actor, action, obj)


def _save(instance, *, actor, reason: str = "") -> None:
    instance.full_clean()
    mark_change(instance, actor=actor, reason=reason)
    instance.save()


# Meetings ------------------------------------------------------------------------------------


@transaction.atomic
def meeting_upsert(
    *,
    actor=None,
    forum: Forum,
    date: date,
    number: int | None = None,
    start_time: time | None = None,
    title: str = "",
) -> Meeting:
    """One meeting per forum and number (or, when unnumbered, per forum and day)."""
    lookup = {"forum": forum, "number": number} if number else {"forum": forum, "date": date}
    meeting = Meeting.objects.filter(**lookup).first() or Meeting(**lookup)
    values = {"date": date, "start_time": start_time, "title": title}
    if meeting.pk and all(getattr(meeting, k) == v for k, v in values.items()):
        return meeting
    if meeting.pk:
        claim_version(meeting, expected_version=None)
    for key, value in values.items():
        setattr(meeting, key, value)
    meeting.full_clean()
    mark_change(meeting, actor=actor)
    meeting.save()
    return meeting


def next_meeting_number(forum: Forum) -> int | None:
    """The number after the forum's highest, or None for a forum whose meetings are unnumbered."""
    highest = Meeting.objects.filter(forum=forum).aggregate(n=Max("number"))["n"]
    return highest + 1 if highest else None


@transaction.atomic
def meeting_open(
    *,
    actor: User | None,
    forum: Forum,
    date: date,
    start_time: time | None,
    number: int | None = None,
    title: str = "",
    location: str = "",
    link: str = "",
    copy_agenda: bool = True,
) -> Meeting:
    """A new meeting of a forum, with a draft agenda copied from the forum's last meeting.

    The copy keeps the structure (labels, titles, objectives, types, leads, durations); the
    open actions of earlier meetings need no copying: they carry forward by themselves
    (see selectors.meeting_action_rows).
    """
    _check(actor, "meeting.edit")
    if number is None:
        number = next_meeting_number(forum)
    meeting = Meeting(
        forum=forum,
        number=number,
        date=date,
        start_time=start_time,
        title=title or (f"{forum.name} #{number}" if number else forum.name),
        location=location,
        link=link,
    )
    try:
        meeting.full_clean()
    except ValidationError as error:
        # The unique constraints name fields the form may not show; say it plainly.
        if "__all__" in error.message_dict:
            raise ValidationError(
                f"{forum.code} already has a meeting with that number or on that day."
            ) from error
        raise
    mark_change(meeting, actor=actor, reason="Meeting opened")
    meeting.save()
    if copy_agenda:
        previous = (
            Meeting.objects.filter(forum=forum, date__lt=date, agenda_items__isnull=False)
            .order_by("-date")
            .first()
        )
        if previous is not None:
            copies = [
                AgendaItem(
                    meeting=meeting,
                    position=item.position,
                    label=item.label,
                    title=item.title,
                    objective=item.objective,
                    item_type=item.item_type,
                    leads=item.leads,
                    duration_minutes=item.duration_minutes,
                    fixed_start=item.fixed_start,
                )
                for item in previous.agenda_items.order_by("position")
            ]
            with history_context(actor=actor, reason=f"Draft agenda copied from {previous}"):
                AgendaItem.objects.bulk_create(copies)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: User | None,
    meeting: Meeting,
    expected_version: int | None,
    date: date,
    start_time: time | None,
    number: int | None,
    title: str,
    status: str,
    location: str = "",
    link: str = "",
    other_attendees: str = "",
    attendees: list[User] | None = None,
    reason: str = "",
) -> Meeting:
    _check(actor, "meeting.edit", meeting)
    claim_version(meeting, expected_version=expected_version)
    meeting.date, meeting.start_time, meeting.number = date, start_time, number
    meeting.title, meeting.status = title, status
    meeting.location, meeting.link, meeting.other_attendees = location, link, other_attendees
    _validate_agenda_fits(meeting)
    _save(meeting, actor=actor, reason=reason)
    if attendees is not None:
        with history_context(actor=actor, reason=reason):
            meeting.attendees.set(attendees)
    return meeting


def meeting_set_status(*, actor=None, meeting: Meeting, status: MeetingStatus) -> Meeting:
    """Used by the loader and by the pack when papers are published."""
    if meeting.status == status:
        return meeting
    claim_version(meeting, expected_version=None)
    meeting.status = status
    _save(meeting, actor=actor, reason=f"Status: {MeetingStatus(status).label}")
    return meeting


# Agenda --------------------------------------------------------------------------------------


def _validate_agenda_fits(meeting: Meeting, replacing: AgendaItem | None = None) -> None:
    """The agenda's computed times must stay within the day."""
    items = [
        i
        for i in meeting.agenda_items.order_by("position")
        if i.pk != getattr(replacing, "pk", None)
    ]
    if replacing is not None:
        items.append(replacing)
        items.sort(key=lambda i: i.position)
    try:
        agenda_times(meeting.start_time, [(i.duration_minutes, i.fixed_start) for i in items])
    except ValueError as error:
        raise ValidationError(f"{error}: shorten an item or start earlier.") from error


@transaction.atomic
def agenda_item_create(
    *,
    actor: User | None,
    meeting: Meeting,
    label: str,
    title: str,
    objective: str = "",
    item_type: str = "",
    leads: str = "",
    duration_minutes: int | None = None,
    fixed_start: time | None = None,
) -> AgendaItem:
    """A new item at the end of the agenda."""
    _check(actor, "meeting.edit", meeting)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    last = meeting.agenda_items.aggregate(n=Max("position"))["n"] or 0
    item = AgendaItem(
        meeting=meeting,
        position=last + 1,
        label=label,
        title=title,
        objective=objective,
        item_type=item_type,
        leads=leads,
        duration_minutes=duration_minutes,
        fixed_start=fixed_start,
    )
    _validate_agenda_fits(meeting, replacing=item)
    _save(item, actor=actor, reason="Agenda item added")
    return item


@transaction.atomic
def agenda_item_update(
    *,
    actor: User | None,
    item: AgendaItem,
    expected_version: int | None,
    label: str,
    title: str,
    objective: str,
    item_type: str,
    leads: str,
    duration_minutes: int | None,
    fixed_start: time | None,
    reason: str = "",
) -> AgendaItem:
    _check(actor, "meeting.edit", item.meeting)
    claim_version(item, expected_version=expected_version)
    item.label, item.title, item.objective = label, title, objective
    item.item_type, item.leads = item_type, leads
    item.duration_minutes, item.fixed_start = duration_minutes, fixed_start
    _validate_agenda_fits(item.meeting, replacing=item)
    _save(item, actor=actor, reason=reason)
    return item


@transaction.atomic
def agenda_item_move(*, actor: User | None, item: AgendaItem, up: bool) -> AgendaItem:
    """Swap the item with its neighbour above (or below); at either end nothing changes."""
    _check(actor, "meeting.edit", item.meeting)
    siblings = AgendaItem.objects.select_for_update().filter(meeting=item.meeting)
    neighbour = (
        siblings.filter(position__lt=item.position).order_by("-position").first()
        if up
        else siblings.filter(position__gt=item.position).order_by("position").first()
    )
    if neighbour is None:
        return item
    mine, theirs = item.position, neighbour.position
    # The unique position constraint is checked per row, so park one item first.
    parked = (
        AgendaItem.objects.filter(meeting=item.meeting).aggregate(n=Max("position"))["n"] or 0
    ) + 1
    for instance, position in ((item, parked), (neighbour, mine), (item, theirs)):
        claim_version(instance, expected_version=None)
        instance.position = position
        mark_change(instance, actor=actor, reason="Agenda reordered")
        instance.save()
    _validate_agenda_fits(item.meeting)
    return item


@transaction.atomic
def agenda_item_delete(*, actor: User | None, item: AgendaItem) -> None:
    _check(actor, "meeting.edit", item.meeting)
    mark_change(item, actor=actor, reason="Agenda item removed")
    item.delete()


@transaction.atomic
def agenda_item_upsert(
    *,
    meeting: Meeting,
    position: int,
    label: str,
    title: str,
    objective: str,
    item_type: str,
    leads: str,
    duration_minutes: int | None,
    fixed_start: time | None,
) -> AgendaItem:
    """For loaders: the item at `position` of the meeting, saved only when it changed."""
    item = AgendaItem.objects.filter(meeting=meeting, position=position).first()
    values = {
        "label": label,
        "title": title,
        "objective": objective,
        "item_type": item_type,
        "leads": leads,
        "duration_minutes": duration_minutes,
        "fixed_start": fixed_start,
    }
    if item is not None and all(getattr(item, k) == v for k, v in values.items()):
        return item
    if item is None:
        item = AgendaItem(meeting=meeting, position=position)
    else:
        claim_version(item, expected_version=None)
    for key, value in values.items():
        setattr(item, key, value)
    _save(item, actor=None)
    return item


# Actions -------------------------------------------------------------------------------------

ACTION_REF = re.compile(r"^(?P<forum>[A-Za-z]+)(?P<number>\d+)-(?P<sequence>\d+)$")


def _owner_check(owner_user, owner_organisation, owner_text) -> None:
    if owner_user is None and owner_organisation is None and not (owner_text or "").strip():
        raise ValidationError("An action needs an owner: a person, an organisation or a name.")


def _apply_status(action: Action, status: str, *, at: datetime | None = None) -> None:
    if status == ActionStatus.CLOSED and action.status != ActionStatus.CLOSED:
        action.closed_at = at or timezone.now()
    elif status != ActionStatus.CLOSED:
        action.closed_at = None
    action.status = status


@transaction.atomic
def action_raise(
    *,
    actor: User | None,
    meeting: Meeting,
    description: str,
    owner_user: User | None = None,
    owner_organisation: Organisation | None = None,
    owner_text: str = "",
    due_date: date | None = None,
    status: str = ActionStatus.OPEN,
    latest_update: str = "",
    sequence: int | None = None,
    opened_at: datetime | None = None,
) -> Action:
    """A new action of `meeting`; the portal assigns the next reference (PSG36-01, -02...)."""
    _check(actor, "meeting.action_edit")
    _owner_check(owner_user, owner_organisation, owner_text)
    # Serialise reference assignment per meeting: two PMO users raising actions at once.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if sequence is None:
        sequence = (meeting.actions.aggregate(n=Max("sequence"))["n"] or 0) + 1
    action = Action(
        meeting=meeting,
        sequence=sequence,
        reference=action_reference(meeting.forum.code, meeting.number, meeting.date, sequence),
        description=description,
        owner_user=owner_user,
        owner_organisation=owner_organisation,
        owner_text=owner_text,
        due_date=due_date,
        latest_update=latest_update,
        opened_at=opened_at or timezone.now(),
    )
    _apply_status(action, status, at=opened_at)
    _save(action, actor=actor, reason="Action raised")
    return action


@transaction.atomic
def action_update(
    *,
    actor: User | None,
    action: Action,
    expected_version: int | None,
    description: str,
    owner_user: User | None,
    owner_organisation: Organisation | None,
    owner_text: str,
    due_date: date | None,
    status: str,
    latest_update: str,
    reason: str = "",
) -> Action:
    _check(actor, "meeting.action_edit", action)
    _owner_check(owner_user, owner_organisation, owner_text)
    claim_version(action, expected_version=expected_version)
    action.description = description
    action.owner_user, action.owner_organisation = owner_user, owner_organisation
    action.owner_text, action.due_date = owner_text, due_date
    action.latest_update = latest_update
    _apply_status(action, status)
    _save(action, actor=actor, reason=reason)
    return action


@transaction.atomic
def action_record_progress(
    *,
    actor: User | None,
    action: Action,
    expected_version: int | None,
    status: str,
    latest_update: str,
) -> Action:
    """The inline edit on a meeting's actions log: a new status and latest update.

    Earlier updates are not lost: each one is a history record of the action.
    """
    _check(actor, "meeting.action_edit", action)
    claim_version(action, expected_version=expected_version)
    action.latest_update = latest_update
    _apply_status(action, status)
    _save(action, actor=actor, reason="Progress update")
    return action


@transaction.atomic
def action_upsert_by_reference(
    *,
    reference: str,
    description: str,
    owner_organisation: Organisation | None,
    owner_text: str,
    due_date: date | None,
    status: str,
    latest_update: str,
) -> Action:
    """For loaders: an action named by its printed reference (its meeting must exist)."""
    match = ACTION_REF.match(reference)
    if match is None:
        raise ValidationError(f"'{reference}' is not an action reference like PSG35-01")
    meeting = Meeting.objects.select_related("forum").get(
        forum__code=match["forum"].upper(), number=int(match["number"])
    )
    sequence = int(match["sequence"])
    action = Action.objects.filter(meeting=meeting, sequence=sequence).first()
    opened_at = timezone.make_aware(
        datetime.combine(meeting.date, meeting.start_time or time(0, 0))
    )
    if action is None:
        return action_raise(
            actor=None,
            meeting=meeting,
            description=description,
            owner_organisation=owner_organisation,
            owner_text=owner_text,
            due_date=due_date,
            status=status,
            latest_update=latest_update,
            sequence=sequence,
            opened_at=opened_at,
        )
    values = {
        "description": description,
        "owner_organisation": owner_organisation,
        "owner_text": owner_text,
        "due_date": due_date,
        "status": status,
        "latest_update": latest_update,
    }
    if all(getattr(action, k) == v for k, v in values.items()):
        return action
    return action_update(
        actor=None,
        action=action,
        expected_version=None,
        owner_user=action.owner_user,
        **values,
    )


# Decisions -----------------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    actor: User | None,
    meeting: Meeting,
    summary: str,
    outcome: str,
    rationale: str = "",
    decided_on: date | None = None,
    decided_by: User | None = None,
    reference: str = "",
) -> Decision:
    """A decision of `meeting`; without a reference the portal assigns PSG36-D01, -D02..."""
    _check(actor, "meeting.decision_edit")
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if not reference:
        taken = set(Decision.objects.filter(meeting=meeting).values_list("reference", flat=True))
        sequence = 1
        while True:
            reference = decision_reference(
                meeting.forum.code, meeting.number, meeting.date, sequence
            )
            if reference not in taken and not Decision.objects.filter(reference=reference).exists():
                break
            sequence += 1
    decision = Decision(
        reference=reference,
        meeting=meeting,
        summary=summary,
        outcome=outcome,
        rationale=rationale,
        decided_on=decided_on or meeting.date,
        decided_by=decided_by,
    )
    _save(decision, actor=actor, reason="Decision recorded")
    return decision


@transaction.atomic
def decision_update(
    *,
    actor: User | None,
    decision: Decision,
    expected_version: int | None,
    summary: str,
    outcome: str,
    rationale: str,
    decided_on: date,
    decided_by: User | None,
    reason: str = "",
) -> Decision:
    _check(actor, "meeting.decision_edit", decision)
    claim_version(decision, expected_version=expected_version)
    decision.summary, decision.outcome, decision.rationale = summary, outcome, rationale
    decision.decided_on, decision.decided_by = decided_on, decided_by
    _save(decision, actor=actor, reason=reason)
    return decision


# Narrative -----------------------------------------------------------------------------------


@transaction.atomic
def narrative_section_create(
    *,
    actor: User | None,
    meeting: Meeting,
    key: str,
    title: str,
    body: str = "",
    agenda_item: AgendaItem | None = None,
    contributor: Organisation | None = None,
    position: int | None = None,
) -> NarrativeSection:
    """A draft section; inviting `contributor` lets that organisation write it until published."""
    _check(actor, "meeting.narrative_manage")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError("The agenda item belongs to another meeting.")
    if position is None:
        position = (meeting.narrative_sections.aggregate(n=Max("position"))["n"] or 0) + 1
    section = NarrativeSection(
        meeting=meeting,
        key=key,
        title=title,
        body=body,
        agenda_item=agenda_item,
        contributor=contributor,
        position=position,
    )
    try:
        section.full_clean()
    except ValidationError as error:
        if "__all__" in error.message_dict:
            raise ValidationError(f"This meeting already has a section named '{key}'.") from error
        raise
    mark_change(section, actor=actor, reason="Section created")
    section.save()
    return section


@transaction.atomic
def narrative_section_write(
    *,
    actor: User | None,
    section: NarrativeSection,
    expected_version: int | None,
    body: str,
) -> NarrativeSection:
    """New Markdown for the section (PMO, or the invited organisation while it is a draft)."""
    _check(actor, "meeting.narrative_write", section)
    claim_version(section, expected_version=expected_version)
    section.body = body
    _save(section, actor=actor, reason="Text edited")
    return section


@transaction.atomic
def narrative_section_configure(
    *,
    actor: User | None,
    section: NarrativeSection,
    expected_version: int | None,
    title: str,
    agenda_item: AgendaItem | None,
    contributor: Organisation | None,
    position: int,
    status: str,
    body: str,
) -> NarrativeSection:
    """PMO's full edit: title, placement, invitation, publication and text."""
    _check(actor, "meeting.narrative_manage", section)
    if agenda_item is not None and agenda_item.meeting_id != section.meeting_id:
        raise ValidationError("The agenda item belongs to another meeting.")
    claim_version(section, expected_version=expected_version)
    section.title, section.agenda_item, section.contributor = title, agenda_item, contributor
    section.position, section.status, section.body = position, status, body
    _save(section, actor=actor)
    return section


@transaction.atomic
def narrative_section_upsert(
    *,
    meeting: Meeting,
    key: str,
    title: str,
    body: str,
    position: int,
    agenda_item: AgendaItem | None,
    status: str = NarrativeStatus.PUBLISHED,
) -> NarrativeSection:
    """For loaders: the section `key` of the meeting, saved only when it changed."""
    section = NarrativeSection.objects.filter(meeting=meeting, key=key).first()
    values = {
        "title": title,
        "body": body,
        "position": position,
        "agenda_item": agenda_item,
        "status": status,
    }
    if section is not None and all(getattr(section, k) == v for k, v in values.items()):
        return section
    if section is None:
        section = NarrativeSection(meeting=meeting, key=key)
    else:
        claim_version(section, expected_version=None)
    for k, v in values.items():
        setattr(section, k, v)
    _save(section, actor=None)
    return section
