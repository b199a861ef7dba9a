"""Writes for SIT progress: completion targets, the SIT dashboard (MVC status, stage statuses) and
cohort trial plans. Atomic, validated, recorded; imports and forms go through the same functions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from delivery.rows import sync_rows
from delivery.sit_models import (
    CohortTrial,
    CohortTrialPlan,
    MvcGroup,
    MvcRole,
    SitDashboard,
    SitStageStatus,
    SitTarget,
    SitTargetMeasure,
    SitTargetSet,
)
from portal.concurrency import claim_version
from portal.history import history_context, mark_change
from portal.models import User
from portal.permissions import ensure

TARGET_SET_FIELDS = ["stage", "cycle", "title", "cut_off", "sprint"]
MEASURE_FIELDS = [
    "measure",
    "scope",
    "comparator",
    "threshold",
    "unit",
    "achieved",
    "achieved_to",
    "out_of",
    "result",
    "assessment",
]
ROLE_FIELDS = ["market_role", "required", "confirmed", "participants", "readiness"]
STAGE_FIELDS = ["stage", "rag", "comment"]
PLAN_FIELDS = [
    "title",
    "objective",
    "single_approach",
    "paired_approach",
    "ethos",
    "operation",
    "themes_intro",
    "emerging_themes",
    "next_steps",
]
TRIAL_FIELDS = ["kind", "cohorts", "target_test", "detail"]


def _edit(actor: User | None) -> None:
    if actor is not None:
        ensure(actor, "sit.edit")


def _refuse_duplicates(rows: list[dict], key: str, label: str) -> None:
    counts = Counter((row.get(key) or "").strip().lower() for row in rows)
    repeated = [name for name, count in counts.items() if name and count > 1]
    if repeated:
        raise ValidationError(f"Each {label} may appear once; repeated: {', '.join(repeated)}.")


def _save(instance, *, actor, reason: str, expected_version: int | None = None, versioned=False):
    if versioned and instance.pk is not None:
        claim_version(instance, expected_version=expected_version)
    instance.full_clean()
    mark_change(instance, actor=actor, reason=reason)
    instance.save()
    return instance


def _set_fields(instance, values: dict, fields: list[str]) -> bool:
    """Copy `values` onto `instance`; True if anything changed."""
    changed = False
    for name in fields:
        if name in values:
            value = values[name]
            if value is None and not instance._meta.get_field(name).null:
                value = ""
            if getattr(instance, name) != value:
                setattr(instance, name, value)
                changed = True
    return changed


# Completion targets -------------------------------------------------------------------------


@transaction.atomic
def sit_target_set_save(
    *,
    actor: User,
    values: dict,
    target_set: SitTargetSet | None = None,
    expected_version: int | None = None,
) -> SitTargetSet:
    """Create a target set, or edit one's stage, cycle, title, cut-off and sprint."""
    _edit(actor)
    target_set = target_set or SitTargetSet()
    if target_set.pk is None:
        target_set.position = SitTargetSet.objects.count()
    _set_fields(target_set, values, TARGET_SET_FIELDS)
    return _save(
        target_set,
        actor=actor,
        reason="Target set saved",
        expected_version=expected_version,
        versioned=True,
    )


@transaction.atomic
def sit_target_save(
    *,
    actor: User | None,
    target_set: SitTargetSet,
    values: dict,
    measures: list[dict],
    target: SitTarget | None = None,
    reason: str = "Target saved",
) -> SitTarget:
    """Create or edit one numbered target and make its measures exactly `measures`."""
    _edit(actor)
    target = target or SitTarget(target_set=target_set)
    if target.target_set_id != target_set.pk:
        raise ValidationError("This target belongs to another target set.")
    _set_fields(target, values, ["number", "statement", "notes"])
    clash = SitTarget.objects.filter(target_set=target_set, number=target.number)
    if clash.exclude(pk=target.pk).exists():
        raise ValidationError({"number": f"Target {target.number} already exists in this set."})
    with history_context(actor=actor, reason=reason):
        _save(target, actor=actor, reason=reason)
        sync_rows(
            SitTargetMeasure,
            parent_field="target",
            parent=target,
            rows=measures,
            fields=MEASURE_FIELDS,
            actor=actor,
        )
    return target


def _remove_target(target: SitTarget, actor: User | None) -> None:
    for measure in target.measures.all():
        mark_change(measure, actor=actor)
        measure.delete()
    mark_change(target, actor=actor)
    target.delete()


@transaction.atomic
def sit_target_delete(*, actor: User, target: SitTarget) -> None:
    _edit(actor)
    with history_context(actor=actor, reason="Target removed"):
        _remove_target(target, actor)


@dataclass(frozen=True)
class TargetData:
    number: int
    statement: str
    notes: list[str] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class TargetSetData:
    stage: str
    cycle: str
    title: str
    cut_off: date
    sprint: str
    targets: list[TargetData] = field(default_factory=list)


