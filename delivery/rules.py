"""Who may do what with delivery reports, finances and test progress (docs/permissions.md)."""

from delivery.models import ReportStatus
from portal.permissions import anyone, belongs_to, is_participant, is_pmo, rule


def speaks_for(user, report) -> bool:
    """The user is one of the report's organisation, or of its constituency's parties."""
    if report.organisation_id is not None:
        return belongs_to(user, report.organisation_id)
    organisation = user.organisation
    return organisation is not None and organisation.constituency_id == report.constituency_id


rule("delivery.view")(anyone)


def _pmo(user, obj=None) -> bool:
    return is_pmo(user)


rule("delivery_report.request")(_pmo)
rule("delivery_report.review")(_pmo)
rule("finance.view")(anyone)
rule("finance.edit")(_pmo)
rule("trial.view")(anyone)
rule("trial.edit")(_pmo)
rule("sit.view")(anyone)
rule("sit.edit")(_pmo)


@rule("delivery_report.view")
def _report_view(user, report) -> bool:
    """Accepted reports are published; until then only the PMO and the party itself see one."""
    if report is None:
        return True
    if is_pmo(user) or speaks_for(user, report):
        return True
    return report.status == ReportStatus.ACCEPTED


@rule("delivery_report.edit")
def _report_edit(user, report) -> bool:
    """Only the organisation's own people write its report (not the PMO, not other parties)."""
    if report is None:
        return is_participant(user)
    return is_participant(user) and speaks_for(user, report)
