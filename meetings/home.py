"""Home-page panels: the open actions the user (or the user's organisation) owns, and the
narrative sections the user's organisation is invited to write."""

from django.utils import timezone

from meetings.scheduling import is_overdue
from portal.navigation import HomePanel, register_home_panel


def _my_open_actions(request):
    from meetings.selectors import open_actions_for

    actions = open_actions_for(request.user)
    if not actions:
        return None
    today = timezone.localdate()
    for action in actions:
        action.overdue = is_overdue(status=action.status, due_date=action.due_date, on=today)
    return "meetings/_home_actions.html", {"actions": actions}


register_home_panel(HomePanel("my-open-actions", _my_open_actions, order=40))


def _sections_to_write(request):
    from meetings.selectors import sections_invited_for

    sections = sections_invited_for(request.user)
    if not sections:
        return None
    return "meetings/_home_sections.html", {"sections": sections}


register_home_panel(HomePanel("narrative-to-write", _sections_to_write, order=41))
