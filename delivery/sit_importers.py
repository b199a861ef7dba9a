"""Reading SIT progress tables (CSV or XLSX): every row checked before anything is written.

The PMO's import page and the programme loader read through the same parsers. Each file carries
a `slide` column naming where its rows came from; parsers ignore it.

- Completion targets, one row per line of the slide: `stage, cycle, kind, target, text, scope,
  comparator, threshold, unit, achieved, achieved_to, out_of, result, assessment, cut_off,
  sprint`. `kind` is `set` (text = the printed title; cut_off, sprint), `target` (target number,
  text = statement), `measure` (text = what is measured, plus its figures) or `note` (text = a
  point that is not a measure).
- MVC status: `as_of, group, pps_confirmed, market_role, required, confirmed, participants,
  readiness`; one row per market role; participants separated by "; ".
- Stage statuses: `as_of, stage, rag, comment`; one row per comment line.
- Cohort trials: `sprint, part, kind, cohorts, text, detail`; `part` is a field of the plan
  (title, objective, single_approach, paired_approach, themes_intro: one row each; ethos,
  operation, emerging_themes, next_steps: one row per point) or `trial` (kind, cohorts,
  text = the target test, detail).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from delivery.models import Rag
from delivery.sit_models import Assessment, CcpReadiness, Comparator, MeasureUnit, TrialKind
from delivery.sit_services import MvcGroupData, TargetData, TargetSetData
from portal.importing import ImportRejected, Row, RowProblem, collect, read_table

TARGET_COLUMNS = ["stage", "cycle", "kind", "target", "text"]
MVC_COLUMNS = ["as_of", "group", "pps_confirmed", "market_role", "required", "confirmed"]
STAGE_COLUMNS = ["as_of", "stage", "rag", "comment"]
TRIAL_COLUMNS = ["sprint", "part", "text"]
PLAN_TEXT_PARTS = ["title", "objective", "single_approach", "paired_approach", "themes_intro"]
PLAN_LINE_PARTS = ["ethos", "operation", "emerging_themes", "next_steps"]
_COMPARATORS = {">": "gt", ">=": "ge", "≥": "ge", "<": "lt", "<=": "le", "≤": "le", "=": "eq"}
_UNITS = {"%": MeasureUnit.PERCENT, "percent": MeasureUnit.PERCENT, "count": MeasureUnit.COUNT}


def measure_problems(values: dict) -> list[tuple[str, str]]:
    """Pure checks of a measure's figures: (column, problem) pairs, none if consistent."""
    problems = []
    if bool(values.get("comparator")) != (values.get("threshold") is not None):
        problems.append(
            ("threshold", "give the threshold together with its comparison (> ≥ < ≤ =)")
        )
    achieved, achieved_to = values.get("achieved"), values.get("achieved_to")
    if achieved_to is not None and (achieved is None or achieved_to < achieved):
        problems.append(("achieved_to", "a range needs 'achieved' as its lower end"))
    out_of = values.get("out_of")
    if out_of is not None:
        if achieved is None or achieved_to is not None or values.get("unit") != MeasureUnit.COUNT:
            problems.append(("out_of", "'out of' goes with a single achieved count (unit count)"))
        elif achieved > out_of:
            problems.append(("achieved", f"{achieved} is more than {out_of}"))
    if values.get("unit") == MeasureUnit.PERCENT:
        for column in ("threshold", "achieved", "achieved_to"):
            value = values.get(column)
            if value is not None and not 0 <= value <= 100:
                problems.append((column, f"{value}% is not between 0 and 100"))
    return problems


def _decimal(row: Row, column: str) -> Decimal | None:
    value = row.decimal(column)
    if value is not None and (value.as_tuple().exponent < -2 or abs(value) >= 10**7):
        row.problem(column, f"'{value}' has more than two decimal places or is too large")
    return value


def _parse_measure(row: Row) -> dict:
    raw_comparator = row.text("comparator")
    comparator = _COMPARATORS.get(raw_comparator, raw_comparator if raw_comparator else "")
    if comparator and comparator not in Comparator.values:
        row.problem("comparator", f"'{raw_comparator}' is not one of > ≥ < ≤ =")
        comparator = ""
    raw_unit = row.text("unit").lower() or "%"
    unit = _UNITS.get(raw_unit)
    if unit is None:
        row.problem("unit", f"'{raw_unit}' is not % or count")
    values = {
        "measure": row.text("text", required=True),
        "scope": row.text("scope", max_length=200),
        "comparator": comparator,
        "threshold": _decimal(row, "threshold"),
        "unit": unit or MeasureUnit.PERCENT,
        "achieved": _decimal(row, "achieved"),
        "achieved_to": _decimal(row, "achieved_to"),
        "out_of": row.integer("out_of", minimum=1),
        "result": row.text("result"),
        "assessment": row.choice("assessment", Assessment) or "",
    }
    if not row.problems:
        for column, problem in measure_problems(values):
            row.problem(column, problem)
    return values


