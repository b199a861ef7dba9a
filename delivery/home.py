"""Home-page panel: the delivery reports the user's organisation still has to complete."""

from portal.navigation import HomePanel, register_home_panel


def _reports_to_complete(request):
    from delivery.models import ReportStatus
    from delivery.selectors import report_list
    from portal.permissions import can

    if not can(request.user, "delivery_report.edit"):
        return None
    open_statuses = [ReportStatus.REQUESTED, ReportStatus.DRAFT, ReportStatus.RETURNED]
    reports = [
        report
        for report in report_list(user=request.user).filter(status__in=open_statuses)
        if can(request.user, "delivery_report.edit", report)
    ]
    if not reports:
        return None
    return "delivery/_home_reports.html", {"reports": reports}


register_home_panel(HomePanel("delivery-reports-to-complete", _reports_to_complete, order=45))
