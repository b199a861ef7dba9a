"""The SIT progress page and the PMO's pages to keep it: targets, MVC status, stage statuses,
cohort trials and their imports. Thin: forms in, services out."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from delivery import sit_selectors
from delivery.forms import UploadForm, formset_rows
from delivery.sit_forms import (
    CohortPlanForm,
    DashboardCreateForm,
    MeasureFormSet,
    MvcGroupForm,
    MvcRoleFormSet,
    StageFormSet,
    TargetForm,
    TargetSetForm,
    TrialFormSet,
    VersionOnlyForm,
)
from delivery.sit_loaders import SIT_FILES, import_sit_file
from delivery.sit_models import (
    CohortTrialPlan,
    MvcGroup,
    SitDashboard,
    SitTarget,
    SitTargetSet,
)
from delivery.sit_services import (
    MEASURE_FIELDS,
    PLAN_FIELDS,
    ROLE_FIELDS,
    STAGE_FIELDS,
    TARGET_SET_FIELDS,
    TRIAL_FIELDS,
    cohort_trial_plan_save,
    mvc_group_delete,
    mvc_group_save,
    sit_dashboard_create,
    sit_stage_statuses_save,
    sit_target_delete,
    sit_target_save,
    sit_target_set_save,
)
from portal.importing import ImportRejected
from portal.permissions import can, permission_required
from portal.selectors import history_of

SIT_PAGE = "delivery-sit"
IMPORT_TITLES = {
    "targets": "Import SIT completion targets",
    "mvc_status": "Import the SIT MVC status",
    "stage_status": "Import SIT stage statuses",
    "cohort_trials": "Import a cohort trial plan",
}


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _save_with_rows(request, form, formset, save):
    """A posted form and its table of rows: `save(data, rows)` returns the response to send, or
    the page is shown again with why nothing was saved (None)."""
    if not (form.is_valid() and formset.is_valid()):
        messages.error(request, "Nothing was saved: correct the problems marked below.")
        return None
    try:
        return save(form.cleaned_data, formset_rows(formset))
    except ValidationError as exc:
        _errors(request, exc)
        return None


def _initial_rows(rows, fields) -> list[dict]:
    return [{"id": row.pk, **{f: getattr(row, f) for f in fields}} for row in rows]


def _pk(request, name: str) -> int | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404(f"No such {name}")
    return int(raw)


@permission_required("sit.view")
def sit_progress(request):
    """Targets, MVC status, stage statuses and cohort trials on one page (the pack's partials)."""
    user = request.user
    dashboard_pk, plan_pk = _pk(request, "status"), _pk(request, "plan")
    dashboard = sit_selectors.sit_dashboard(user=user, pk=dashboard_pk)
    plan_view = sit_selectors.cohort_plan(user=user, pk=plan_pk)
    if (dashboard_pk and dashboard is None) or (plan_pk and plan_view is None):
        raise Http404("No such SIT status or trial plan")
    return render(
        request,
        "delivery/sit.html",
        {
            "target_sets": sit_selectors.target_sets(user=user),
            "dashboard": dashboard,
            "dashboards": sit_selectors.sit_dashboards(),
            "plan_view": plan_view,
            "plans": sit_selectors.cohort_plans(),
            "can_edit": can(user, "sit.edit"),
            "import_kinds": IMPORT_TITLES,
        },
    )


# Completion targets -------------------------------------------------------------------------


def _target_set(request, pk, **kwargs):
    return get_object_or_404(SitTargetSet, pk=pk)


def _target_set_page(request, target_set: SitTargetSet | None):
    initial = {"version": target_set.version} if target_set else {}
    if target_set:
        initial.update({f: getattr(target_set, f) for f in TARGET_SET_FIELDS})
    form = TargetSetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = sit_target_set_save(
                actor=request.user,
                target_set=target_set,
                expected_version=data["version"],
                values={f: data[f] for f in TARGET_SET_FIELDS},
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"{saved.title} saved.")
            return redirect("delivery-sit-target-set", pk=saved.pk)
    return render(
        request,
        "delivery/sit_target_set.html",
        {
            "form": form,
            "target_set": target_set,
            "targets": target_set.targets.prefetch_related("measures") if target_set else [],
            "history": history_of(target_set, limit=30) if target_set else [],
        },
    )


@permission_required("sit.edit")
def target_set_new(request):
    return _target_set_page(request, None)


@permission_required("sit.edit", get_object=_target_set)
def target_set_edit(request, pk, obj: SitTargetSet):
    return _target_set_page(request, obj)


def _target(request, pk, **kwargs):
    return get_object_or_404(SitTarget.objects.select_related("target_set"), pk=pk)


def _target_page(request, target_set: SitTargetSet, target: SitTarget | None):
    if request.method == "POST":
        form = TargetForm(request.POST)
        measures = MeasureFormSet(request.POST, prefix="m")

        def save(data, rows):
            sit_target_save(
                actor=request.user, target_set=target_set, target=target, values=data, measures=rows
            )
            messages.success(request, "Target saved.")
            return redirect("delivery-sit-target-set", pk=target_set.pk)

        if response := _save_with_rows(request, form, measures, save):
            return response
    else:
        next_number = max((t.number for t in target_set.targets.all()), default=0) + 1
        form = TargetForm(
            initial={"number": target.number, "statement": target.statement, "notes": target.notes}
            if target
            else {"number": next_number}
        )
        rows = target.measures.all() if target else []
        measures = MeasureFormSet(prefix="m", initial=_initial_rows(rows, MEASURE_FIELDS))
    return render(
        request,
        "delivery/sit_target_edit.html",
        {"form": form, "measures": measures, "target_set": target_set, "target": target},
    )


@permission_required("sit.edit", get_object=_target_set)
def target_new(request, pk, obj: SitTargetSet):
    return _target_page(request, obj, None)


@permission_required("sit.edit", get_object=_target)
def target_edit(request, pk, obj: SitTarget):
    return _target_page(request, obj.target_set, obj)


@require_POST
@permission_required("sit.edit", get_object=_target)
def target_delete(request, pk, obj: SitTarget):
    target_set = obj.target_set
    sit_target_delete(actor=request.user, target=obj)
    messages.success(request, f"Target {obj.number} removed.")
    return redirect("delivery-sit-target-set", pk=target_set.pk)


# The SIT dashboard: MVC status and stage statuses --------------------------------------------


@permission_required("sit.edit")
def dashboard_new(request):
    form = DashboardCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        latest = None
        if data["copy"]:
            latest = SitDashboard.objects.filter(as_of__lt=data["as_of"]).order_by("-as_of").first()
        try:
            dashboard = sit_dashboard_create(
                actor=request.user, as_of=data["as_of"], copy_from=latest
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"{dashboard} created.")
            return redirect(f"{reverse(SIT_PAGE)}?status={dashboard.pk}")
    return render(request, "delivery/sit_form.html", {"form": form, "title": "New SIT status"})


def _dashboard(request, pk, **kwargs):
    return get_object_or_404(SitDashboard, pk=pk)


def _group(request, pk, **kwargs):
    return get_object_or_404(MvcGroup.objects.select_related("dashboard"), pk=pk)


def _group_page(request, dashboard: SitDashboard, group: MvcGroup | None):
    if request.method == "POST":
        form = MvcGroupForm(request.POST)
        roles = MvcRoleFormSet(request.POST, prefix="r")

        def save(data, rows):
            mvc_group_save(
                actor=request.user,
                dashboard=dashboard,
                group=group,
                name=data["name"],
                pps_confirmed=data["pps_confirmed"],
                roles=rows,
            )
            messages.success(request, "MVC status saved.")
            return redirect(f"{reverse(SIT_PAGE)}?status={dashboard.pk}")

        if response := _save_with_rows(request, form, roles, save):
            return response
    else:
        form = MvcGroupForm(
            initial={"name": group.name, "pps_confirmed": group.pps_confirmed} if group else {}
        )
        rows = group.roles.all() if group else []
        roles = MvcRoleFormSet(prefix="r", initial=_initial_rows(rows, ROLE_FIELDS))
    return render(
        request,
        "delivery/sit_mvc_group.html",
        {"form": form, "roles": roles, "dashboard": dashboard, "group": group},
    )


@permission_required("sit.edit", get_object=_dashboard)
def mvc_group_new(request, pk, obj: SitDashboard):
    return _group_page(request, obj, None)


@permission_required("sit.edit", get_object=_group)
def mvc_group_edit(request, pk, obj: MvcGroup):
    return _group_page(request, obj.dashboard, obj)


@require_POST
@permission_required("sit.edit", get_object=_group)
def mvc_group_remove(request, pk, obj: MvcGroup):
    dashboard = obj.dashboard
    mvc_group_delete(actor=request.user, group=obj)
    messages.success(request, f"{obj.name} removed from the MVC status.")
    return redirect(f"{reverse(SIT_PAGE)}?status={dashboard.pk}")


@permission_required("sit.edit", get_object=_dashboard)
def stages_edit(request, pk, obj: SitDashboard):
    if request.method == "POST":
        form = VersionOnlyForm(request.POST)
        stages = StageFormSet(request.POST, prefix="s")

        def save(data, rows):
            sit_stage_statuses_save(
                actor=request.user, dashboard=obj, rows=rows, expected_version=data["version"]
            )
            messages.success(request, "Stage statuses saved.")
            return redirect(f"{reverse(SIT_PAGE)}?status={obj.pk}")

        if response := _save_with_rows(request, form, stages, save):
            return response
    else:
        form = VersionOnlyForm(initial={"version": obj.version})
        stages = StageFormSet(prefix="s", initial=_initial_rows(obj.stages.all(), STAGE_FIELDS))
    return render(
        request, "delivery/sit_stages.html", {"form": form, "stages": stages, "dashboard": obj}
    )


# Cohort trials ------------------------------------------------------------------------------


def _plan(request, pk, **kwargs):
    return get_object_or_404(CohortTrialPlan, pk=pk)


def _plan_page(request, plan: CohortTrialPlan | None):
    if request.method == "POST":
        form = CohortPlanForm(request.POST)
        trials = TrialFormSet(request.POST, prefix="t")

        def save(data, rows):
            saved = cohort_trial_plan_save(
                actor=request.user,
                plan=plan,
                sprint=data["sprint"],
                expected_version=data["version"],
                values=form.values(),
                trials=rows,
            )
            messages.success(request, f"Cohort trial plan for {saved.sprint} saved.")
            return redirect(f"{reverse(SIT_PAGE)}?plan={saved.pk}")

        if response := _save_with_rows(request, form, trials, save):
            return response
    else:
        initial = {}
        if plan:
            initial = {"version": plan.version, "sprint": plan.sprint}
            initial.update({f: getattr(plan, f) for f in PLAN_FIELDS})
        form = CohortPlanForm(initial=initial)
        rows = plan.trials.all() if plan else []
        trials = TrialFormSet(prefix="t", initial=_initial_rows(rows, TRIAL_FIELDS))
    return render(
        request,
        "delivery/sit_cohort_plan.html",
        {
            "form": form,
            "trials": trials,
            "plan": plan,
            "history": history_of(plan, limit=30) if plan else [],
        },
    )


@permission_required("sit.edit")
def cohort_plan_new(request):
    return _plan_page(request, None)


@permission_required("sit.edit", get_object=_plan)
def cohort_plan_edit(request, pk, obj: CohortTrialPlan):
    return _plan_page(request, obj)


# Imports ------------------------------------------------------------------------------------


@permission_required("sit.edit")
def sit_import(request, kind):
    if kind not in SIT_FILES:
        raise Http404("No such SIT import")
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            label, number = import_sit_file(
                kind,
                upload.name,
                upload.read(),
                actor=request.user,
                reason=f"Imported from {upload.name}",
            )
        except ImportRejected as exc:
            problems = exc.problems
            messages.error(request, "Nothing was imported: correct these problems and try again.")
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"Imported {number} {label}.")
            return redirect(SIT_PAGE)
    return render(
        request,
        "delivery/import.html",
        {
            "form": form,
            "problems": problems,
            "title": IMPORT_TITLES[kind],
            "back": SIT_PAGE,
            "columns_help": f"The layout of demo/psg36/{SIT_FILES[kind]}.",
        },
    )