def parse_targets(name: str, content: bytes) -> list[TargetSetData]:
    """The target sets of a file, each with its numbered targets, measures and notes."""

    def parse(row: Row):
        kind = row.text("kind", required=True).lower()
        key = (row.text("stage", required=True, max_length=100), row.text("cycle", required=True))
        if len(key[1]) > 50:
            row.problem("cycle", "is longer than 50 characters")
        number = None
        if kind != "set":
            number = row.integer("target", required=True, minimum=1, maximum=999)
        if kind == "set":
            return (
                kind,
                key,
                number,
                {
                    "title": row.text("text", required=True, max_length=200),
                    "cut_off": row.date("cut_off", required=True),
                    "sprint": row.text("sprint", max_length=50),
                },
            )
        if kind == "target":
            return kind, key, number, {"statement": row.text("text", required=True)}
        if kind == "measure":
            return kind, key, number, _parse_measure(row)
        if kind == "note":
            return kind, key, number, {"text": row.text("text", required=True)}
        row.problem("kind", f"'{kind}' is not set, target, measure or note")
        return None

    rows = list(read_table(name, content, required=TARGET_COLUMNS))
    parsed = collect(rows, parse)
    sets: dict[tuple, dict] = {}
    targets: dict[tuple, dict] = {}
    problems = []
    # Rows that parsed cleanly, with their line numbers, in file order.
    lines = [row.line for row in rows]
    for line, (kind, key, number, values) in zip(lines, parsed, strict=True):
        if kind == "set":
            if key in sets:
                problems.append(RowProblem(name, line, "kind", f"{' '.join(key)} is set twice"))
            sets[key] = {**values, "targets": []}
        elif kind == "target":
            if (key, number) in targets:
                problems.append(RowProblem(name, line, "target", f"target {number} appears twice"))
            elif key not in sets:
                problems.append(
                    RowProblem(name, line, "stage", f"no 'set' row for {' '.join(key)} above it")
                )
            else:
                targets[(key, number)] = {**values, "notes": [], "measures": []}
                sets[key]["targets"].append((number, targets[(key, number)]))
        else:
            target = targets.get((key, number))
            if target is None:
                problems.append(
                    RowProblem(name, line, "target", f"no 'target' row {number} above it")
                )
            elif kind == "measure":
                target["measures"].append(values)
            else:
                target["notes"].append(values["text"])
    if not sets and not problems:
        problems.append(RowProblem(name, 0, "", "has no target sets"))
    if problems:
        raise ImportRejected(problems)
    return [
        TargetSetData(
            stage=stage,
            cycle=cycle,
            title=data["title"],
            cut_off=data["cut_off"],
            sprint=data["sprint"],
            targets=[
                TargetData(number, t["statement"], t["notes"], t["measures"])
                for number, t in data["targets"]
            ],
        )
        for (stage, cycle), data in sets.items()
    ]


def _one_date(name: str, values: list) -> date:
    dates = {value["as_of"] for value in values}
    if len(dates) != 1:
        found = ", ".join(sorted(d.isoformat() for d in dates)) or "none"
        raise ImportRejected([RowProblem(name, 0, "as_of", f"give one date per file ({found})")])
    return dates.pop()


def _agree(name: str, line: int, column: str, kept: dict, key: str, value) -> list[RowProblem]:
    """A group's value is given on its first row; later rows repeat it or leave it empty."""
    if value in (None, ""):
        return []
    if kept.get(key) in (None, ""):
        kept[key] = value
        return []
    if kept[key] != value:
        return [RowProblem(name, line, column, f"{value} differs from {kept[key]} above")]
    return []


