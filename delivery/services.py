"""Writes for delivery reports, finances and test progress: atomic, validated, recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from delivery.models import (
    RAG_DIMENSIONS,
    DeliveryDecision,
    DeliveryDeliverable,
    DeliveryEscalation,
    DeliveryMilestone,
    DeliveryRaidItem,
    DeliveryReport,
    FinanceAmount,
    FinanceKind,
    FinanceLine,
    ReportCategory,
    ReportStatus,
    TestCase,
    TestStage,
    TrialResult,
    percent_of,
)
from delivery.rows import sync_rows
from delivery.workflow import Step, TransitionRefused, next_status
from portal.concurrency import claim_version
from portal.history import history_context, mark_change
from portal.models import Constituency, Organisation, User
from portal.permissions import ensure

REPORT_TEXT_FIELDS = ["report_date", "progress_last_month", "progress_next_month"]
REPORT_COUNT_FIELDS = ["organisations_expected", "organisations_reported"]
REPORT_FIELDS = [name for name, _ in RAG_DIMENSIONS] + REPORT_TEXT_FIELDS + REPORT_COUNT_FIELDS
MILESTONE_FIELDS = ["title", "original_date", "forecast_date", "rag", "commentary"]
RAID_FIELDS = [
    "kind",
    "ref",
    "movement",
    "description",
    "dependency_on",
    "area",
    "rag",
    "rating",
    "action",
    "owner",
    "target",
]
DECISION_FIELDS = ["decision", "from_whom", "by_date"]
ESCALATION_FIELDS = ["escalation", "to_whom", "resolution_date", "resolution_note", "owner"]
DELIVERABLE_FIELDS = [
    "group",
    "deliverable",
    "latest_status",
    "due_date",
    "due_note",
    "rag",
    "programme_milestones",
]


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _step(report: DeliveryReport, step: Step) -> str:
    try:
        return next_status(report.status, step)
    except TransitionRefused as exc:
        raise ValidationError(str(exc)) from None


def _refuse_if_late(report: DeliveryReport, today: date) -> None:
    if today > report.due_date:
        raise ValidationError(
            f"This report was due on {report.due_date:%d %B %Y} and can no longer be changed. "
            "Ask the PMO to extend the due date."
        )


@transaction.atomic
def delivery_report_request(
    *,
    actor: User,
    period: date,
    due_date: date,
    organisation: Organisation | None = None,
    constituency: Constituency | None = None,
    title: str = "",
    category: str = ReportCategory.OTHER,
    note: str = "",
    today: date | None = None,
) -> DeliveryReport:
    ensure(actor, "delivery_report.request")
    if (organisation is None) == (constituency is None):
        raise ValidationError("Choose either an organisation or a constituency, not both.")
    if due_date < _today(today):
        raise ValidationError({"due_date": "The due date cannot be in the past."})
    period = first_of_month(period)
    existing = DeliveryReport.objects.filter(
        period=period, organisation=organisation, constituency=constituency
    ).first()
    if existing is not None:
        raise ValidationError(
            f"A report from {existing.reporter} for {period:%B %Y} has already been requested."
        )
    report = DeliveryReport(
        organisation=organisation,
        constituency=constituency,
        period=period,
        due_date=due_date,
        title=title,
        category=category,
        # Printed after the period's reports of its category already requested.
        position=DeliveryReport.objects.filter(period=period, category=category).count(),
        request_note=note,
        requested_by=actor,
    )
    report.full_clean()
    mark_change(report, actor=actor, reason="Report requested")
    report.save()
    return report


@transaction.atomic
def delivery_report_extend(
    *,
    actor: User,
    report: DeliveryReport,
    due_date: date,
    expected_version: int | None,
    today: date | None = None,
) -> DeliveryReport:
    ensure(actor, "delivery_report.review", report)
    claim_version(report, expected_version=expected_version)
    if report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        raise ValidationError("Only a report still with the organisation can get a new due date.")
    if due_date < _today(today):
        raise ValidationError({"due_date": "The new due date cannot be in the past."})
    report.due_date = due_date
    report.full_clean()
    mark_change(report, actor=actor, reason=f"Due date moved to {due_date:%d %B %Y}")
    report.save()
    return report


def _sync_children(model, report, rows: list[dict], fields: list[str], actor) -> None:
    sync_rows(model, parent_field="report", parent=report, rows=rows, fields=fields, actor=actor)


@transaction.atomic
def delivery_report_save(
    *,
    actor: User,
    report: DeliveryReport,
    expected_version: int | None,
    values: dict,
    milestones: list[dict] | None = None,
    raid_items: list[dict] | None = None,
    decisions: list[dict] | None = None,
    escalations: list[dict] | None = None,
    deliverables: list[dict] | None = None,
    today: date | None = None,
) -> DeliveryReport:
    """Save the organisation's draft (or its rework of a returned report).

    Each list, when given, replaces that table of the report (rows keep their ids)."""
    ensure(actor, "delivery_report.edit", report)
    claim_version(report, expected_version=expected_version)
    report.status = _step(report, Step.SAVE_DRAFT)
    _refuse_if_late(report, _today(today))
    for field in REPORT_FIELDS:
        if field in values:
            empty = None if DeliveryReport._meta.get_field(field).null else ""
            setattr(report, field, values[field] if values[field] is not None else empty)
    report.full_clean()
    tables = [
        (DeliveryMilestone, milestones, MILESTONE_FIELDS),
        (DeliveryRaidItem, raid_items, RAID_FIELDS),
        (DeliveryDecision, decisions, DECISION_FIELDS),
        (DeliveryEscalation, escalations, ESCALATION_FIELDS),
        (DeliveryDeliverable, deliverables, DELIVERABLE_FIELDS),
    ]
    with history_context(actor=actor, reason="Draft saved"):
        mark_change(report, actor=actor, reason="Draft saved")
        report.save()
        for model, rows, fields in tables:
            if rows is not None:
                _sync_children(model, report, rows, fields, actor)
    return report


def submission_problems(report: DeliveryReport) -> list[str]:
    """What a report still lacks before it can be submitted (pure; shown beside the form)."""
    problems = [
        f"Give a RAG for {label}." for name, label in RAG_DIMENSIONS if not getattr(report, name)
    ]
    if not report.progress_last_month.strip():
        problems.append("Describe progress last month.")
    if not report.progress_next_month.strip():
        problems.append("Describe progress expected next month.")
    if report.constituency_id is not None and report.organisations_reported is None:
        problems.append(
            "Say how many of the constituency's organisations reported, out of how many."
        )
    return problems


@transaction.atomic
def delivery_report_submit(
    *,
    actor: User,
    report: DeliveryReport,
    expected_version: int | None,
    today: date | None = None,
) -> DeliveryReport:
    ensure(actor, "delivery_report.edit", report)
    claim_version(report, expected_version=expected_version)
    report.status = _step(report, Step.SUBMIT)
    _refuse_if_late(report, _today(today))
    problems = submission_problems(report)
    if problems:
        raise ValidationError(["The report is not complete:", *problems])
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    report.full_clean()
    mark_change(report, actor=actor, reason="Submitted to the PMO")
    report.save()
    return report


@transaction.atomic
def delivery_report_return(
    *,
    actor: User,
    report: DeliveryReport,
    expected_version: int | None,
    comments: str,
    due_date: date,
    today: date | None = None,
) -> DeliveryReport:
    ensure(actor, "delivery_report.review", report)
    claim_version(report, expected_version=expected_version)
    report.status = _step(report, Step.RETURN)
    if not comments.strip():
        raise ValidationError({"comments": "Say what the organisation should change."})
    if due_date < _today(today):
        raise ValidationError({"due_date": "The resubmission date cannot be in the past."})
    report.review_comments = comments.strip()
    report.due_date = due_date
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.full_clean()
    mark_change(report, actor=actor, reason="Returned with comments")
    report.save()
    return report


@transaction.atomic
def delivery_report_accept(
    *,
    actor: User,
    report: DeliveryReport,
    expected_version: int | None,
    comments: str = "",
) -> DeliveryReport:
    ensure(actor, "delivery_report.review", report)
    claim_version(report, expected_version=expected_version)
    report.status = _step(report, Step.ACCEPT)
    report.review_comments = comments.strip()
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.full_clean()
    mark_change(report, actor=actor, reason="Accepted")
    report.save()
    return report


# Finances ---------------------------------------------------------------------------------


def financial_year_months(year: int) -> list[date]:
    """April of `year` to March of the next: the twelve months of one financial year."""
    return [date(year + (m < 4), m, 1) for m in (*range(4, 13), *range(1, 4))]


@dataclass(frozen=True)
class FinanceLineData:
    label: str
    party: str
    kind: str
    is_printed_total: bool
    printed_total: Decimal | None
    months: dict[date, Decimal]
    unassigned: list[Decimal]


@transaction.atomic
def finance_year_replace(
    *, actor: User | None, year: int, lines: Iterable[FinanceLineData], reason: str
) -> list[FinanceLine]:
    """Make `year`'s finances exactly `lines` (an import): lines and amounts updated in place."""
    if actor is not None:
        ensure(actor, "finance.edit")
    lines = list(lines)
    kept_lines = []
    with history_context(actor=actor, reason=reason):
        for position, data in enumerate(lines):
            line = FinanceLine.objects.filter(year=year, label=data.label).first()
            fields = {
                "party": data.party,
                "kind": data.kind,
                "is_printed_total": data.is_printed_total,
                "printed_total": data.printed_total,
                "position": position,
            }
            if line is None:
                line = FinanceLine(year=year, label=data.label, **fields)
                line.full_clean()
                line.save()
            elif any(getattr(line, k) != v for k, v in fields.items()):
                claim_version(line, expected_version=None)
                for key, value in fields.items():
                    setattr(line, key, value)
                line.full_clean()
                mark_change(line, actor=actor, reason=reason)
                line.save()
            _sync_amounts(line, data.months, data.unassigned)
            kept_lines.append(line)
        FinanceLine.objects.filter(year=year).exclude(
            pk__in=[line.pk for line in kept_lines]
        ).delete()
    return kept_lines


