"""Pages of the plan's timeline activities: everyone reads, PMO staff keep them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from milestones import plan_selectors, plan_services
from milestones.models import PlanActivity
from milestones.plan_forms import (
    PlanActivityEditForm,
    PlanActivityForm,
    PlanDeleteForm,
    PlanFilterForm,
)
from milestones.views import _error_text, import_page
from portal.importing import write_csv
from portal.navigation import page_links_for
from portal.permissions import can, permission_required


def _get_activity(request, pk, **kwargs):
    return get_object_or_404(PlanActivity.objects.select_related("milestone"), pk=pk)


@permission_required("plan.view")
def plan_list(request):
    form = PlanFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    activities = plan_selectors.plan_activities(
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        lanes=data.get("lanes") or None,
    )
    query = request.GET.urlencode()
    return render(
        request,
        "milestones/plan.html",
        {
            "form": form,
            "activities": plan_selectors.in_lane_order(activities, plan_selectors.plan_lanes()),
            "can_edit": can(request.user, "plan.edit"),
            "page_links": page_links_for(request.user, "plan-list", query=query),
            "query": query,
        },
    )


@permission_required("plan.view")
def plan_export(request):
    rows = (
        [
            a.pk,
            a.position,
            a.lane,
            a.title,
            a.kind,
            a.start_date.isoformat(),
            a.end_date.isoformat() if a.end_date else "",
            "yes" if a.approximate else "no",
            a.date_basis,
            a.source,
            a.milestone.reference if a.milestone else "",
        ]
        for a in plan_selectors.plan_activities()
    )
    response = HttpResponse(write_csv(plan_services.EXPORT_HEADERS, rows), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="plan-activities.csv"'
    return response


def _form_page(request, form, heading, activity=None):
    return render(
        request,
        "milestones/plan_form.html",
        {
            "form": form,
            "heading": heading,
            "activity": activity,
            "lanes": plan_selectors.plan_lanes(),
        },
    )


@permission_required("plan.edit")
def plan_create(request):
    form = PlanActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason") or "Plan activity added"
        try:
            activity = plan_services.plan_activity_create(actor=request.user, reason=reason, **data)
        except ValidationError as error:
            for message in _error_text(error):
                form.add_error(None, message)
        else:
            messages.success(request, f"“{activity.title}” added to the plan.")
            return redirect("plan-list")
    return _form_page(request, form, "Add a plan activity")


@permission_required("plan.edit", get_object=_get_activity)
def plan_edit(request, pk, obj):
    activity = obj
    initial = {
        "version": activity.version,
        **{f: getattr(activity, f) for f in plan_services.EDITABLE_FIELDS},
        "milestone": activity.milestone.reference if activity.milestone else "",
    }
    form = PlanActivityEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version, reason = data.pop("version"), data.pop("reason")
        if data["position"] is None:
            data["position"] = activity.position
        try:
            plan_services.plan_activity_update(
                actor=request.user,
                activity=activity,
                expected_version=version,
                reason=reason,
                **data,
            )
        except ValidationError as error:
            for message in _error_text(error):
                form.add_error(None, message)
        else:
            messages.success(request, f"“{activity.title}” saved.")
            return redirect("plan-list")
    return _form_page(request, form, f"Edit “{activity.title}”", activity)


@permission_required("plan.edit", get_object=_get_activity)
def plan_delete(request, pk, obj):
    form = PlanDeleteForm(request.POST or None, initial={"version": obj.version})
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.plan_activity_delete(
                actor=request.user,
                activity=obj,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in _error_text(error):
                form.add_error(None, message)
        else:
            messages.success(request, f"“{obj.title}” removed from the plan.")
            return redirect("plan-list")
    return render(request, "milestones/plan_delete.html", {"form": form, "activity": obj})


@permission_required("plan.edit")
def plan_import(request):
    return import_page(
        request,
        run_import=plan_services.plan_activities_import,
        template="milestones/plan_import.html",
        headers=plan_services.EXPORT_HEADERS,
        done="plan-list",
    )
