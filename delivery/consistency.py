"""Pre-publish rules for the delivery app's records: pure functions returning `Finding`s.

- `report_findings`: the period's party delivery reports — requested and not received, submitted
  and not accepted, accepted with nothing to print, escalations without an owner or a recipient,
  and a constituency report whose count of organisations disagrees with the register.
- `sit_findings`: SIT progress — an assessment the figures contradict, a measure past its cut-off
  with no outcome, MVC counts that disagree with the names listed, stage statuses without a RAG,
  and a SIT status older than the reporting date allows.

`delivery.selectors.prepublish_findings` feeds them from the database; the tests feed them
plain facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from delivery.models import ReportStatus
from delivery.sit_rules import assessment_conflict
from portal.findings import Finding, Severity

NOT_RECEIVED = (ReportStatus.REQUESTED, ReportStatus.DRAFT, ReportStatus.RETURNED)
# What each rule is called on the pack's pre-publish page (dashboards.packs.prepublish.RULES).
RULES = {
    "delivery_report.not_received": "Delivery reports requested and not received",
    "delivery_report.not_accepted": "Delivery reports awaiting the PMO's review",
    "delivery_report.no_content": "Accepted delivery reports with nothing to print",
    "delivery_report.escalation_without_owner": "Escalations without an owner",
    "delivery_report.escalation_without_recipient": "Escalations without a recipient",
    "delivery_report.count_differs_from_register": "Counts of reporting organisations that "
    "disagree with the register",
    "sit_target.assessment_contradicts_figures": "SIT target assessments the figures contradict",
    "sit_target.no_outcome": "SIT target measures past their cut-off with no outcome",
    "sit_status.out_of_date": "SIT status older than the reporting date allows",
    "sit_mvc.confirmed_differs_from_names": "MVC market roles whose count differs from the names",
    "sit_mvc.pps_differ_from_names": "MVC groups whose PP count differs from the names",
    "sit_stage.no_rag": "SIT stages without a RAG",
}


@dataclass(frozen=True)
class EscalationFacts:
    escalation: str
    to_whom: str
    owner: str


@dataclass(frozen=True)
class ReportFacts:
    """What the rules need to know about one delivery report."""

    subject: str
    period: date
    status: str
    due_date: date
    has_content: bool = True
    organisations_expected: int | None = None
    organisations_reported: int | None = None
    # For a constituency's report: how many parties the register has in that constituency.
    constituency: str = ""
    register_parties: int | None = None
    escalations: tuple[EscalationFacts, ...] = field(default_factory=tuple)
    url: str = ""


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def report_findings(*, reports: Iterable[ReportFacts], today: date) -> list[Finding]:
    findings = []
    for r in reports:
        period = f"{r.period:%B %Y}"
        if r.status in NOT_RECEIVED:
            late = " and is overdue" if today > r.due_date else ""
            state = (
                "was returned for rework and has not been resubmitted"
                if r.status == ReportStatus.RETURNED
                else "has not been submitted"
            )
            findings.append(
                Finding(
                    "delivery_report.not_received",
                    Severity.GAP,
                    r.subject,
                    f"The {period} report was requested (due {r.due_date:%d/%m/%y}) and {state}"
                    f"{late}; the pack leaves it out.",
                    r.url,
                )
            )
            continue
        if r.status == ReportStatus.SUBMITTED:
            findings.append(
                Finding(
                    "delivery_report.not_accepted",
                    Severity.GAP,
                    r.subject,
                    f"The {period} report is submitted and awaits the PMO's review; the pack "
                    "prints only accepted reports.",
                    r.url,
                )
            )
            continue
        if not r.has_content:
            findings.append(
                Finding(
                    "delivery_report.no_content",
                    Severity.GAP,
                    r.subject,
                    f"The accepted {period} report has nothing to print but its heading "
                    "(no RAGs, progress, milestones, risks or escalations).",
                    r.url,
                )
            )
        for e in r.escalations:
            if not e.owner.strip():
                findings.append(
                    Finding(
                        "delivery_report.escalation_without_owner",
                        Severity.GAP,
                        r.subject,
                        f"Escalation “{_short(e.escalation)}” has no owner.",
                        r.url,
                    )
                )
            if not e.to_whom.strip():
                findings.append(
                    Finding(
                        "delivery_report.escalation_without_recipient",
                        Severity.GAP,
                        r.subject,
                        f"Escalation “{_short(e.escalation)}” does not say to whom it goes.",
                        r.url,
                    )
                )
        if (
            r.organisations_expected is not None
            and r.register_parties is not None
            and r.organisations_expected != r.register_parties
        ):
            findings.append(
                Finding(
                    "delivery_report.count_differs_from_register",
                    Severity.CONTRADICTION,
                    r.subject,
                    f"The report counts {r.organisations_reported} of "
                    f"{r.organisations_expected} organisations, but the register has "
                    f"{r.register_parties} parties in {r.constituency}.",
                    r.url,
                )
            )
    return findings


def sit_findings(
    *,
    target_sets: Iterable,
    dashboard,
    reporting_date: date,
    url: str = "",
    max_status_age_days: int = 31,
) -> list[Finding]:
    """`target_sets`: delivery.sit_selectors.TargetSetView; `dashboard`: DashboardView or None."""
    findings = []
    for view in target_sets:
        target_set = view.target_set
        for target in view.targets:
            for m in target.measures:
                measure = m.measure
                subject = f"{target_set.title}, target {target.target.number}"
                conflict = assessment_conflict(measure)
                if conflict:
                    findings.append(
                        Finding(
                            "sit_target.assessment_contradicts_figures",
                            Severity.CONTRADICTION,
                            subject,
                            f"“{_short(measure.measure)}” is {conflict} ({m.achieved} against "
                            f"{m.threshold}).",
                            url,
                        )
                    )
                no_outcome = not (m.achieved or measure.result.strip() or measure.assessment)
                if no_outcome and reporting_date >= target_set.cut_off:
                    findings.append(
                        Finding(
                            "sit_target.no_outcome",
                            Severity.GAP,
                            subject,
                            f"“{_short(measure.measure)}” was due by "
                            f"{target_set.cut_off:%d/%m/%y} and has no achieved figure, result "
                            "or assessment.",
                            url,
                        )
                    )
    if dashboard is None:
        return findings
    board = dashboard.dashboard
    age = (reporting_date - board.as_of).days
    if age > max_status_age_days:
        findings.append(
            Finding(
                "sit_status.out_of_date",
                Severity.GAP,
                "SIT status",
                f"The latest SIT status is as of {board.as_of:%d/%m/%y}, {age} days before the "
                f"reporting date.",
                url,
            )
        )
    for group in dashboard.groups:
        roles = list(group.roles.all())
        names = {name for role in roles for name in role.participant_names}
        for role in roles:
            listed = len(role.participant_names)
            if role.confirmed is not None and listed and listed != role.confirmed:
                findings.append(
                    Finding(
                        "sit_mvc.confirmed_differs_from_names",
                        Severity.CONTRADICTION,
                        f"SIT MVC status: {group.name} – {role.market_role or 'market role'}",
                        f"{role.confirmed} confirmed for SIT, but {listed} participants named.",
                        url,
                    )
                )
        if group.pps_confirmed is not None and names and len(names) != group.pps_confirmed:
            findings.append(
                Finding(
                    "sit_mvc.pps_differ_from_names",
                    Severity.CONTRADICTION,
                    f"SIT MVC status: {group.name}",
                    f"{group.pps_confirmed} PPs confirmed for SIT, but {len(names)} different "
                    "participants named.",
                    url,
                )
            )
    missing = [stage.stage for stage in dashboard.stages if not stage.rag]
    if missing:
        findings.append(
            Finding(
                "sit_stage.no_rag",
                Severity.GAP,
                "SIT Stage Statuses",
                f"{len(missing)} of {len(dashboard.stages)} test stages have no RAG "
                f"({', '.join(missing)}); the pack prints none rather than guess.",
                url,
            )
        )
    return findings