def _sync_amounts(line: FinanceLine, months: dict[date, Decimal], unassigned: list[Decimal]):
    current = list(FinanceAmount.objects.filter(line=line))
    by_key = {(a.month, None if a.month else a.position): a for a in current}
    wanted = {(month, None): amount for month, amount in months.items()}
    wanted.update({(None, index): amount for index, amount in enumerate(unassigned)})
    for (month, index), amount in wanted.items():
        existing = by_key.pop((month, index), None)
        if existing is None:
            FinanceAmount.objects.create(line=line, month=month, position=index or 0, amount=amount)
        elif existing.amount != amount:
            existing.amount = amount
            existing.save()
    for stale in by_key.values():
        stale.delete()


@transaction.atomic
def finance_line_update(
    *,
    actor: User,
    line: FinanceLine,
    expected_version: int | None,
    months: dict[date, Decimal | None],
    printed_total: Decimal | None,
) -> FinanceLine:
    """PMO entry of one line's months; an empty month removes that month's figure."""
    ensure(actor, "finance.edit", line)
    claim_version(line, expected_version=expected_version)
    allowed = set(financial_year_months(line.year))
    stray = [m for m in months if m not in allowed]
    if stray:
        raise ValidationError(f"{stray[0]:%B %Y} is not in financial year {line}.")
    line.printed_total = printed_total
    line.full_clean()
    with history_context(actor=actor, reason="Finance figures edited"):
        mark_change(line, actor=actor, reason="Finance figures edited")
        line.save()
        unassigned = list(
            FinanceAmount.objects.filter(line=line, month__isnull=True)
            .order_by("position")
            .values_list("amount", flat=True)
        )
        existing = {
            a.month: a.amount for a in FinanceAmount.objects.filter(line=line, month__isnull=False)
        }
        merged = {**existing, **{m: v for m, v in months.items() if v is not None}}
        for month, value in months.items():
            if value is None:
                merged.pop(month, None)
        _sync_amounts(line, merged, unassigned)
    return line


