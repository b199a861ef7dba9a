"""Meetings in a programme directory: meeting.csv (the pack's meeting and the next one)
and, optionally, meetings.csv (other meetings of any forum)."""

from __future__ import annotations

from datetime import time

from meetings.services import meeting_upsert
from portal.importing import ImportRejected, RowProblem, collect
from portal.models import Forum
from portal.programme_loading import LoadContext, register_loader


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
