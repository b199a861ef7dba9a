"""Reading finance and test-progress tables (CSV or XLSX), every row checked before any write.

Finance table: columns `line, month, amount_gbp_m` (the layout of the seed's finances.csv), with
optional `party` and `kind`. `month` is YYYY-MM (or a date) within one April-March year, `total`
for the total the party printed, or empty for a value supplied without a month. Without a `party`
column, the party is the line label before "Budget"/"Act/Forecast"; lines starting "Total" are the
programme's printed totals, and unprefixed lines belong to `default_party`.

Test-progress table: `sit_stage, test_case, cohorts, status, steps_passed, steps_total, percent,
commentary` (the seed's sit_trials.csv).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from delivery.models import FinanceKind, TrialStatus, percent_of
from delivery.services import FinanceLineData, TrialRow, finance_kind_of, trial_problems
from portal.importing import ImportRejected, Row, RowProblem, collect, read_table

FINANCE_COLUMNS = ["line", "month", "amount_gbp_m"]
TRIAL_COLUMNS = [
    "sit_stage",
    "test_case",
    "cohorts",
    "status",
    "steps_passed",
    "steps_total",
    "percent",
    "commentary",
]
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?(?:[ T].*)?$")


def _financial_year(month: date) -> int:
    return month.year if month.month >= 4 else month.year - 1


def parse_finances(
    name: str, content: bytes, *, default_party: str = "MHHS"
) -> tuple[int, list[FinanceLineData]]:
    """(year, lines) of a finance table, or ImportRejected naming every bad cell."""

    def parse(row: Row):
        label = row.text("line", required=True, max_length=100)
        raw_month = row.text("month")
        amount = row.decimal("amount_gbp_m", required=True)
        if amount is not None and (amount.as_tuple().exponent < -2 or abs(amount) >= 10**8):
            row.problem(
                "amount_gbp_m", f"'{amount}' has more than two decimal places or is too large"
            )
        month: date | str | None = None
        if raw_month.lower() == "total":
            month = "total"
        elif raw_month:
            match = _MONTH.match(raw_month)
            if not match or not 1 <= int(match.group(2)) <= 12:
                row.problem("month", f"'{raw_month}' is not a month (YYYY-MM) or 'total'")
            else:
                month = date(int(match.group(1)), int(match.group(2)), 1)
        kind = row.choice("kind", FinanceKind) if row.values.get("kind") else finance_kind_of(label)
        if label and kind is None:
            row.problem(
                "line", f"'{label}' does not end in Budget or Actual/Forecast; add a kind column"
            )
        party = row.text("party", max_length=100)
        return label, month, amount, kind, party

    rows = collect(read_table(name, content, required=FINANCE_COLUMNS), parse)
    if not rows:
        raise ImportRejected([RowProblem(name, 0, "", "has no rows")])
    years = {_financial_year(m) for _, m, *_ in rows if isinstance(m, date)}
    if len(years) != 1:
        found = ", ".join(f"{y}/{(y + 1) % 100:02d}" for y in sorted(years)) or "none"
        raise ImportRejected(
            [
                RowProblem(
                    name, 0, "month", f"months must fall in one financial year (found {found})"
                )
            ]
        )
    year = years.pop()
    lines: dict[str, dict] = {}
    problems = []
    for line_no, (label, month, amount, kind, party) in enumerate(rows, start=2):
        entry = lines.setdefault(
            label, {"kind": kind, "party": party, "months": {}, "unassigned": [], "total": None}
        )
        if month == "total":
            if entry["total"] is not None:
                problems.append(RowProblem(name, line_no, "month", f"'{label}' has two totals"))
            entry["total"] = amount
        elif month is None:
            entry["unassigned"].append(amount)
        elif month in entry["months"]:
            problems.append(
                RowProblem(name, line_no, "month", f"'{label}' has {month:%Y-%m} twice")
            )
        else:
            entry["months"][month] = amount
    if problems:
        raise ImportRejected(problems)
    result = []
    for label, entry in lines.items():
        is_total = label.lower().startswith("total")
        party = entry["party"]
        if not party and not is_total:
            prefix = re.sub(r"(act(ual)?/forecast|budget)$", "", label, flags=re.I).strip()
            party = prefix or default_party
        result.append(
            FinanceLineData(
                label=label,
                party="" if is_total else party,
                kind=entry["kind"],
                is_printed_total=is_total,
                printed_total=entry["total"],
                months=entry["months"],
                unassigned=entry["unassigned"],
            )
        )
    return year, result


def parse_trials(name: str, content: bytes) -> list[TrialRow]:
    def parse(row: Row):
        passed = row.integer("steps_passed", minimum=0)
        total = row.integer("steps_total", minimum=0)
        percent = row.integer("percent", minimum=0, maximum=100)
        if percent is None and not row.problems:
            percent = percent_of(passed, total)
            if percent is None:
                row.problem("percent", "is required when step counts are not given")
        trial = TrialRow(
            stage=row.text("sit_stage", required=True, max_length=100),
            test_case=row.text("test_case", required=True, max_length=200),
            cohorts=row.text("cohorts", required=True, max_length=50),
            status=row.choice("status", TrialStatus, required=True),
            steps_passed=passed,
            steps_total=total,
            percent=percent if percent is not None else 0,
            commentary=row.text("commentary"),
        )
        if not row.problems:
            for problem in trial_problems(trial):
                row.problem("percent" if "%" in problem else "steps_passed", problem)
        return trial

    trials = collect(read_table(name, content, required=TRIAL_COLUMNS), parse)
    seen = set()
    problems = []
    for line_no, trial in enumerate(trials, start=2):
        key = (trial.stage, trial.test_case, trial.cohorts)
        if key in seen:
            problems.append(
                RowProblem(
                    name, line_no, "cohorts", f"'{trial.cohorts}' appears twice for this test case"
                )
            )
        seen.add(key)
    if problems:
        raise ImportRejected(problems)
    return trials


def decimal_or_none(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)
