"""Writes to the plan's timeline activities (PMO only): atomic, validated, kept in history.

The plan is what the M10 slide draws: activities in lanes ("Planning scenario development",
"SIT Functional"...), with milestones and meetings as one-day marks. An activity may stand for a
register milestone. Where its dates are known only roughly, it says so (`approximate`) and how
(`date_basis`): the database refuses an approximate date without its basis.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from milestones.models import ActivityKind, Milestone, PlanActivity
from portal.concurrency import claim_version
from portal.history import history_context, mark_change
from portal.importing import ImportRejected, Row, RowProblem, collect, read_table
from portal.models import User

EDITABLE_FIELDS = (
    "lane",
    "title",
    "kind",
    "start_date",
    "end_date",
    "approximate",
    "date_basis",
    "source",
    "milestone",
    "position",
)
POSITION_STEP = 10
# The history keeps a change's reason in 100 characters (simple-history's field).
REASON_LENGTH = 100


def _reason(text: str, *, prefix: str = "") -> str:
    """`prefix` + the reason, refused if the history could not keep it whole."""
    text = " ".join((text or "").split())
    if len(prefix + text) > REASON_LENGTH:
        room = REASON_LENGTH - len(prefix)
        raise ValidationError({"reason": f"Keep the reason to {room} characters."})
    return prefix + text


def _check(activity: PlanActivity) -> None:
    """The dates' rules, in words (the database constraints say the same)."""
    if activity.is_point and activity.start_date and activity.end_date is None:
        activity.end_date = activity.start_date
    if activity.is_point and activity.end_date != activity.start_date:
        raise ValidationError(
            {"end_date": "A milestone or a meeting is one day: leave the end empty."}
        )
    if activity.end_date and activity.start_date and activity.end_date < activity.start_date:
        raise ValidationError({"end_date": "The end is before the start."})
    if activity.approximate and not activity.date_basis:
        raise ValidationError({"date_basis": "Say how the approximate dates were arrived at."})


def _prepare(activity: PlanActivity) -> None:
    for name in ("lane", "title", "date_basis", "source"):
        setattr(activity, name, (getattr(activity, name) or "").strip())
    _check(activity)
    activity.full_clean()


def _next_position() -> int:
    top = PlanActivity.objects.aggregate(top=Max("position"))["top"]
    return (top or 0) + POSITION_STEP


@transaction.atomic
def plan_activity_create(
    *,
    actor: User | None,
    lane: str,
    title: str,
    kind: str,
    start_date: date,
    end_date: date | None = None,
    approximate: bool = False,
    date_basis: str = "",
    source: str = "",
    milestone: Milestone | None = None,
    position: int | None = None,
    reason: str = "Plan activity added",
) -> PlanActivity:
    activity = PlanActivity(
        lane=lane,
        title=title,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        approximate=approximate,
        date_basis=date_basis,
        source=source,
        milestone=milestone,
        position=_next_position() if position is None else position,
    )
    _prepare(activity)
    mark_change(activity, actor=actor, reason=_reason(reason))
    activity.save()
    return activity


@transaction.atomic
def plan_activity_update(
    *,
    actor: User | None,
    activity: PlanActivity,
    expected_version: int | None,
    reason: str = "",
    **changes,
) -> PlanActivity:
    """Change any of EDITABLE_FIELDS; refuses a stale version. Nothing changed: no write."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    changed = {k: v for k, v in changes.items() if getattr(activity, k) != v}
    if not changed:
        return activity
    claim_version(activity, expected_version=expected_version)
    for name, value in changed.items():
        setattr(activity, name, value)
    if activity.is_point and "end_date" not in changed and "start_date" in changed:
        activity.end_date = activity.start_date
    _prepare(activity)
    mark_change(activity, actor=actor, reason=_reason(reason or "Plan activity edited"))
    activity.save()
    return activity


@transaction.atomic
def plan_activity_delete(
    *, actor: User | None, activity: PlanActivity, expected_version: int | None, reason: str
) -> None:
    """Remove an activity from the plan; its history keeps who removed it and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the activity leaves the plan."})
    claim_version(activity, expected_version=expected_version)
    mark_change(activity, actor=actor, reason=_reason(reason, prefix="Removed: "))
    activity.delete()


