"""Writes to meetings: atomic, validated, recorded."""

from __future__ import annotations

from datetime import date, time

from django.db import transaction

from meetings.models import Meeting
from portal.history import mark_change
from portal.models import Forum


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
    for key, value in values.items():
        setattr(meeting, key, value)
    meeting.full_clean()
    mark_change(meeting, actor=actor)
    meeting.save()
    return meeting