@transaction.atomic
def sit_targets_replace(*, actor: User | None, sets: list[TargetSetData], reason: str) -> int:
    """An import: each named set (by stage and cycle) becomes exactly its targets and measures.

    Sets the import does not name are left alone, so last cycle's targets survive this cycle's
    import. Returns the number of measures written."""
    _edit(actor)
    written = 0
    with history_context(actor=actor, reason=reason):
        for position, data in enumerate(sets):
            target_set = SitTargetSet.objects.filter(stage=data.stage, cycle=data.cycle).first()
            values = {name: getattr(data, name) for name in TARGET_SET_FIELDS}
            if target_set is None:
                target_set = SitTargetSet(position=position)
                _set_fields(target_set, values, TARGET_SET_FIELDS)
                _save(target_set, actor=actor, reason=reason)
            elif _set_fields(target_set, values, TARGET_SET_FIELDS) or (
                target_set.position != position
            ):
                target_set.position = position
                _save(target_set, actor=actor, reason=reason, versioned=True)
            existing = {t.number: t for t in target_set.targets.all()}
            for target_data in data.targets:
                target = existing.pop(target_data.number, None)
                values = {
                    "number": target_data.number,
                    "statement": target_data.statement,
                    "notes": "\n".join(target_data.notes),
                }
                if target is None or _set_fields(target, values, list(values)):
                    target = target or SitTarget(target_set=target_set, **values)
                    _save(target, actor=actor, reason=reason)
                sync_rows(
                    SitTargetMeasure,
                    parent_field="target",
                    parent=target,
                    rows=target_data.measures,
                    fields=MEASURE_FIELDS,
                    actor=actor,
                    match_position=True,
                )
                written += len(target_data.measures)
            for stale in existing.values():
                _remove_target(stale, actor)
    return written


# The SIT dashboard: MVC status and stage statuses --------------------------------------------


@transaction.atomic
def sit_dashboard_create(
    *, actor: User, as_of: date, copy_from: SitDashboard | None = None
) -> SitDashboard:
    """A new dated SIT status; by default a copy of the latest one before it, to edit."""
    _edit(actor)
    if SitDashboard.objects.filter(as_of=as_of).exists():
        raise ValidationError({"as_of": f"There is already a SIT status as of {as_of:%d %b %Y}."})
    if copy_from is None:
        copy_from = SitDashboard.objects.filter(as_of__lt=as_of).order_by("-as_of").first()
    reason = f"SIT status as of {as_of:%d %b %Y}" + (
        f", copied from {copy_from.as_of:%d %b %Y}" if copy_from else ""
    )
    with history_context(actor=actor, reason=reason):
        dashboard = _save(SitDashboard(as_of=as_of), actor=actor, reason=reason)
        if copy_from is not None:
            for group in copy_from.groups.prefetch_related("roles"):
                new_group = _save(
                    MvcGroup(
                        dashboard=dashboard,
                        position=group.position,
                        name=group.name,
                        pps_confirmed=group.pps_confirmed,
                    ),
                    actor=actor,
                    reason=reason,
                )
                for role in group.roles.all():
                    values = {name: getattr(role, name) for name in ROLE_FIELDS}
                    _save(
                        MvcRole(group=new_group, position=role.position, **values),
                        actor=actor,
                        reason=reason,
                    )
            for stage in copy_from.stages.all():
                values = {name: getattr(stage, name) for name in STAGE_FIELDS}
                _save(
                    SitStageStatus(dashboard=dashboard, position=stage.position, **values),
                    actor=actor,
                    reason=reason,
                )
    return dashboard


@transaction.atomic
def mvc_group_save(
    *,
    actor: User | None,
    dashboard: SitDashboard,
    name: str,
    pps_confirmed: int | None,
    roles: list[dict],
    group: MvcGroup | None = None,
    reason: str = "MVC status saved",
) -> MvcGroup:
    """Create or edit one participants' group of the MVC status, with its market roles."""
    _edit(actor)
    group = group or MvcGroup(dashboard=dashboard, position=dashboard.groups.count())
    if group.dashboard_id != dashboard.pk:
        raise ValidationError("This group belongs to another SIT status.")
    name = name.strip()
    if dashboard.groups.filter(name__iexact=name).exclude(pk=group.pk).exists():
        raise ValidationError({"name": f"'{name}' is already a group of this SIT status."})
    group.name, group.pps_confirmed = name, pps_confirmed
    with history_context(actor=actor, reason=reason):
        _save(group, actor=actor, reason=reason)
        sync_rows(
            MvcRole, parent_field="group", parent=group, rows=roles, fields=ROLE_FIELDS, actor=actor
        )
    return group


@transaction.atomic
def mvc_group_delete(*, actor: User, group: MvcGroup) -> None:
    _edit(actor)
    with history_context(actor=actor, reason="MVC group removed"):
        for role in group.roles.all():
            mark_change(role, actor=actor)
            role.delete()
        mark_change(group, actor=actor)
        group.delete()