# Test progress ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialRow:
    stage: str
    test_case: str
    cohorts: str
    status: str
    steps_passed: int | None
    steps_total: int | None
    percent: int
    commentary: str


def trial_problems(row: TrialRow) -> list[str]:
    """Pure checks of one trial row: step counts consistent with the reported percent."""
    problems = []
    if (row.steps_passed is None) != (row.steps_total is None):
        problems.append("give both steps passed and steps total, or neither")
    elif row.steps_total is not None:
        if row.steps_total == 0:
            problems.append("steps total must be more than 0")
        elif row.steps_passed > row.steps_total:
            problems.append("steps passed cannot exceed steps total")
        elif percent_of(row.steps_passed, row.steps_total) != row.percent:
            problems.append(
                f"{row.percent}% does not match {row.steps_passed}/{row.steps_total} "
                f"({percent_of(row.steps_passed, row.steps_total)}%)"
            )
    if not 0 <= row.percent <= 100:
        problems.append("percent must be between 0 and 100")
    return problems


@transaction.atomic
def trials_replace(*, actor: User | None, rows: Iterable[TrialRow], reason: str) -> int:
    """Make the test-progress table exactly `rows` (an import), updating in place."""
    if actor is not None:
        ensure(actor, "trial.edit")
    rows = list(rows)
    kept = []
    with history_context(actor=actor, reason=reason):
        stages, cases = {}, {}
        for row in rows:
            if row.stage not in stages:
                stage, _ = TestStage.objects.get_or_create(name=row.stage)
                if stage.position != len(stages):
                    stage.position = len(stages)
                    stage.save()
                stages[row.stage] = stage
            key = (row.stage, row.test_case)
            if key not in cases:
                case, _ = TestCase.objects.get_or_create(
                    stage=stages[row.stage], name=row.test_case
                )
                position = sum(1 for k in cases if k[0] == row.stage)
                if case.position != position:
                    case.position = position
                    case.save()
                cases[key] = case
            case = cases[key]
            values = {
                "status": row.status,
                "steps_passed": row.steps_passed,
                "steps_total": row.steps_total,
                "percent": row.percent,
                "commentary": row.commentary,
                "position": len(kept),
            }
            result = TrialResult.objects.filter(test_case=case, cohorts=row.cohorts).first()
            if result is None:
                result = TrialResult(test_case=case, cohorts=row.cohorts, **values)
                result.full_clean()
                result.save()
            elif any(getattr(result, k) != v for k, v in values.items()):
                claim_version(result, expected_version=None)
                for key_, value in values.items():
                    setattr(result, key_, value)
                result.full_clean()
                result.save()
            kept.append(result.pk)
        TrialResult.objects.exclude(pk__in=kept).delete()
        TestCase.objects.filter(results__isnull=True).delete()
        TestStage.objects.filter(test_cases__isnull=True).delete()
    return len(kept)


