"""Where the pack's data comes from: the lower apps' selectors, behind one small adapter each.

Dashboards sits at the top of the layering, so it may read every app below it. Each adapter
says whether its provider is installed; a section whose provider is missing is left out of
the pack rather than breaking the build.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import time


def module(name: str):
    """The module, or None while the app that should provide it has not got it."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            return None
        raise


def provides(module_name: str, *attributes: str) -> bool:
    found = module(module_name)
    return found is not None and all(hasattr(found, a) for a in attributes)


def template_exists(name: str) -> bool:
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


# Meetings -------------------------------------------------------------------------------


def previous_meeting(meeting):
    from meetings.selectors import last_meeting_before

    return last_meeting_before(meeting.date, forum_code=meeting.forum.code)


def next_meeting(meeting):
    from meetings.models import Meeting

    return (
        Meeting.objects.filter(forum=meeting.forum, date__gt=meeting.date).order_by("date").first()
    )


@dataclass(frozen=True)
class AgendaRow:
    pk: int
    label: str
    title: str
    objective: str
    item_type: str
    leads: str
    start: time | None
    end: time | None
    minutes: int | None
    item: object

    @property
    def timed(self) -> bool:
        return self.start is not None


def agenda_rows(meeting) -> list[AgendaRow]:
    """The agenda with computed times (meetings.scheduling owns the rule)."""
    from meetings.models import AgendaItem
    from meetings.scheduling import agenda_times

    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    slots = agenda_times(meeting.start_time, [(i.duration_minutes, i.fixed_start) for i in items])
    return [
        AgendaRow(
            pk=item.pk,
            label=item.label,
            title=item.title,
            objective=item.objective,
            item_type=item.get_item_type_display() if item.item_type else "",
            leads=item.leads,
            start=slot.start,
            end=slot.end,
            minutes=item.duration_minutes,
            item=item,
        )
        for item, slot in zip(items, slots, strict=True)
    ]
