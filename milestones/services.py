"""Writes to the milestone register: atomic, validated, attributed in history.

Every change to dates, completion or predecessors schedules a RAG recompute of the
milestone and everything downstream of it (`milestones.tasks.recompute_rags`) once the
transaction commits. The baseline date moves only through `milestone_rebaseline`.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from milestones.models import REFERENCE_PATTERN, Milestone, Reforecast, Snapshot, SnapshotRow
from milestones.recompute import milestones_recompute  # noqa: F401  (part of the services)
from portal.concurrency import claim_version
from portal.history import history_context, mark_change
from portal.importing import ImportRejected, Row, RowProblem, collect, read_table
from portal.models import Forum, Organisation, User

# Fields the edit form and the inline edits may change (baseline and forecast have their own
# explicit steps, each with a reason).
EDITABLE_FIELDS = (
    "title",
    "forum",
    "forum_stream",
    "responsible",
    "responsible_organisation",
    "completed_on",
    "at_risk",
    "at_risk_reason",
    "commentary",
    "rag_override",
    "override_reason",
)
_RAG_INPUTS = {"completed_on", "at_risk", "at_risk_reason", "rag_override", "override_reason"}


_batched: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "recompute_batch", default=None
)


def _schedule_recompute(milestone_ids: Iterable[int]) -> None:
    from milestones.tasks import recompute_rags

    batch = _batched.get()
    if batch is not None:
        batch.update(milestone_ids)
        return
    ids = sorted(set(milestone_ids))
    transaction.on_commit(lambda: recompute_rags.delay(milestone_ids=ids))


@contextmanager
def one_recompute():
    """Collect the recomputes scheduled inside the block into one task (imports)."""
    token = _batched.set(set())
    try:
        yield
        ids = _batched.get()
    finally:
        _batched.reset(token)
    if ids:
        _schedule_recompute(ids)


def split_reference(reference: str) -> tuple[str, str]:
    """'T3-DB-0153' -> ('T3', 'DB')."""
    tier, workstream, _number = reference.split("-")
    return tier, workstream


def split_forum(printed: str) -> tuple[str, str]:
    """'QAG (Non-SIT LDSO)' -> ('QAG', 'Non-SIT LDSO'); 'PSG' -> ('PSG', '')."""
    printed = printed.strip()
    if "(" in printed and printed.endswith(")"):
        code, _, stream = printed.partition("(")
        return code.strip(), stream[:-1].strip()
    return printed, ""


def _check_no_cycle(milestone: Milestone, predecessors: list[Milestone]) -> None:
    """A predecessor may not be the milestone itself nor anything downstream of it."""
    from milestones.selectors import downstream_ids

    downstream = downstream_ids([milestone.pk])  # includes milestone.pk
    looping = [p.reference for p in predecessors if p.pk in downstream]
    if looping:
        raise ValidationError(
            {"predecessors": f"{', '.join(looping)} would make the milestone depend on itself."}
        )


@transaction.atomic
def milestone_create(
    *,
    actor: User | None,
    reference: str,
    forum: Forum,
    title: str,
    baseline_date: date,
    forecast_date: date,
    forum_stream: str = "",
    responsible: str = "",
    responsible_organisation: Organisation | None = None,
    completed_on: date | None = None,
    at_risk: bool = False,
    at_risk_reason: str = "",
    commentary: str = "",
    predecessors: Iterable[Milestone] = (),
    reason: str = "Milestone added",
) -> Milestone:
    reference = reference.strip().upper()
    at_risk_reason = at_risk_reason.strip() if at_risk else ""
    if at_risk and not at_risk_reason:
        raise ValidationError({"at_risk_reason": "Say why the milestone is at risk."})
    milestone = Milestone(
        reference=reference,
        forum=forum,
        forum_stream=forum_stream,
        title=title,
        baseline_date=baseline_date,
        forecast_date=forecast_date,
        responsible=responsible,
        responsible_organisation=responsible_organisation,
        completed_on=completed_on,
        at_risk=at_risk,
        at_risk_reason=at_risk_reason,
        commentary=commentary,
    )
    if re.match(REFERENCE_PATTERN, reference):
        milestone.tier, milestone.workstream = split_reference(reference)
    milestone.full_clean()
    mark_change(milestone, actor=actor, reason=reason)
    milestone.save()
    predecessors = list(predecessors)
    if predecessors:
        with history_context(actor=actor, reason=reason):
            milestone.predecessors.set(predecessors)
    _schedule_recompute([milestone.pk])
    return milestone


@transaction.atomic
def milestone_update(
    *,
    actor: User | None,
    milestone: Milestone,
    expected_version: int | None,
    reason: str = "",
    predecessors: Iterable[Milestone] | None = None,
    **changes,
) -> Milestone:
    """Change any of EDITABLE_FIELDS (and the predecessors); refuses a stale version."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    claim_version(milestone, expected_version=expected_version)
    rag_inputs_changed = False
    for name, value in changes.items():
        if getattr(milestone, name) != value:
            rag_inputs_changed |= name in _RAG_INPUTS
            setattr(milestone, name, value)
    if not milestone.rag_override:
        milestone.override_reason = ""
    elif not milestone.override_reason.strip():
        raise ValidationError({"override_reason": "An override needs a reason."})
    milestone.at_risk_reason = milestone.at_risk_reason.strip() if milestone.at_risk else ""
    if milestone.at_risk and not milestone.at_risk_reason:
        raise ValidationError({"at_risk_reason": "Say why the milestone is at risk."})
    milestone.full_clean()
    mark_change(milestone, actor=actor, reason=reason or "Milestone edited")
    milestone.save()
    if predecessors is not None:
        predecessors = list(predecessors)
        if {p.pk for p in predecessors} != set(milestone.predecessors.values_list("pk", flat=True)):
            _check_no_cycle(milestone, predecessors)
            with history_context(actor=actor, reason=reason or "Predecessors changed"):
                milestone.predecessors.set(predecessors)
            rag_inputs_changed = True
    if rag_inputs_changed:
        _schedule_recompute([milestone.pk])
    return milestone