@transaction.atomic
def trial_result_update(
    *,
    actor: User,
    result: TrialResult,
    expected_version: int | None,
    status: str,
    steps_passed: int | None,
    steps_total: int | None,
    percent: int | None,
    commentary: str,
) -> TrialResult:
    ensure(actor, "trial.edit", result)
    claim_version(result, expected_version=expected_version)
    if percent is None:
        percent = percent_of(steps_passed, steps_total)
        if percent is None:
            raise ValidationError(
                {"percent": "Give the percent, or the step counts to compute it."}
            )
    row = TrialRow("", "", result.cohorts, status, steps_passed, steps_total, percent, commentary)
    problems = trial_problems(row)
    if problems:
        raise ValidationError([p[0].upper() + p[1:] + "." for p in problems])
    result.status, result.commentary, result.percent = status, commentary, percent
    result.steps_passed, result.steps_total = steps_passed, steps_total
    result.full_clean()
    mark_change(result, actor=actor, reason="Test progress updated")
    result.save()
    return result


def finance_kind_of(label: str) -> str | None:
    """'DCC Act/Forecast' -> actual_forecast, 'Helix Budget' -> budget (import convenience)."""
    lowered = label.lower()
    if lowered.endswith("budget"):
        return FinanceKind.BUDGET
    if lowered.endswith("actual/forecast") or lowered.endswith("act/forecast"):
        return FinanceKind.ACTUAL_FORECAST
    return None
