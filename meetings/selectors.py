"""Meeting dates that other apps anchor their reporting to."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from meetings.models import Meeting

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