@transaction.atomic
def milestone_save_edit(
    *,
    actor: User | None,
    milestone: Milestone,
    expected_version: int | None,
    changes: dict,
    forecast_date: date | None = None,
    forecast_reason: str = "",
    predecessors: Iterable[Milestone] | None = None,
    reason: str = "",
) -> Milestone:
    """The edit form's save: a reforecast (with its reason) and field changes, as one step
    checked once against the version the editor started from. Nothing changed: no write."""
    if forecast_date is not None and forecast_date != milestone.forecast_date:
        milestone_reforecast(
            actor=actor,
            milestone=milestone,
            forecast_date=forecast_date,
            reason=forecast_reason,
            expected_version=expected_version,
        )
        expected_version = None
    changed = {k: v for k, v in changes.items() if getattr(milestone, k) != v}
    if predecessors is not None:
        predecessors = list(predecessors)
        same = {p.pk for p in predecessors} == set(
            milestone.predecessors.values_list("pk", flat=True)
        )
        if same:
            predecessors = None
    if changed or predecessors is not None:
        milestone_update(
            actor=actor,
            milestone=milestone,
            expected_version=expected_version,
            reason=reason,
            predecessors=predecessors,
            **changed,
        )
    elif expected_version is not None:
        claim_version(milestone, expected_version=expected_version)
        milestone.version -= 1  # nothing is saved, so the version does not move
    return milestone


@transaction.atomic
def milestone_inline_edit(
    *, actor: User | None, milestone: Milestone, field: str, expected_version: int, values: dict
) -> Milestone:
    """One field edited in a register row: the forecast (with a reason), the commentary or
    the at-risk flag (with its reason)."""
    if field == "forecast":
        return milestone_reforecast(
            actor=actor,
            milestone=milestone,
            forecast_date=values.get("forecast_date"),
            reason=values.get("reason", ""),
            expected_version=expected_version,
        )
    if field == "commentary":
        return milestone_update(
            actor=actor,
            milestone=milestone,
            expected_version=expected_version,
            reason="Commentary edited",
            commentary=values.get("commentary", ""),
        )
    if field == "at_risk":
        flag = bool(values.get("at_risk"))
        return milestone_update(
            actor=actor,
            milestone=milestone,
            expected_version=expected_version,
            reason="Flagged at risk" if flag else "At-risk flag cleared",
            at_risk=flag,
            at_risk_reason=(values.get("at_risk_reason") or "") if flag else "",
        )
    raise ValueError(f"No inline edit for {field!r}")


