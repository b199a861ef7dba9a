"""SIT progress: completion targets, the MVC status, stage statuses, the cohort trial plan and
the MVC trial table (test progress)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from dashboards.packs import sources
from dashboards.packs.registry import PackContext, Section, SectionRenderer, register
from dashboards.packs.sections.common import T, audience, parse_date


def _text(params: dict, name: str) -> str:
    return str(params.get(name, "")).strip()


def _sit_ready(template: str) -> bool:
    return sources.provides("delivery.sit_selectors", "target_sets") and sources.template_exists(
        template
    )


# Completion targets -------------------------------------------------------------------------


def _validate_targets(params: dict) -> None:
    cycle, stage = _text(params, "cycle"), _text(params, "stage")
    if cycle or stage:
        from delivery.sit_models import SitTargetSet

        sets = SitTargetSet.objects.all()
        if cycle:
            sets = sets.filter(cycle__iexact=cycle)
        if stage:
            sets = sets.filter(stage__iexact=stage)
        if not sets.exists():
            named = " ".join(part for part in (stage, cycle) if part)
            raise ValidationError({"params": f"There are no SIT completion targets for {named}."})


def _sit_targets(section: Section, ctx: PackContext) -> dict:
    from delivery.sit_selectors import target_sets

    params = section.params
    return {
        "target_sets": target_sets(
            user=audience(section),
            as_of=ctx.reporting_date,
            cycle=_text(params, "cycle"),
            stage=_text(params, "stage"),
        )
    }


register(
    SectionRenderer(
        "sit_targets",
        T + "sit_targets.html",
        _sit_targets,
        available=lambda: _sit_ready("delivery/_sit_targets.html"),
        validate=_validate_targets,
    )
)


# The SIT dashboard: MVC status and stage statuses --------------------------------------------


def _dashboard(section: Section, ctx: PackContext) -> dict:
    from delivery.sit_selectors import sit_dashboard

    as_of = parse_date(section.params, "as_of")
    return {
        "dashboard": sit_dashboard(
            user=audience(section), as_of=as_of or ctx.reporting_date, exact=as_of is not None
        )
    }


def _validate_dashboard(params: dict) -> None:
    as_of = parse_date(params, "as_of")
    if as_of is not None:
        from delivery.sit_models import SitDashboard

        if not SitDashboard.objects.filter(as_of=as_of).exists():
            raise ValidationError({"params": f"There is no SIT status as of {as_of:%d/%m/%y}."})


for section_type, partial in (
    ("sit_mvc_status", "delivery/_sit_mvc_status.html"),
    ("sit_stage_status", "delivery/_sit_stage_status.html"),
):
    register(
        SectionRenderer(
            section_type,
            T + f"{section_type}.html",
            _dashboard,
            available=lambda partial=partial: _sit_ready(partial),
            validate=_validate_dashboard,
        )
    )


# Cohort trials ------------------------------------------------------------------------------


def validate_sprint(params: dict) -> None:
    sprint = _text(params, "sprint")
    if sprint:
        from delivery.sit_models import CohortTrialPlan

        if not CohortTrialPlan.objects.filter(sprint__iexact=sprint).exists():
            raise ValidationError({"params": f"There is no cohort trial plan for '{sprint}'."})


def _cohort_trials(section: Section, ctx: PackContext) -> dict:
    from delivery.sit_selectors import cohort_plan

    return {
        "plan_view": cohort_plan(user=audience(section), sprint=_text(section.params, "sprint"))
    }


register(
    SectionRenderer(
        "cohort_trials",
        T + "cohort_trials.html",
        _cohort_trials,
        available=lambda: _sit_ready("delivery/_cohort_trial_plan.html"),
        validate=validate_sprint,
    )
)


# Test progress: the MVC trial table ---------------------------------------------------------


def _test_progress(section: Section, ctx: PackContext) -> dict:
    """The MVC trial table; with sprint=<name>, that sprint's trial themes and next steps too."""
    from delivery.selectors import trial_results, trial_summary
    from delivery.sit_selectors import cohort_plan

    reader = audience(section)
    results = trial_results(user=reader)
    sprint = _text(section.params, "sprint")
    plan_view = cohort_plan(user=reader, sprint=sprint) if sprint else None
    return {"results": results, "summary": trial_summary(results), "plan_view": plan_view}


register(
    SectionRenderer(
        "test_progress",
        T + "test_progress.html",
        _test_progress,
        available=lambda: (
            sources.provides("delivery.selectors", "trial_results")
            and sources.template_exists("delivery/_trial_table.html")
        ),
        validate=validate_sprint,
    )
)
