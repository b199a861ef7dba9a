"""The SIT progress part of a programme directory (loader order 81, after delivery's 80).

Files (each optional; `delivery.sit_importers` describes their columns): sit_targets.csv,
sit_mvc_status.csv, sit_stage_status.csv, cohort_trials.csv. They load through the same parsers
and services as the PMO's import page, so a bad row stops the whole load with its file, line and
column, and loading the same files twice changes nothing.
"""

from __future__ import annotations

from delivery.sit_importers import (
    parse_cohort_trials,
    parse_mvc_status,
    parse_stage_statuses,
    parse_targets,
)
from delivery.sit_services import (
    cohort_trial_plan_save,
    sit_dashboard_replace,
    sit_targets_replace,
)
from portal.programme_loading import LoadContext, register_loader

REASON = "Loaded from programme files"


def _read(context: LoadContext, filename: str) -> tuple[str, bytes]:
    return filename, (context.directory / filename).read_bytes()


def import_sit_file(
    kind: str, name: str, content: bytes, *, actor=None, reason: str
) -> tuple[str, int]:
    """Parse and apply one SIT file: (what was written, how many). Raises ImportRejected."""
    if kind == "targets":
        sets = parse_targets(name, content)
        return "SIT target measures", sit_targets_replace(actor=actor, sets=sets, reason=reason)
    if kind == "mvc_status":
        as_of, groups = parse_mvc_status(name, content)
        sit_dashboard_replace(actor=actor, as_of=as_of, groups=groups, reason=reason)
        return "SIT MVC market roles", sum(len(group.roles) for group in groups)
    if kind == "stage_status":
        as_of, stages = parse_stage_statuses(name, content)
        sit_dashboard_replace(actor=actor, as_of=as_of, stages=stages, reason=reason)
        return "SIT stage statuses", len(stages)
    if kind == "cohort_trials":
        plans = parse_cohort_trials(name, content)
        for plan in plans:
            cohort_trial_plan_save(
                actor=actor,
                sprint=plan["sprint"],
                values=plan["values"],
                trials=plan["trials"],
                reason=reason,
                match_position=True,
            )
        return "cohort trials", sum(len(plan["trials"]) for plan in plans)
    raise ValueError(f"Unknown SIT file kind {kind!r}")


SIT_FILES = {
    "targets": "sit_targets.csv",
    "mvc_status": "sit_mvc_status.csv",
    "stage_status": "sit_stage_status.csv",
    "cohort_trials": "cohort_trials.csv",
}


@register_loader("delivery-sit", order=81)
def load(context: LoadContext) -> None:
    for kind, filename in SIT_FILES.items():
        if context.has(filename):
            label, number = import_sit_file(kind, *_read(context, filename), reason=REASON)
            context.count(label, number)
