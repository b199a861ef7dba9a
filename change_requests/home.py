"""The participant's home-page task: open impact assessments with their deadlines."""

from portal.navigation import HomePanel, register_home_panel
from portal.permissions import can


def _open_assessments(request):
    from change_requests.selectors import open_assessments_for

    if not can(request.user, "ia.inbox"):
        return None
    items = open_assessments_for(user=request.user)
    if not items:
        return None
    return "change_requests/_home_open_assessments.html", {"items": items}


register_home_panel(HomePanel("open-impact-assessments", _open_assessments, order=20))