@transaction.atomic
def sit_stage_statuses_save(
    *,
    actor: User | None,
    dashboard: SitDashboard,
    rows: list[dict],
    expected_version: int | None,
    reason: str = "Stage statuses saved",
) -> SitDashboard:
    """Make the dashboard's stage statuses exactly `rows` (stage, RAG, comment lines)."""
    _edit(actor)
    _refuse_duplicates(rows, "stage", "test stage")
    with history_context(actor=actor, reason=reason):
        claim_version(dashboard, expected_version=expected_version)
        mark_change(dashboard, actor=actor, reason=reason)
        dashboard.save()
        sync_rows(
            SitStageStatus,
            parent_field="dashboard",
            parent=dashboard,
            rows=rows,
            fields=STAGE_FIELDS,
            actor=actor,
        )
    return dashboard


@dataclass(frozen=True)
class MvcGroupData:
    name: str
    pps_confirmed: int | None
    roles: list[dict] = field(default_factory=list)


@transaction.atomic
def sit_dashboard_replace(
    *,
    actor: User | None,
    as_of: date,
    groups: list[MvcGroupData] | None = None,
    stages: list[dict] | None = None,
    reason: str,
) -> SitDashboard:
    """An import: the SIT status as of `as_of` gets exactly these groups and/or stages."""
    _edit(actor)
    with history_context(actor=actor, reason=reason):
        dashboard = SitDashboard.objects.filter(as_of=as_of).first()
        if dashboard is None:
            dashboard = _save(SitDashboard(as_of=as_of), actor=actor, reason=reason)
        if groups is not None:
            existing = {g.name: g for g in dashboard.groups.all()}
            for position, data in enumerate(groups):
                group = existing.pop(data.name, None) or MvcGroup(
                    dashboard=dashboard, name=data.name
                )
                if group.pk is None or (group.position, group.pps_confirmed) != (
                    position,
                    data.pps_confirmed,
                ):
                    group.position, group.pps_confirmed = position, data.pps_confirmed
                    _save(group, actor=actor, reason=reason)
                sync_rows(
                    MvcRole,
                    parent_field="group",
                    parent=group,
                    rows=data.roles,
                    fields=ROLE_FIELDS,
                    actor=actor,
                    match_position=True,
                )
            for stale in existing.values():
                for role in stale.roles.all():
                    mark_change(role, actor=actor)
                    role.delete()
                mark_change(stale, actor=actor)
                stale.delete()
        if stages is not None:
            _refuse_duplicates(stages, "stage", "test stage")
            by_stage = {s.stage: s.pk for s in dashboard.stages.all()}
            rows = [{**row, "id": by_stage.get(row["stage"])} for row in stages]
            sync_rows(
                SitStageStatus,
                parent_field="dashboard",
                parent=dashboard,
                rows=rows,
                fields=STAGE_FIELDS,
                actor=actor,
            )
    return dashboard


# Cohort trials ------------------------------------------------------------------------------


@transaction.atomic
def cohort_trial_plan_save(
    *,
    actor: User | None,
    sprint: str,
    values: dict,
    trials: list[dict],
    plan: CohortTrialPlan | None = None,
    expected_version: int | None = None,
    reason: str = "Cohort trial plan saved",
    match_position: bool = False,
) -> CohortTrialPlan:
    """Create or edit a sprint's trial plan and make its trials exactly `trials`.

    An import (`match_position`, no row ids) updates the plan of the same sprint in place."""
    _edit(actor)
    sprint = sprint.strip()
    if plan is None and match_position:
        plan = CohortTrialPlan.objects.filter(sprint__iexact=sprint).first()
    plan = plan or CohortTrialPlan()
    if CohortTrialPlan.objects.filter(sprint__iexact=sprint).exclude(pk=plan.pk).exists():
        raise ValidationError({"sprint": f"There is already a cohort trial plan for {sprint}."})
    keys = Counter(
        (
            row.get("kind"),
            (row.get("cohorts") or "").strip(),
            (row.get("target_test") or "").strip(),
        )
        for row in trials
    )
    repeated = [f"{c} – {t}" for (_, c, t), n in keys.items() if n > 1]
    if repeated:
        raise ValidationError(f"Each trial may appear once; repeated: {', '.join(repeated)}.")
    changed = _set_fields(plan, {"sprint": sprint, **values}, ["sprint", *PLAN_FIELDS])
    with history_context(actor=actor, reason=reason):
        if plan.pk is None or changed or expected_version is not None:
            _save(
                plan,
                actor=actor,
                reason=reason,
                expected_version=expected_version,
                versioned=True,
            )
        sync_rows(
            CohortTrial,
            parent_field="plan",
            parent=plan,
            rows=trials,
            fields=TRIAL_FIELDS,
            actor=actor,
            match_position=match_position,
        )
    return plan