@transaction.atomic
def milestone_reforecast(
    *,
    actor: User | None,
    milestone: Milestone,
    forecast_date: date,
    reason: str,
    expected_version: int | None = None,
    when=None,
) -> Milestone:
    """Move the forecast date, recording old, new, who, when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the forecast date changes."})
    if forecast_date is None:
        raise ValidationError({"forecast_date": "Enter the new forecast date."})
    claim_version(milestone, expected_version=expected_version)
    old = Milestone._base_manager.filter(pk=milestone.pk).values_list("forecast_date", flat=True)[0]
    if old == forecast_date:
        raise ValidationError({"forecast_date": "That is already the forecast date."})
    milestone.forecast_date = forecast_date
    milestone.full_clean()
    mark_change(milestone, actor=actor, reason=f"Reforecast: {reason}")
    milestone.save()
    Reforecast.objects.create(
        milestone=milestone,
        old_date=old,
        new_date=forecast_date,
        changed_by=actor,
        changed_at=when or timezone.now(),
        reason=reason,
    )
    _schedule_recompute([milestone.pk])
    return milestone


@transaction.atomic
def milestone_rebaseline(
    *,
    actor: User | None,
    milestone: Milestone,
    baseline_date: date,
    reason: str,
    expected_version: int | None = None,
) -> Milestone:
    """Move the baseline date: the only way it moves (e.g. on an approved change request).

    The history row carries "Rebaselined: <reason>", so `history_of` shows who moved it,
    from what, to what and why.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the baseline date changes."})
    if baseline_date is None:
        raise ValidationError({"baseline_date": "Enter the new baseline date."})
    claim_version(milestone, expected_version=expected_version)
    if milestone.baseline_date == baseline_date:
        raise ValidationError({"baseline_date": "That is already the baseline date."})
    milestone.baseline_date = baseline_date
    milestone.full_clean()
    mark_change(milestone, actor=actor, reason=f"Rebaselined: {reason}")
    milestone.save()
    _schedule_recompute([milestone.pk])
    return milestone


# --- snapshots ----------------------------------------------------------------------------


@transaction.atomic
def snapshot_take(*, on: date, taken_at=None) -> Snapshot:
    """Record every milestone's RAG as at `on`. Retaking the same date replaces its rows,
    so a rerun after a failure is harmless."""
    from milestones.selectors import evaluate_register

    snapshot, _ = Snapshot.objects.update_or_create(
        taken_on=on, defaults={"taken_at": taken_at or timezone.now()}
    )
    snapshot.rows.all().delete()
    facts, results = evaluate_register(on=on)
    SnapshotRow.objects.bulk_create(
        [
            SnapshotRow(
                snapshot=snapshot,
                milestone_id=pk,
                rag=result.value,
                computed_rag=result.computed.value,
                reason=result.reason,
                is_override=result.is_override,
                baseline_date=facts[pk].baseline_date,
                forecast_date=facts[pk].forecast_date,
                completed_on=facts[pk].completed_on,
            )
            for pk, result in results.items()
        ],
        batch_size=5000,
    )
    return snapshot


# --- spreadsheet import -------------------------------------------------------------------

# A file needs only `ref`: rows for references already in the register update the columns the
# file has (a status update: completed_on, at_risk, at_risk_reason, commentary...); a new
# reference also needs the columns that create a milestone.
IMPORT_REQUIRED = ["ref"]
CREATE_REQUIRED = ["forum", "title", "baseline_date", "forecast_date"]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    references: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Parsed:
    line: int
    reference: str
    # Only the columns the file has: a missing column leaves the register's value alone.
    values: dict


def _parse_forum(row: Row, forums: dict[str, Forum], values: dict) -> None:
    code, stream = split_forum(row.text("forum", required=True))
    forum = forums.get(code.upper()) if code else None
    if code and forum is None:
        row.problem("forum", f"'{code}' is not a forum code ({', '.join(sorted(forums))})")
    if len(stream) > 100:
        row.problem("forum", "the bracketed sub-group is longer than 100 characters")
    values.update(forum=forum, forum_stream=stream)