def parse_mvc_status(name: str, content: bytes) -> tuple[date, list[MvcGroupData]]:
    def parse(row: Row):
        participants = [p.strip() for p in row.text("participants").split(";") if p.strip()]
        return {
            "as_of": row.date("as_of", required=True),
            "group": row.text("group", required=True, max_length=200),
            "pps_confirmed": row.integer("pps_confirmed", minimum=0),
            "role": {
                "market_role": row.text("market_role", max_length=100),
                "required": row.integer("required", minimum=0),
                "confirmed": row.integer("confirmed", minimum=0),
                "participants": "\n".join(participants),
                "readiness": row.choice("readiness", CcpReadiness) or "",
            },
        }

    rows = list(read_table(name, content, required=MVC_COLUMNS))
    parsed = collect(rows, parse)
    as_of = _one_date(name, parsed)
    groups: dict[str, dict] = {}
    problems = []
    for row, values in zip(rows, parsed, strict=True):
        group = groups.setdefault(values["group"], {"pps_confirmed": None, "roles": []})
        problems += _agree(
            name, row.line, "pps_confirmed", group, "pps_confirmed", values["pps_confirmed"]
        )
        group["roles"].append(values["role"])
    if problems:
        raise ImportRejected(problems)
    return as_of, [
        MvcGroupData(group_name, data["pps_confirmed"], data["roles"])
        for group_name, data in groups.items()
    ]


def parse_stage_statuses(name: str, content: bytes) -> tuple[date, list[dict]]:
    def parse(row: Row):
        return {
            "as_of": row.date("as_of", required=True),
            "stage": row.text("stage", required=True, max_length=100),
            "rag": row.choice("rag", Rag) or "",
            "comment": row.text("comment"),
        }

    rows = list(read_table(name, content, required=STAGE_COLUMNS))
    parsed = collect(rows, parse)
    as_of = _one_date(name, parsed)
    stages: dict[str, dict] = {}
    problems = []
    for row, values in zip(rows, parsed, strict=True):
        stage = stages.setdefault(
            values["stage"], {"stage": values["stage"], "rag": "", "lines": []}
        )
        problems += _agree(name, row.line, "rag", stage, "rag", values["rag"])
        if values["comment"]:
            stage["lines"].append(values["comment"])
    if problems:
        raise ImportRejected(problems)
    return as_of, [
        {"stage": s["stage"], "rag": s["rag"], "comment": "\n".join(s["lines"])}
        for s in stages.values()
    ]


def parse_cohort_trials(name: str, content: bytes) -> list[dict]:
    """One dict per sprint: {'sprint', 'values' (plan fields), 'trials' (rows)}."""
    parts = [*PLAN_TEXT_PARTS, *PLAN_LINE_PARTS, "trial"]

    def parse(row: Row):
        part = row.text("part", required=True).lower()
        if part and part not in parts:
            row.problem("part", f"'{part}' is not one of: {', '.join(parts)}")
        values = {
            "sprint": row.text("sprint", required=True, max_length=50),
            "part": part,
            "text": row.text("text", required=True, max_length=200 if part == "trial" else None),
        }
        if part == "title" and len(values["text"]) > 200:
            row.problem("text", "is longer than 200 characters")
        if part == "trial":
            values["trial"] = {
                "kind": row.choice("kind", TrialKind, required=True),
                "cohorts": row.text("cohorts", required=True, max_length=50),
                "target_test": values["text"],
                "detail": row.text("detail"),
            }
        return values

    rows = list(read_table(name, content, required=TRIAL_COLUMNS))
    parsed = collect(rows, parse)
    plans: dict[str, dict] = {}
    problems = []
    for row, values in zip(rows, parsed, strict=True):
        plan = plans.setdefault(values["sprint"], {"values": {}, "lines": {}, "trials": []})
        part = values["part"]
        if part == "trial":
            plan["trials"].append(values["trial"])
        elif part in PLAN_LINE_PARTS:
            plan["lines"].setdefault(part, []).append(values["text"])
        elif part in plan["values"]:
            problems.append(RowProblem(name, row.line, "part", f"'{part}' is given twice"))
        else:
            plan["values"][part] = values["text"]
    if not plans and not problems:
        problems.append(RowProblem(name, 0, "", "has no rows"))
    if problems:
        raise ImportRejected(problems)
    return [
        {
            "sprint": sprint,
            "values": {
                **dict.fromkeys([*PLAN_TEXT_PARTS, *PLAN_LINE_PARTS], ""),
                **plan["values"],
                **{part: "\n".join(lines) for part, lines in plan["lines"].items()},
            },
            "trials": plan["trials"],
        }
        for sprint, plan in plans.items()
    ]
