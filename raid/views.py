"""RAID pages. Thin: forms validate input, services write, selectors read (and hide what the
user may not see: a hidden item's URL answers 404 exactly like a missing one)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal.importing import ImportRejected, read_table
from portal.permissions import can, permission_required
from portal.selectors import history_of
from raid import selectors, services
from raid.forms import (
    CloseForm,
    ConvertForm,
    ImportForm,
    LogFilterForm,
    RaidItemCreateForm,
    RaidItemForm,
    ScoreForm,
    ScoringForm,
    StepForm,
    ThemeForm,
    item_initial,
)
from raid.importing import REQUIRED, export_file, import_items, parse_rows
from raid.models import MitigationStep, RaidType, Theme

PAGE_SIZE = 50
THEME_PAGE_ITEMS = 10


def _get_item(request, reference):
    return selectors.item_get(user=request.user, reference=reference)


def _get_step(request, pk):
    step = get_object_or_404(MitigationStep.objects.select_related("item"), pk=pk)
    # The step is as visible as its item.
    if not selectors.visible_items(request.user).filter(pk=step.item_id).exists():
        raise Http404("No such mitigation step.")
    return step


def _get_theme(request, pk):
    return get_object_or_404(Theme, pk=pk)


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [m for msgs in error.message_dict.values() for m in msgs]
    return list(error.messages)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "message_dict"):
        for field, msgs in error.message_dict.items():
            for msg in msgs:
                form.add_error(field if field in form.fields else None, msg)
    else:
        for msg in error.messages:
            form.add_error(None, msg)


def _reporting_date(request) -> date | None:
    value = request.GET.get("as_of", "")
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request) -> tuple[LogFilterForm, selectors.LogFilters]:
    form = LogFilterForm(
        request.GET or None, show_classification=selectors.reads_restricted(request.user)
    )
    form.fields["theme"].queryset = selectors.visible_themes(request.user)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.LogFilters(
        type=data.get("type") or "",
        theme_id=data["theme"].pk if data.get("theme") else None,
        band=data.get("band") or "",
        owner=data.get("owner") or "",
        status=data.get("status") or "",
        classification=data.get("classification") or "",
        search=data.get("q") or "",
        likelihood=data.get("likelihood"),
        impact=data.get("impact"),
        sort=data.get("sort") or "-score",
    )
    return form, filters


@permission_required("raid.view")
def raid_log(request):
    form, filters = _filters(request)
    config = selectors.scoring_config()
    items = selectors.item_list(user=request.user, filters=filters, config=config)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = selectors.movement_context(_reporting_date(request))
    on_page = [item.pk for item in page.object_list]
    found = selectors.movements(
        user=request.user,
        items=selectors.visible_items(request.user).filter(pk__in=on_page),
        context=context,
        config=config,
    )
    rows = [
        {
            "item": item,
            "band": selectors.band_of(item, config),
            "movement": found.get(item.pk),
        }
        for item in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "raid/log.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "context": context,
            "counts": selectors.item_counts(user=request.user, config=config),
            "can_edit": can(request.user, "raid.edit"),
            "can_import": can(request.user, "raid.import"),
        },
    )


@permission_required("raid.export")
def raid_export(request):
    _form, filters = _filters(request)
    config = selectors.scoring_config()
    items = selectors.item_list(user=request.user, filters=filters, config=config).prefetch_related(
        "steps", "milestones"
    )
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    content = export_file(items, config, fmt=fmt)
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="raid-log.{fmt}"'
    return response


@permission_required("raid.import")
def raid_import(request):
    problems = []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        config = selectors.scoring_config()
        try:
            parsed = parse_rows(read_table(upload.name, upload.read(), required=REQUIRED), config)
            summary = import_items(
                parsed, actor=request.user, config=config, reason=f"Imported from {upload.name}"
            )
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(
                request,
                f"Imported {len(parsed)} rows: {summary['created']} new, "
                f"{summary['updated']} updated, {summary['unchanged']} unchanged.",
            )
            return redirect("raid-log")
    return render(request, "raid/import.html", {"form": form, "problems": problems})


@permission_required("raid.view")
def raid_heatmap(request):
    types = [t for t in request.GET.getlist("type") if t]
    heat = selectors.heatmap(
        user=request.user, reporting_date=_reporting_date(request), types=types or None
    )
    type_choices = [
        {"value": value, "label": label, "selected": value in types}
        for value, label in RaidType.choices
    ]
    return render(
        request,
        "raid/heatmap.html",
        {"heat": heat, "link_cells": True, "type_choices": type_choices},
    )


@permission_required("raid.view", get_object=_get_item)
def raid_item_detail(request, reference, obj):
    item = obj
    steps = list(item.steps.all())
    return render(
        request,
        "raid/item_detail.html",
        {
            "item": item,
            "band": selectors.band_of(item, selectors.scoring_config()),
            "movement": selectors.item_movement(
                user=request.user, item=item, reporting_date=_reporting_date(request)
            ),
            "context": selectors.movement_context(_reporting_date(request)),
            "steps": steps,
            "progress": selectors.step_progress(steps),
            "history": history_of(item, limit=50),
            "converted_from": selectors.converted_from(user=request.user, item=item),
            "converted_to": item.converted_to
            if item.converted_to_id
            and selectors.visible_items(request.user).filter(pk=item.converted_to_id).exists()
            else None,
            "change_requests": selectors.linked_change_requests(item),
            "can_edit": can(request.user, "raid.edit"),
            "close_form": CloseForm(initial={"version": item.version}),
            "convert_form": ConvertForm(initial={"version": item.version}),
            "step_form": StepForm(prefix="new"),
        },
    )


@permission_required("raid.edit")
def raid_item_create(request):
    form = RaidItemCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        score = data.pop("score")
        try:
            item = services.raid_item_create(
                actor=request.user,
                current_score=score,
                milestones=list(data.pop("milestones")),
                **data,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"{item.reference} added to the RAID log.")
            return redirect("raid-item-detail", reference=item.reference)
    return render(request, "raid/item_form.html", {"form": form, "heading": "Add a RAID item"})


@permission_required("raid.edit", get_object=_get_item)
def raid_item_edit(request, reference, obj):
    item = obj
    form = RaidItemForm(request.POST or None, initial=item_initial(item))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        milestones = list(data.pop("milestones"))
        try:
            services.raid_item_update(
                actor=request.user,
                item=item,
                expected_version=version,
                milestones=milestones,
                reason="Edited",
                **data,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"{item.reference} saved.")
            return redirect("raid-item-detail", reference=item.reference)
    return render(
        request,
        "raid/item_form.html",
        {"form": form, "heading": f"Edit {item.reference}", "item": item},
    )


def _inline(request, partial: str, context: dict, *, heading: str):
    """htmx gets the fragment; a browser without JavaScript gets it inside a full page."""
    if request.htmx:
        return render(request, partial, context)
    return render(
        request, "raid/inline_page.html", {**context, "partial": partial, "heading": heading}
    )


def _score_block(request, item, *, form=None):
    item.refresh_from_db()
    config = selectors.scoring_config()
    return _inline(
        request,
        "raid/_score_block.html",
        {
            "item": item,
            "band": selectors.band_of(item, config),
            "score_form": form,
            "can_edit": can(request.user, "raid.edit"),
        },
        heading=f"Re-score {item.reference}",
    )


@permission_required("raid.edit", get_object=_get_item)
def raid_item_score(request, reference, obj):
    """htmx inline re-score: GET gives the small form, POST saves and returns the block.
    Without htmx the POST redirects to the item page."""
    item = obj
    if request.method != "POST":
        form = ScoreForm(
            initial={
                "version": item.version,
                "likelihood": item.likelihood,
                "impact": item.impact,
                "score": item.current_score if item.score_given_directly else None,
                "target_score": item.target_score,
            }
        )
        return _score_block(request, item, form=form)
    form = ScoreForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.raid_item_rescore(
                actor=request.user,
                item=item,
                expected_version=data["version"],
                likelihood=data["likelihood"],
                impact=data["impact"],
                score=data["score"],
                target_score=data["target_score"],
                reason=data["reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, f"{item.reference} re-scored.")
                return redirect("raid-item-detail", reference=item.reference)
            return _score_block(request, item)
    return _score_block(request, item, form=form)


@require_POST
@permission_required("raid.edit", get_object=_get_item)
def raid_item_close(request, reference, obj):
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.raid_item_close(
                actor=request.user,
                item=obj,
                expected_version=form.cleaned_data["version"],
                closure_reason=form.cleaned_data["closure_reason"],
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, f"{obj.reference} closed.")
    else:
        messages.error(request, "Say why the item is closed.")
    return redirect("raid-item-detail", reference=obj.reference)


@require_POST
@permission_required("raid.edit", get_object=_get_item)
def raid_item_convert(request, reference, obj):
    form = ConvertForm(request.POST)
    if form.is_valid():
        try:
            issue = services.raid_item_convert(
                actor=request.user,
                item=obj,
                expected_version=form.cleaned_data["version"],
                new_reference=form.cleaned_data["new_reference"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, f"{obj.reference} became issue {issue.reference}.")
            return redirect("raid-item-detail", reference=issue.reference)
    else:
        messages.error(request, "Give the new issue a reference.")
    return redirect("raid-item-detail", reference=obj.reference)


def _steps_block(request, item, *, editing=None, form=None, new_form=None):
    steps = list(item.steps.select_related("owner_person").order_by("position"))
    return _inline(
        request,
        "raid/_steps.html",
        {
            "item": item,
            "steps": steps,
            "progress": selectors.step_progress(steps),
            "editing": editing,
            "edit_form": form,
            "step_form": new_form or StepForm(prefix="new"),
            "can_edit": can(request.user, "raid.edit"),
        },
        heading=f"Mitigation plan of {item.reference}",
    )


def _after_step(request, item, **kwargs):
    if request.htmx:
        return _steps_block(request, item, **kwargs)
    return redirect(reverse("raid-item-detail", kwargs={"reference": item.reference}) + "#steps")


@require_POST
@permission_required("raid.edit", get_object=_get_item)
def raid_step_add(request, reference, obj):
    form = StepForm(request.POST, prefix="new")
    if form.is_valid():
        data = form.cleaned_data
        services.mitigation_step_add(
            actor=request.user,
            item=obj,
            text=data["text"],
            owner_person=data["owner_person"],
            owner_text=data["owner_text"],
            due_date=data["due_date"],
            state=data["state"],
        )
        return _after_step(request, obj)
    return _steps_block(request, obj, new_form=form)


@permission_required("raid.edit", get_object=_get_step)
def raid_step_edit(request, pk, obj):
    step = obj
    item = step.item
    if request.method != "POST":
        return _steps_block(request, item, editing=step.pk, form=StepForm.for_step(step))
    form = StepForm.for_step(step, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.mitigation_step_update(
                actor=request.user,
                step=step,
                expected_version=data["version"],
                text=data["text"],
                owner_person=data["owner_person"],
                owner_text=data["owner_text"],
                due_date=data["due_date"],
                state=data["state"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _after_step(request, item)
    return _steps_block(request, item, editing=step.pk, form=form)


@require_POST
@permission_required("raid.edit", get_object=_get_step)
def raid_step_move(request, pk, obj):
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.mitigation_step_move(actor=request.user, step=obj, offset=offset)
    return _after_step(request, obj.item)


@require_POST
@permission_required("raid.edit", get_object=_get_step)
def raid_step_delete(request, pk, obj):
    item = obj.item
    services.mitigation_step_delete(actor=request.user, step=obj)
    return _after_step(request, item)


@permission_required("raid.view")
def raid_theme_list(request):
    return render(
        request,
        "raid/theme_list.html",
        {
            "slides": selectors.theme_summaries(
                user=request.user,
                reporting_date=_reporting_date(request),
                limit_per_theme=THEME_PAGE_ITEMS,
            ),
            "per_theme": THEME_PAGE_ITEMS,
            "themes": Theme.objects.all(),
            "can_edit": can(request.user, "raid.edit"),
            "context": selectors.movement_context(_reporting_date(request)),
        },
    )


@permission_required("raid.edit")
def raid_theme_create(request):
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.theme_create(
                actor=request.user,
                name=data["name"],
                summary=data["summary"],
                mitigation_approach=data["mitigation_approach"],
                headline=data["headline"],
                position=data["position"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Theme added.")
            return redirect("raid-theme-list")
    return render(request, "raid/theme_form.html", {"form": form, "heading": "Add a theme"})


@permission_required("raid.edit", get_object=_get_theme)
def raid_theme_edit(request, pk, obj):
    theme = obj
    form = ThemeForm(
        request.POST or None,
        initial={
            "version": theme.version,
            "name": theme.name,
            "position": theme.position,
            "summary": theme.summary,
            "mitigation_approach": theme.mitigation_approach,
            "headline": theme.headline,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.theme_update(
                actor=request.user,
                theme=theme,
                expected_version=data["version"],
                name=data["name"],
                summary=data["summary"],
                mitigation_approach=data["mitigation_approach"],
                headline=data["headline"],
                position=data["position"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Theme saved.")
            return redirect("raid-theme-list")
    return render(
        request, "raid/theme_form.html", {"form": form, "heading": f"Edit theme: {theme.name}"}
    )


@permission_required("raid.view")
def raid_scoring(request):
    config = selectors.scoring_config()
    rows = [
        (
            lk,
            [
                (config.matrix[(lk, im)], config.band(config.matrix[(lk, im)]))
                for im in config.impacts
            ],
        )
        for lk in reversed(config.likelihoods)
    ]
    return render(
        request,
        "raid/scoring.html",
        {"config": config, "rows": rows, "can_edit": can(request.user, "raid.edit")},
    )


@permission_required("raid.edit")
def raid_scoring_edit(request):
    config = selectors.scoring_config()
    form = ScoringForm(request.POST or None, config=config)
    if request.method == "POST" and form.is_valid():
        try:
            rescored = services.scoring_update(
                actor=request.user,
                matrix=form.matrix(),
                bands=form.bands(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(
                request, f"Scoring saved; {rescored} item{'s' if rescored != 1 else ''} re-scored."
            )
            return redirect("raid-scoring")
    return render(request, "raid/scoring_form.html", {"form": form, "config": config})