def _parser(forums: dict[str, Forum], existing: dict[str, Milestone]):
    seen: dict[str, int] = {}

    def parse(row: Row) -> _Parsed:
        has = row.values.__contains__
        reference = row.text("ref", required=True).upper()
        if reference and not re.match(REFERENCE_PATTERN, reference):
            row.problem("ref", f"'{reference}' is not a reference like T3-DB-0153")
        elif reference in seen:
            row.problem("ref", f"'{reference}' is also on line {seen[reference]}")
        elif reference:
            seen[reference] = row.line
        current = existing.get(reference)
        if current is None and reference:
            for column in CREATE_REQUIRED:
                if not has(column):
                    row.problem(column, f"is needed to add {reference} (not in the register)")
        values: dict = {}
        if has("forum"):
            _parse_forum(row, forums, values)
        if has("title"):
            values["title"] = row.text("title", required=True, max_length=300)
        if has("baseline_date"):
            values["baseline_date"] = baseline = row.date("baseline_date", required=True)
            if current is not None and baseline and current.baseline_date != baseline:
                row.problem(
                    "baseline_date",
                    f"differs from the register ({current.baseline_date:%Y-%m-%d}); the "
                    "baseline moves only by a rebaseline",
                )
        if has("forecast_date"):
            values["forecast_date"] = row.date("forecast_date", required=True)
        if has("completed_on"):
            values["completed_on"] = row.date("completed_on")
        if has("responsible"):
            values["responsible"] = row.text("responsible", max_length=200)
        if has("commentary") or has("status_text"):
            values["commentary"] = row.text("commentary") or row.text("status_text")
        if (row.values.get("at_risk") or "").strip():
            values["at_risk"] = row.boolean("at_risk")
        if has("at_risk_reason"):
            values["at_risk_reason"] = row.text("at_risk_reason")
        flagged = values.get("at_risk", current.at_risk if current else False)
        reason = values.get("at_risk_reason", current.at_risk_reason if current else "")
        if flagged and not reason:
            row.problem("at_risk_reason", "say why the milestone is at risk")
        if not flagged:
            values.pop("at_risk_reason", None)
        return _Parsed(row.line, reference, values)

    return parse


@transaction.atomic
def milestones_import_rows(*, actor: User | None, rows: Iterable[Row], source: str) -> ImportResult:
    """Validate every row, then apply all of them or none (raises ImportRejected).

    Rows are matched on reference: new ones are created, existing ones updated in the columns
    the file has; a changed forecast date is recorded as a reforecast with the import named as
    its reason. Clearing the at-risk flag clears its reason.
    """
    forums = {f.code.upper(): f for f in Forum.objects.all()}
    existing = {m.reference: m for m in Milestone.objects.select_for_update()}
    parsed: list[_Parsed] = collect(rows, _parser(forums, existing))
    # Responsible is free text; where it names an organisation exactly, link it too.
    organisations = {o.name.lower(): o for o in Organisation.objects.only("id", "name")}
    result = ImportResult()
    reason = f"Imported from {source}"
    with history_context(actor=actor, reason=reason), one_recompute():
        for item in parsed:
            values = dict(item.values)
            if "responsible" in values:
                named = organisations.get(values["responsible"].lower())
                if named is not None:
                    values["responsible_organisation"] = named
            current = existing.get(item.reference)
            if current is None:
                milestone_create(actor=actor, reference=item.reference, reason=reason, **values)
                result.created += 1
                result.references.append(item.reference)
                continue
            values.pop("baseline_date", None)  # equal to the register's (checked above)
            forecast = values.pop("forecast_date", current.forecast_date)
            if values.get("at_risk") is False:
                values["at_risk_reason"] = ""
            changed = {k: v for k, v in values.items() if getattr(current, k) != v}
            if forecast == current.forecast_date and not changed:
                result.unchanged += 1
                continue
            if forecast != current.forecast_date:
                milestone_reforecast(
                    actor=actor, milestone=current, forecast_date=forecast, reason=reason
                )
            if changed:
                milestone_update(
                    actor=actor, milestone=current, expected_version=None, reason=reason, **changed
                )
            result.updated += 1
            result.references.append(item.reference)
    return result


def milestones_import(*, actor: User | None, filename: str, content: bytes) -> ImportResult:
    """Import a CSV or XLSX in the register's columns; all rows or none."""
    rows = list(read_table(filename, content, required=IMPORT_REQUIRED))
    if not rows:
        raise ImportRejected([RowProblem(filename, 0, "", "has no rows to import")])
    return milestones_import_rows(actor=actor, rows=rows, source=filename)
