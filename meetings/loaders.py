"""Meetings in a programme directory: meeting.csv (the pack's meeting and the next one),
optionally meetings.csv (other meetings of any forum); then the pack meeting's agenda.csv,
actions.csv and narrative/ sections; optionally engagement.csv (the forward look's events)."""

from __future__ import annotations

import re
from datetime import time

from meetings.engagement_services import (
    IMPORT_OPTIONAL,
    IMPORT_REQUIRED,
    engagement_events_import_rows,
)
from meetings.models import ActionStatus, AgendaItemType, Meeting, MeetingStatus
from meetings.scheduling import monthly_meeting_date
from meetings.services import (
    ACTION_REF,
    action_upsert_by_reference,
    agenda_item_upsert,
    meeting_set_status,
    meeting_upsert,
    narrative_section_upsert,
)
from portal.importing import ImportRejected, RowProblem, collect
from portal.models import Forum, Organisation
from portal.programme_loading import LoadContext, register_loader

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
ENGAGEMENT_FILE = "engagement.csv"
# The demo file carries every column, so a missing one is a mistake in the file.
ENGAGEMENT_COLUMNS = IMPORT_REQUIRED + IMPORT_OPTIONAL


def _parse_short_name(row, column: str):
    """'PSG 36' -> ('PSG', 36)."""
    value = row.text(column, required=True)
    code, _, number = value.rpartition(" ")
    if not code or not number.isdigit():
        row.problem(column, f"'{value}' is not a forum code and a number, like 'PSG 36'")
        return None, None
    return code, int(number)


def _parse_time(row, column: str):
    value = row.text(column)
    if not value:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        row.problem(column, f"'{value}' is not a time in HH:MM form")
        return None


@register_loader("meetings", order=40)
def load_meetings(context: LoadContext) -> None:
    forums = {forum.code: forum for forum in Forum.objects.all()}

    def forum_for(row, code):
        if code and code not in forums:
            row.problem("forum", f"'{code}' is not a forum code")
        return forums.get(code)

    def parse_main(row):
        code, number = _parse_short_name(row, "short_name")
        forum = forum_for(row, code) if code else None
        return {
            "forum": forum,
            "number": number,
            "date": row.date("date", required=True),
            "title": row.text("title", max_length=200),
            "next_date": row.date("next_meeting_date"),
        }

    mains = collect(
        context.rows("meeting.csv", required=["short_name", "title", "date", "next_meeting_date"]),
        parse_main,
    )
    if len(mains) != 1:
        raise ImportRejected([RowProblem("meeting.csv", 0, "", "must hold exactly one meeting")])
    main = mains[0]
    meeting_upsert(
        forum=main["forum"],
        number=main["number"],
        date=main["date"],
        start_time=time(10, 0),
        title=main["title"],
    )
    count = 1
    if main["next_date"]:
        meeting_upsert(
            forum=main["forum"],
            number=main["number"] + 1,
            date=main["next_date"],
            start_time=time(10, 0),
            title=f"{main['forum'].name} #{main['number'] + 1}",
        )
        count += 1

    if context.has("meetings.csv"):

        def parse_other(row):
            return {
                "forum": forum_for(row, row.text("forum", required=True)),
                "number": row.integer("number", minimum=1),
                "date": row.date("date", required=True),
                "start_time": _parse_time(row, "start"),
                "title": row.text("title", max_length=200),
            }

        others = collect(
            context.rows("meetings.csv", required=["forum", "number", "date", "start", "title"]),
            parse_other,
        )
        for meeting in others:
            meeting_upsert(**meeting)
        count += len(others)
    context.count("meetings", count)


def _main_meeting(context: LoadContext):
    """The pack's meeting named in meeting.csv (loaded by load_meetings just before)."""

    def parse(row):
        return _parse_short_name(row, "short_name")

    (code, number), *_ = collect(context.rows("meeting.csv", required=["short_name"]), parse)
    return Meeting.objects.select_related("forum").get(forum__code=code, number=number)


