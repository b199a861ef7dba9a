"""The core's home-page panel: the user's organisation and the next meetings."""

from django.utils import timezone

from portal.navigation import HomePanel, register_home_panel


def _upcoming_meetings(request):
    from meetings.selectors import upcoming_meetings

    meetings = upcoming_meetings(today=timezone.localdate())
    return "portal/_home_meetings.html", {"meetings": meetings}


register_home_panel(HomePanel("upcoming-meetings", _upcoming_meetings, order=50))
