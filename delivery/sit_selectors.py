"""Permission-aware reads of SIT progress, shaped as the pack and the web page print them.

Each read is a fixed number of queries; the page and the pack call the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from delivery.sit_models import (
    STAGE_OUTLOOK,
    CcpReadiness,
    CohortTrialPlan,
    MvcGroup,
    SitDashboard,
    SitTarget,
    SitTargetMeasure,
    SitTargetSet,
    TrialKind,
)
from delivery.sit_rules import MeasureView, measure_view, target_status
from portal.permissions import ensure


@dataclass
class TargetView:
    target: SitTarget
    measures: list[MeasureView]
    status: str | None

    @property
    def status_label(self) -> str:
        from delivery.sit_models import Assessment

        return Assessment(self.status).label if self.status else ""


@dataclass
class TargetSetView:
    target_set: SitTargetSet
    targets: list[TargetView] = field(default_factory=list)

    @property
    def has_scope(self) -> bool:
        return any(m.measure.scope for t in self.targets for m in t.measures)

    @property
    def has_threshold(self) -> bool:
        return any(m.threshold for t in self.targets for m in t.measures)

    @property
    def has_result(self) -> bool:
        return any(m.measure.result for t in self.targets for m in t.measures)


def _measures():
    return Prefetch("measures", queryset=SitTargetMeasure.objects.order_by("position", "pk"))


def build_target_views(target_sets) -> list[TargetSetView]:
    """Pure over prefetched sets: each target with its measures' figures and rolled-up status."""
    views = []
    for target_set in target_sets:
        view = TargetSetView(target_set)
        for target in target_set.targets.all():
            measures = [measure_view(m) for m in target.measures.all()]
            view.targets.append(
                TargetView(target, measures, target_status(m.status for m in measures))
            )
        views.append(view)
    return views


def target_sets(
    *, user, as_of: date | None = None, cycle: str = "", stage: str = ""
) -> list[TargetSetView]:
    """The target sets to report: those of `cycle` (and `stage`) if named, else the sets whose
    cut-off is the latest on or before `as_of` (every set if `as_of` is None)."""
    ensure(user, "sit.view")
    sets = SitTargetSet.objects.all()
    if cycle:
        sets = sets.filter(cycle__iexact=cycle)
    if stage:
        sets = sets.filter(stage__iexact=stage)
    if not cycle and not stage and as_of is not None:
        latest = (
            sets.filter(cut_off__lte=as_of).order_by("-cut_off").values_list("cut_off", flat=True)
        ).first()
        sets = sets.filter(cut_off=latest) if latest else sets.none()
    sets = sets.prefetch_related(
        Prefetch(
            "targets", queryset=SitTarget.objects.order_by("number").prefetch_related(_measures())
        )
    ).order_by("-cut_off", "position", "stage")
    return build_target_views(sets)


@dataclass
class DashboardView:
    dashboard: SitDashboard
    groups: list[MvcGroup]
    stages: list

    @property
    def readiness_key(self) -> list[tuple[str, str]]:
        """The CCP readiness key, limited to the levels some row uses (none: no key)."""
        used = {role.readiness for group in self.groups for role in group.roles.all()}
        return [(value, label) for value, label in CcpReadiness.choices if value in used]

    @property
    def stage_key(self) -> list[tuple[str, str]]:
        used = {stage.rag for stage in self.stages}
        return [(rag, words) for rag, words in STAGE_OUTLOOK.items() if rag in used]

    @property
    def has_stage_rags(self) -> bool:
        return any(stage.rag for stage in self.stages)

    @property
    def has_readiness(self) -> bool:
        return bool(self.readiness_key)


def sit_dashboards() -> list[SitDashboard]:
    return list(SitDashboard.objects.order_by("-as_of"))


def sit_dashboard(
    *, user, as_of: date | None = None, exact: bool = False, pk: int | None = None
) -> DashboardView | None:
    """The SIT status as of `as_of` (the latest on or before it; `exact` for that date only)."""
    ensure(user, "sit.view")
    dashboards = SitDashboard.objects.all()
    if pk is not None:
        dashboards = dashboards.filter(pk=pk)
    elif as_of is not None:
        dashboards = (
            dashboards.filter(as_of=as_of) if exact else dashboards.filter(as_of__lte=as_of)
        )
    dashboard = (
        dashboards.prefetch_related(
            Prefetch("groups", queryset=MvcGroup.objects.prefetch_related("roles")), "stages"
        )
        .order_by("-as_of")
        .first()
    )
    if dashboard is None:
        return None
    return DashboardView(dashboard, list(dashboard.groups.all()), list(dashboard.stages.all()))


@dataclass
class PlanView:
    plan: CohortTrialPlan
    kinds: list[tuple[str, str, str, list]]

    @property
    def has_approach(self) -> bool:
        plan = self.plan
        return bool(self.kinds or plan.objective or plan.ethos_lines or plan.operation_lines)

    @property
    def has_update(self) -> bool:
        return bool(self.plan.theme_lines or self.plan.next_step_lines)


def cohort_plans() -> list[CohortTrialPlan]:
    return list(CohortTrialPlan.objects.order_by("-pk"))


def cohort_plan(*, user, sprint: str = "", pk: int | None = None) -> PlanView | None:
    """A sprint's cohort trial plan (the most recently created one if no sprint is named)."""
    ensure(user, "sit.view")
    plans = CohortTrialPlan.objects.prefetch_related("trials")
    if pk is not None:
        plan = plans.filter(pk=pk).first()
    elif sprint:
        plan = plans.filter(sprint__iexact=sprint).first()
    else:
        plan = plans.order_by("-pk").first()
    if plan is None:
        return None
    kinds = []
    for kind, label in TrialKind.choices:
        trials = [t for t in plan.trials.all() if t.kind == kind]
        if trials:
            kinds.append((kind, label, plan.approach_for(kind), trials))
    return PlanView(plan, kinds)
