"""Permission-aware reads of delivery reports, finances and test progress.

Each read is a fixed number of queries whatever the data size, because the programme dashboard
and the pack call them on every render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from delivery.models import (
    DeliveryReport,
    FinanceAmount,
    FinanceKind,
    FinanceLine,
    ReportStatus,
    TrialResult,
    TrialStatus,
)
from delivery.services import financial_year_months
from portal.permissions import ensure, is_pmo


def visible_reports(user) -> QuerySet[DeliveryReport]:
    """Accepted reports for everyone; unaccepted ones only for the PMO and the reporting party."""
    reports = DeliveryReport.objects.select_related("organisation", "constituency")
    if is_pmo(user):
        return reports
    mine = Q(status=ReportStatus.ACCEPTED)
    if user.organisation_id:
        mine |= Q(organisation_id=user.organisation_id)
        constituency_id = getattr(user.organisation, "constituency_id", None)
        if constituency_id:
            mine |= Q(constituency_id=constituency_id)
    return reports.filter(mine)


def report_list(*, user, status: str = "", period: date | None = None) -> QuerySet[DeliveryReport]:
    ensure(user, "delivery.view")
    reports = visible_reports(user)
    if status:
        reports = reports.filter(status=status)
    if period:
        reports = reports.filter(period=period)
    return reports.order_by("-period", "organisation__name", "constituency__name")


# A report's own tables, prefetched wherever a report is printed.
REPORT_TABLES = ("milestones", "raid_items", "decisions", "escalations", "deliverables")


def report_get(*, user, pk: int) -> DeliveryReport:
    report = get_object_or_404(
        DeliveryReport.objects.select_related(
            "organisation", "constituency", "requested_by", "submitted_by", "reviewed_by"
        ).prefetch_related(*REPORT_TABLES),
        pk=pk,
    )
    ensure(user, "delivery_report.view", report)
    return report


def accepted_reports(*, period: date | None = None, category: str = "") -> QuerySet[DeliveryReport]:
    """What the pack prints: accepted reports of the latest period (unless one is given), of one
    category if named, in the order the PMO set."""
    reports = DeliveryReport.objects.filter(status=ReportStatus.ACCEPTED)
    if category:
        reports = reports.filter(category=category)
    if period is None:
        latest = reports.order_by("-period").values_list("period", flat=True).first()
        if latest is None:
            return reports.none()
        period = latest
    return (
        reports.filter(period=period)
        .select_related("organisation", "constituency")
        .prefetch_related(*REPORT_TABLES)
        .order_by("category", "position", "organisation__name", "constituency__name")
    )


def report_status_counts(*, user) -> dict[str, int]:
    counts = dict.fromkeys(ReportStatus.values, 0)
    for status in visible_reports(user).values_list("status", flat=True):
        counts[status] += 1
    return counts


# Finances ---------------------------------------------------------------------------------


@dataclass
class FinanceRow:
    label: str
    party: str
    kind: str
    cells: list[Decimal | None]
    unassigned: list[Decimal]
    computed_total: Decimal
    printed_total: Decimal | None
    is_printed_total: bool = False
    is_computed_total: bool = False
    line_id: int | None = None
    note: str = ""

    @property
    def totals_differ(self) -> bool:
        return self.printed_total is not None and self.printed_total != self.computed_total


@dataclass
class FinanceTable:
    year: int
    months: list[date]
    rows: list[FinanceRow] = field(default_factory=list)
    party_totals: list[dict] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def computed(self) -> dict[str, FinanceRow]:
        return {row.kind: row for row in self.rows if row.is_computed_total}

    @property
    def printed(self) -> dict[str, FinanceRow]:
        return {row.kind: row for row in self.rows if row.is_printed_total}


def finance_years() -> list[int]:
    return list(FinanceLine.objects.order_by("-year").values_list("year", flat=True).distinct())


def build_finance_table(year: int, lines: list[FinanceLine]) -> FinanceTable:
    """Pure: lay out lines (with `amounts` prefetched) as the pack's table, plus computed totals.

    Party lines are summed per kind into computed total rows; a party's own printed total and the
    programme's printed total lines are kept beside the sums, never replacing them.
    """
    months = financial_year_months(year)
    table = FinanceTable(year=year, months=months)
    sums = {kind: [Decimal("0")] * 12 for kind in FinanceKind.values}
    grand = {kind: Decimal("0") for kind in FinanceKind.values}
    seen = dict.fromkeys(FinanceKind.values, False)
    parties: dict[str, dict] = {}
    printed_rows = []
    for line in lines:
        by_month = {a.month: a.amount for a in line.amounts.all() if a.month}
        unassigned = [
            a.amount for a in sorted(line.amounts.all(), key=lambda a: a.position) if not a.month
        ]
        cells = [by_month.get(m) for m in months]
        total = sum((v for v in cells if v is not None), Decimal("0")) + sum(
            unassigned, Decimal("0")
        )
        row = FinanceRow(
            label=line.label,
            party=line.party,
            kind=line.kind,
            cells=cells,
            unassigned=unassigned,
            computed_total=total,
            printed_total=line.printed_total,
            is_printed_total=line.is_printed_total,
            line_id=line.pk,
            note=line.note,
        )
        if line.is_printed_total:
            printed_rows.append(row)
            continue
        table.rows.append(row)
        seen[line.kind] = True
        grand[line.kind] += total
        for index, value in enumerate(cells):
            if value is not None:
                sums[line.kind][index] += value
        party = parties.setdefault(
            line.party,
            {"party": line.party, "budget": Decimal("0"), "actual_forecast": Decimal("0")},
        )
        party[line.kind] += total
    for kind, label in FinanceKind.choices:
        if seen[kind]:
            table.rows.append(
                FinanceRow(
                    label=f"Total {label.lower()} (computed)",
                    party="",
                    kind=kind,
                    cells=sums[kind],
                    unassigned=[],
                    computed_total=grand[kind],
                    printed_total=None,
                    is_computed_total=True,
                )
            )
    table.rows.extend(printed_rows)
    table.party_totals = list(parties.values())
    return table


def finance_table(*, user, year: int | None = None) -> FinanceTable | None:
    ensure(user, "finance.view")
    if year is None:
        year = FinanceLine.objects.order_by("-year").values_list("year", flat=True).first()
        if year is None:
            return None
    lines = list(
        FinanceLine.objects.filter(year=year)
        .prefetch_related(Prefetch("amounts", queryset=FinanceAmount.objects.order_by("position")))
        .order_by("position", "label")
    )
    if not lines:
        return None
    return build_finance_table(year, lines)


# Test progress ----------------------------------------------------------------------------


def trial_results(*, user) -> list[TrialResult]:
    ensure(user, "trial.view")
    return list(
        TrialResult.objects.select_related("test_case__stage").order_by(
            "test_case__stage__position", "test_case__position", "position", "cohorts"
        )
    )


def trial_summary(results: list[TrialResult]) -> dict:
    """Pure: counts by status and steps passed of total across results that report steps."""
    by_status = {label: 0 for _, label in TrialStatus.choices}
    passed = total = 0
    for result in results:
        by_status[result.get_status_display()] += 1
        if result.steps_total:
            passed += result.steps_passed or 0
            total += result.steps_total
    return {"by_status": by_status, "steps_passed": passed, "steps_total": total}


# Pre-publish check --------------------------------------------------------------------------


def prepublish_findings(*, reporting_date: date, today: date | None = None) -> list:
    """The delivery app's findings for a pack reporting as of `reporting_date`: the reports of
    that month and the SIT progress the pack would print (delivery.consistency has the rules)."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from delivery.consistency import EscalationFacts, ReportFacts, report_findings, sit_findings
    from delivery.report_layout import report_layout
    from delivery.sit_selectors import sit_dashboard, target_sets
    from portal.models import Constituency, User

    reader = User(email="prepublish@portal.invalid", role="pmo", is_active=True)
    period = reporting_date.replace(day=1)
    reports = (
        DeliveryReport.objects.filter(period=period)
        .select_related("organisation", "constituency")
        .prefetch_related(*REPORT_TABLES)
        .order_by("category", "position", "pk")
    )
    register = dict(
        Constituency.objects.annotate(
            parties=Count("organisations", filter=Q(organisations__is_programme_party=True))
        ).values_list("pk", "parties")
    )
    facts = [
        ReportFacts(
            subject=f"{r.title} ({r.reporter})" if r.title else str(r.reporter),
            period=r.period,
            status=r.status,
            due_date=r.due_date,
            has_content=report_layout(r).has_content,
            organisations_expected=r.organisations_expected,
            organisations_reported=r.organisations_reported,
            constituency=str(r.constituency or ""),
            register_parties=register.get(r.constituency_id),
            escalations=tuple(
                EscalationFacts(e.escalation, e.to_whom, e.owner) for e in r.escalations.all()
            ),
            url=reverse("delivery-report-detail", args=[r.pk]),
        )
        for r in reports
    ]
    findings = report_findings(reports=facts, today=today or timezone.localdate())
    findings += sit_findings(
        target_sets=target_sets(user=reader, as_of=reporting_date),
        dashboard=sit_dashboard(user=reader, as_of=reporting_date),
        reporting_date=reporting_date,
        url=reverse("delivery-sit"),
    )
    return findings