# --- spreadsheet import -------------------------------------------------------------------

IMPORT_REQUIRED = ["lane", "title", "kind", "start_date"]
# The export's columns, which the import takes back (`id` updates that activity).
EXPORT_HEADERS = ["id", "position", *(f for f in EDITABLE_FIELDS if f != "position")]


@dataclass
class PlanImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _parser(existing_by_id: dict, references: dict):
    seen: dict[tuple, int] = {}

    def parse(row: Row) -> tuple[PlanActivity | None, dict]:
        values = {
            "lane": row.text("lane", required=True, max_length=100),
            "title": row.text("title", required=True, max_length=200),
            "kind": row.choice("kind", ActivityKind, required=True),
            "start_date": row.date("start_date", required=True),
            "end_date": row.date("end_date"),
            "approximate": row.boolean("approximate"),
            "date_basis": row.text("date_basis"),
            "source": row.text("source", max_length=200),
        }
        reference = row.text("milestone").upper()
        values["milestone"] = references.get(reference)
        if reference and values["milestone"] is None:
            row.problem("milestone", f"'{reference}' is not in the milestone register")
        position = row.integer("position", minimum=0, maximum=10_000_000)
        if position is not None:
            values["position"] = position
        current = None
        if row.text("id"):
            ident = row.integer("id", minimum=1)
            current = existing_by_id.get(ident)
            if ident and current is None:
                row.problem("id", f"there is no plan activity {ident} (leave id empty to add one)")
        key = (values["lane"], values["title"], values["start_date"])
        if key in seen:
            row.problem("title", f"the same lane, title and start are on line {seen[key]}")
        seen[key] = row.line
        # The model's own rules, as the edit page applies them.
        probe = PlanActivity(**{k: v for k, v in values.items() if k != "milestone"})
        if values["kind"] and values["start_date"]:
            try:
                _check(probe)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    row.problem(field, " ".join(messages))
        return current, values

    return parse


@transaction.atomic
def plan_activities_import_rows(
    *, actor: User | None, rows: Iterable[Row], source: str
) -> PlanImportResult:
    """Validate every row, then apply all or none (raises ImportRejected). A row with an `id`
    updates that activity; otherwise it matches on lane, title and start, or is added."""
    existing = list(PlanActivity.objects.select_for_update())
    by_id = {a.pk: a for a in existing}
    by_key = {(a.lane, a.title, a.start_date): a for a in existing}
    references = {m.reference: m for m in Milestone.objects.only("id", "reference")}
    parsed = collect(rows, _parser(by_id, references))
    result = PlanImportResult()
    reason = f"Imported from {source}"[:REASON_LENGTH]  # a long file name is cut, not refused
    with history_context(actor=actor, reason=reason):
        for current, values in parsed:
            current = current or by_key.get((values["lane"], values["title"], values["start_date"]))
            if current is None:
                plan_activity_create(actor=actor, reason=reason, **values)
                result.created += 1
                continue
            if values.get("end_date") is None and current.is_point:
                values["end_date"] = values["start_date"]
            if all(getattr(current, k) == v for k, v in values.items()):
                result.unchanged += 1
                continue
            plan_activity_update(
                actor=actor, activity=current, expected_version=None, reason=reason, **values
            )
            result.updated += 1
    return result


def plan_activities_import(
    *, actor: User | None, filename: str, content: bytes
) -> PlanImportResult:
    rows = list(read_table(filename, content, required=IMPORT_REQUIRED))
    if not rows:
        raise ImportRejected([RowProblem(filename, 0, "", "has no rows to import")])
    return plan_activities_import_rows(actor=actor, rows=rows, source=filename)