def _agenda_rows(context: LoadContext, meeting):
    """agenda.csv, checked: each printed end is start + minutes. Printed times are kept by
    giving an item a fixed start only where it does not follow on from the item before (none
    in the PSG 36 seed); the printed page numbers are not kept, the pack computes real ones."""

    def parse(row):
        start, end = _parse_time(row, "start"), _parse_time(row, "end")
        minutes = row.integer("minutes", minimum=1, maximum=600)
        if (start or end or minutes) and not (start and end and minutes):
            row.problem("minutes", "a timed item needs start, end and minutes")
        elif start and end and minutes:
            span = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            if span != minutes:
                row.problem(
                    "minutes", f"{minutes} minutes does not match {start:%H:%M}-{end:%H:%M}"
                )
        return {
            "label": row.text("item_no", required=True, max_length=20),
            "title": row.text("title", required=True, max_length=200),
            # The printed agenda marks "no objective" with a dash; that is not an objective.
            "objective": "" if row.text("objective") in ("-", "–") else row.text("objective"),
            "item_type": row.choice("type", AgendaItemType) or "",
            "leads": row.text("leads", max_length=200),
            "duration_minutes": minutes,
            "printed_start": start,
        }

    rows = collect(
        context.rows(
            "agenda.csv",
            required=["item_no", "title", "objective", "type", "leads", "start", "end", "minutes"],
        ),
        parse,
    )
    clock = meeting.start_time
    for row in rows:
        printed = row.pop("printed_start")
        row["fixed_start"] = printed if printed and printed != clock else None
        if row["duration_minutes"]:
            start = printed or clock
            total = start.hour * 60 + start.minute + row["duration_minutes"]
            clock = time(total // 60, total % 60)
    return rows


def _action_rows(context: LoadContext):
    def parse(row):
        reference = row.text("ref", required=True)
        if reference and not ACTION_REF.match(reference):
            row.problem("ref", f"'{reference}' is not an action reference like PSG35-01")
        return {
            "reference": reference,
            "description": row.text("action", required=True),
            "owner": row.text("owner", required=True, max_length=200),
            "due_date": row.date("due_date"),
            "status": row.choice("status", ActionStatus, required=True),
            "latest_update": row.text("latest_update"),
        }

    return collect(
        context.rows(
            "actions.csv",
            required=["ref", "action", "owner", "due_date", "status", "latest_update"],
        ),
        parse,
    )


def _narrative_rows(context: LoadContext):
    folder = "narrative"

    def parse(row):
        filename = row.text("file", required=True)
        body = ""
        if filename:
            path = context.directory / folder / filename
            if "/" in filename or "\\" in filename or not path.is_file():
                row.problem("file", f"'{filename}' is not a file in {folder}/")
            else:
                try:
                    body = path.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    row.problem("file", f"'{filename}' is not UTF-8 text")
        key = row.text("key", required=True, max_length=60)
        if key and not SLUG.match(key):
            row.problem("key", f"'{key}' may hold only letters, digits, hyphens and underscores")
        return {
            "key": key,
            "title": row.text("title", required=True, max_length=200),
            "agenda_label": row.text("agenda_item"),
            "position": row.integer("position", minimum=0) or 0,
            "body": body,
        }

    return collect(
        context.rows(
            f"{folder}/sections.csv", required=["key", "title", "agenda_item", "position", "file"]
        ),
        parse,
    )


@register_loader("agenda_actions", order=45)
def load_agenda_actions(context: LoadContext) -> None:
    """The pack meeting's agenda (agenda.csv), the actions log (actions.csv) and its narrative
    sections (narrative/sections.csv and the Markdown files it names).

    Actions name their meeting by reference (PSG34-01). A meeting the programme files do not
    date (PSG 33 and 34 in the demo) is created on the forum's monthly pattern, derived from
    the pack meeting: the same weekday of the same week of the month (PSG: first Wednesday,
    so PSG 34 on 3 July 2024 and PSG 33 on 5 June 2024; each action's due date then falls on
    the next meeting, as printed). The pack's own meeting is marked "papers published" and
    the meetings that raised actions "held", since the seed shows both happened.
    """
    meeting = _main_meeting(context)

    if context.has("agenda.csv"):
        rows = _agenda_rows(context, meeting)
        for position, row in enumerate(rows, start=1):
            agenda_item_upsert(meeting=meeting, position=position, **row)
        for extra in meeting.agenda_items.filter(position__gt=len(rows)):
            extra.delete()
        context.count("agenda items", len(rows))

    if context.has("actions.csv"):
        actions = _action_rows(context)
        organisations = {o.name.lower(): o for o in Organisation.objects.all()}
        forums = {meeting.forum.code: meeting.forum}
        for action in actions:
            match = ACTION_REF.match(action["reference"])
            code, number = match["forum"].upper(), int(match["number"])
            if code not in forums:
                raise ImportRejected(
                    [RowProblem("actions.csv", 0, "ref", f"'{code}' is not the pack's forum")]
                )
            if not Meeting.objects.filter(forum=forums[code], number=number).exists():
                meeting_upsert(
                    forum=forums[code],
                    number=number,
                    date=monthly_meeting_date(
                        known_number=meeting.number, known_date=meeting.date, number=number
                    ),
                    start_time=meeting.start_time,
                    title=f"{forums[code].name} #{number}",
                )
            raised_at = Meeting.objects.get(forum=forums[code], number=number)
            if raised_at.date < meeting.date and raised_at.status == MeetingStatus.PLANNED:
                meeting_set_status(meeting=raised_at, status=MeetingStatus.HELD)
            owner = organisations.get(action["owner"].lower())
            action_upsert_by_reference(
                reference=action["reference"],
                description=action["description"],
                owner_organisation=owner,
                owner_text="" if owner else action["owner"],
                due_date=action["due_date"],
                status=action["status"],
                latest_update=action["latest_update"],
            )
        context.count("actions", len(actions))

    if context.has("narrative/sections.csv"):
        sections = _narrative_rows(context)
        items = {item.label: item for item in meeting.agenda_items.all()}
        problems = [
            RowProblem(
                "narrative/sections.csv", 0, "agenda_item", f"no agenda item '{s['agenda_label']}'"
            )
            for s in sections
            if s["agenda_label"] and s["agenda_label"] not in items
        ]
        if problems:
            raise ImportRejected(problems)
        for section in sections:
            label = section.pop("agenda_label")
            narrative_section_upsert(meeting=meeting, agenda_item=items.get(label), **section)
        context.count("narrative sections", len(sections))

    if meeting.status == MeetingStatus.PLANNED:
        meeting_set_status(meeting=meeting, status=MeetingStatus.PAPERS_PUBLISHED)


@register_loader("engagement", order=48)
def load_engagement(context: LoadContext) -> None:
    """engagement.csv: the planned engagement of the forward look, read by the same parser as
    the PMO's import (meetings.engagement_services) and matched on `key`, so a second load
    changes nothing."""
    if not context.has(ENGAGEMENT_FILE):
        return
    result = engagement_events_import_rows(
        actor=None,
        rows=context.rows(ENGAGEMENT_FILE, required=ENGAGEMENT_COLUMNS),
        source=ENGAGEMENT_FILE,
    )
    context.count("engagement events", result.created + result.updated + result.unchanged)
