"""Home-page panel: the next meetings after the programme's reporting date."""

from meetings.selectors import upcoming_meetings
from portal.navigation import HomePanel, register_home_panel
from portal.reporting import reporting_date


def _upcoming_meetings(request):
    return "meetings/_home_meetings.html", {"meetings": upcoming_meetings(today=reporting_date())}


register_home_panel(HomePanel("upcoming-meetings", _upcoming_meetings, order=50))
