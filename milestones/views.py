"""Pages of the milestone register. Thin: forms in, services and selectors do the work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from milestones import selectors, services
from milestones.forms import (
    INLINE_FORMS,
    DashboardFilterForm,
    ImportForm,
    MilestoneCreateForm,
    MilestoneEditForm,
    RebaselineForm,
    RegisterFilterForm,
)
from milestones.models import Milestone
from portal.importing import ImportRejected, write_csv, write_xlsx
from portal.models import Forum
from portal.navigation import page_links_for
from portal.permissions import can, permission_required
from portal.reporting import reporting_date

PAGE_SIZE = 50
EXPORT_HEADERS = [
    "ref",
    "forum",
    "title",
    "baseline_date",
    "forecast_date",
    "completed_on",
    "responsible",
    "at_risk",
    "at_risk_reason",
    "commentary",
    "rag",
    "rag_override",
    "override_reason",
    "rag_reason",
]


def _get_milestone(request, pk, **kwargs):
    return get_object_or_404(Milestone.objects.select_related("forum"), pk=pk)


def _forum_codes() -> list[str]:
    return list(Forum.objects.order_by("level", "code").values_list("code", flat=True))


def _error_text(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{m}" for msgs in error.message_dict.values() for m in msgs]
    return list(error.messages)


@permission_required("milestone.view")
def milestone_list(request):
    form = RegisterFilterForm(request.GET or None, forums=_forum_codes())
    milestones = selectors.register(**form.filters())
    page = Paginator(milestones, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    export_query = query.urlencode()
    return render(
        request,
        "milestones/register.html",
        {
            "form": form,
            "page": page,
            "query": export_query,
            "can_edit": can(request.user, "milestone.edit"),
            "on": reporting_date(),
            # Views of the register that higher apps own (e.g. the dashboards' timeline).
            "page_links": page_links_for(request.user, "milestone-list", query=export_query),
        },
    )


@permission_required("milestone.export")
def milestone_export(request):
    form = RegisterFilterForm(request.GET or None, forums=_forum_codes())
    milestones = selectors.register(**form.filters())
    rows = (
        [
            m.reference,
            m.forum_label,
            m.title,
            m.baseline_date.isoformat(),
            m.forecast_date.isoformat(),
            m.completed_on.isoformat() if m.completed_on else "",
            m.responsible,
            "yes" if m.at_risk else "no",
            m.at_risk_reason,
            m.commentary,
            m.rag,
            m.rag_override,
            m.override_reason,
            m.rag_reason,
        ]
        for m in milestones.iterator(chunk_size=2000)
    )
    if request.GET.get("format") == "xlsx":
        content = write_xlsx(EXPORT_HEADERS, rows, title="Milestones")
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="milestones.xlsx"'
        return response
    response = HttpResponse(write_csv(EXPORT_HEADERS, rows), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="milestones.csv"'
    return response


@permission_required("milestone.view", get_object=_get_milestone)
def milestone_detail(request, pk, obj):
    milestone = selectors.milestone_detail(pk)
    reforecasts = selectors.forecast_history(milestone)
    return render(
        request,
        "milestones/detail.html",
        {
            "milestone": milestone,
            "reforecasts": reforecasts,
            "trend": selectors.forecast_trend_svg(milestone, reforecasts),
            "snapshots": milestone.snapshots.select_related("snapshot").order_by(
                "-snapshot__taken_on"
            )[:8],
            "history": selectors.milestone_history(milestone),
            "can_edit": can(request.user, "milestone.edit", milestone),
        },
    )


@permission_required("milestone.edit")
def milestone_create(request):
    form = MilestoneCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            milestone = services.milestone_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in _error_text(error):
                form.add_error(None, message)
        else:
            messages.success(request, f"{milestone.reference} added to the register.")
            return redirect("milestone-detail", pk=milestone.pk)
    return render(request, "milestones/form.html", {"form": form, "heading": "Add a milestone"})


@permission_required("milestone.edit", get_object=_get_milestone)
def milestone_edit(request, pk, obj):
    milestone = obj
    initial = {
        "version": milestone.version,
        **{f: getattr(milestone, f) for f in services.EDITABLE_FIELDS},
        "forecast_date": milestone.forecast_date,
        "predecessors": ", ".join(
            milestone.predecessors.order_by("reference").values_list("reference", flat=True)
        ),
    }
    form = MilestoneEditForm(request.POST or None, milestone=milestone, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        forecast, forecast_reason = data.pop("forecast_date"), data.pop("forecast_reason")
        reason, predecessors = data.pop("reason"), data.pop("predecessors")
        try:
            services.milestone_save_edit(
                actor=request.user,
                milestone=milestone,
                expected_version=version,
                forecast_date=forecast,
                forecast_reason=forecast_reason,
                reason=reason,
                predecessors=predecessors,
                changes=data,
            )
        except ValidationError as error:
            for message in _error_text(error):
                form.add_error(None, message)
        else:
            messages.success(request, f"{milestone.reference} saved.")
            return redirect("milestone-detail", pk=milestone.pk)
    return render(
        request,
        "milestones/form.html",
        {"form": form, "milestone": milestone, "heading": f"Edit {milestone.reference}"},
    )


@permission_required("milestone.edit", get_object=_get_milestone)
def milestone_rebaseline(request, pk, obj):
    milestone = obj
    form = RebaselineForm(
        request.POST or None,
        initial={"version": milestone.version, "baseline_date": milestone.baseline_date},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_rebaseline(
                actor=request.user,
                milestone=milestone,
                baseline_date=form.cleaned_data["baseline_date"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            for message in _error_text(error):
                form.add_error(None, message)
        else:
            messages.success(request, f"{milestone.reference} rebaselined.")
            return redirect("milestone-detail", pk=milestone.pk)
    return render(
        request,
        "milestones/form.html",
        {"form": form, "milestone": milestone, "heading": f"Rebaseline {milestone.reference}"},
    )


def _inline_initial(milestone: Milestone, field: str) -> dict:
    values = {
        "forecast": {"forecast_date": milestone.forecast_date},
        "commentary": {"commentary": milestone.commentary},
        "at_risk": {"at_risk": True, "at_risk_reason": milestone.at_risk_reason},
    }[field]
    return {"version": milestone.version, **values}


def _row(request, milestone_id: int, *, form=None, field: str = "", errors=()):
    milestone = Milestone.objects.select_related("forum", "responsible_organisation").get(
        pk=milestone_id
    )
    return render(
        request,
        "milestones/_register_row.html",
        {
            "m": milestone,
            "can_edit": True,
            "form": form,
            "field": field,
            "errors": list(errors),
        },
    )


@permission_required("milestone.edit", get_object=_get_milestone)
def milestone_inline(request, pk, field, obj):
    """htmx inline edit of one register row: GET the small form, POST to save. Without htmx
    a successful POST returns to the register."""
    form_class = INLINE_FORMS.get(field)
    if form_class is None:
        raise Http404("No such inline field")
    milestone = obj
    if request.method != "POST":
        if request.GET.get("cancel"):
            return _row(request, milestone.pk)
        return _row(
            request,
            milestone.pk,
            form=form_class(initial=_inline_initial(milestone, field)),
            field=field,
        )
    form = form_class(request.POST)
    if not form.is_valid():
        return _row(request, milestone.pk, form=form, field=field)
    data = form.cleaned_data
    try:
        services.milestone_inline_edit(
            actor=request.user,
            milestone=milestone,
            field=field,
            expected_version=data["version"],
            values=data,
        )
    except ValidationError as error:
        fresh = Milestone.objects.get(pk=milestone.pk)
        # Re-offer the user's input against the version now stored: saving again is then a
        # deliberate choice made after seeing the other person's change.
        retry = form_class({**request.POST.dict(), "version": fresh.version})
        retry.is_valid()
        return _row(request, milestone.pk, form=retry, field=field, errors=_error_text(error))
    if not request.htmx:
        messages.success(request, f"{milestone.reference} saved.")
        return redirect("milestone-list")
    # The returned row should show the new RAG now; the task queued on commit then finds
    # nothing left to change.
    services.milestones_recompute(on=reporting_date(), milestone_ids=[milestone.pk])
    return _row(request, milestone.pk)


def import_page(request, *, run_import, template: str, headers: list[str], done: str):
    """An upload page for an all-or-nothing import: success returns to `done` saying what
    changed; a rejected file shows every problem (400) and changes nothing."""
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = run_import(actor=request.user, filename=upload.name, content=upload.read())
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(
                request,
                f"Imported {upload.name}: {result.created} added, {result.updated} updated, "
                f"{result.unchanged} unchanged.",
            )
            return redirect(done)
    return render(
        request,
        template,
        {"form": form, "problems": problems, "headers": headers},
        status=400 if problems else 200,
    )


@permission_required("milestone.import")
def milestone_import(request):
    return import_page(
        request,
        run_import=services.milestones_import,
        template="milestones/import.html",
        headers=EXPORT_HEADERS,
        done="milestone-list",
    )


@permission_required("milestone.view")
def milestone_dashboard(request):
    form = DashboardFilterForm(request.GET or None, forums=_forum_codes())
    data = form.cleaned_data if form.is_valid() else {}
    board = selectors.dashboard(
        reporting_date=data.get("on"),
        forum=data.get("forum") or None,
        tier=data.get("tier") or None,
        workstream=data.get("workstream") or None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
    return render(
        request,
        "milestones/dashboard.html",
        {"form": form, "board": board, "register_url": reverse("milestone-list")},
    )
