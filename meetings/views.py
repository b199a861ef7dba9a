"""Meetings pages: thin; every write goes through meetings.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from meetings import selectors, services
from meetings.forms import (
    ActionEditForm,
    ActionFilterForm,
    ActionForm,
    ActionProgressForm,
    AgendaItemEditForm,
    AgendaItemForm,
    DecisionEditForm,
    DecisionForm,
    MeetingForm,
    MeetingOpenForm,
    NarrativeConfigureForm,
    NarrativeCreateForm,
    NarrativeWriteForm,
    form_write,
)
from meetings.markdown import render_markdown
from meetings.models import ActionStatus, AgendaItem
from meetings.scheduling import is_overdue
from portal.importing import write_csv, write_xlsx
from portal.models import Forum
from portal.permissions import can, permission_required
from portal.selectors import history_of


def _meeting(request, pk):
    return selectors.meeting_get(pk=pk)


def _item(request, pk):
    return get_object_or_404(AgendaItem.objects.select_related("meeting__forum"), pk=pk)


def _action(request, pk):
    return selectors.action_get(pk=pk)


def _decision(request, pk):
    return selectors.decision_get(pk=pk)


def _section(request, pk):
    return selectors.narrative_section_get(pk=pk)


def _anchor(meeting, fragment: str) -> str:
    return f"{reverse('meeting-detail', args=[meeting.pk])}#{fragment}"


# Meetings ------------------------------------------------------------------------------------


@permission_required("meeting.view")
def meeting_list(request):
    forum_code = request.GET.get("forum") or ""
    forums = Forum.objects.filter(meetings__isnull=False).distinct().order_by("level", "code")
    if forum_code and not forums.filter(code=forum_code).exists():
        forum_code = ""
    meetings = selectors.meeting_list(forum_code=forum_code or None).order_by("-date")
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "forums": forums,
            "forum_code": forum_code,
            "page": page,
            "query": query.urlencode(),
            "can_edit": can(request.user, "meeting.edit"),
        },
    )


@permission_required("meeting.edit")
def meeting_create(request):
    form = MeetingOpenForm(request.POST or None, initial={"copy_agenda": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = form_write(
            form,
            lambda: services.meeting_open(
                actor=request.user,
                forum=data["forum"],
                number=data["number"],
                date=data["date"],
                start_time=data["start_time"],
                title=data["title"],
                location=data["location"],
                link=data["link"],
                copy_agenda=data["copy_agenda"],
            ),
        )
        if meeting is not None:
            messages.success(request, f"{meeting} has been opened.")
            return redirect("meeting-detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None})


@permission_required("meeting.view", get_object=_meeting)
def meeting_detail(request, pk, obj):
    meeting = obj
    user = request.user
    today = timezone.localdate()
    action_rows = selectors.meeting_action_rows(meeting, on=today)
    can_edit_actions = can(user, "meeting.action_edit")
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda_rows": selectors.agenda_rows(meeting),
            "action_rows": action_rows,
            "progress_forms": {row.action.pk: _progress_form(row.action) for row in action_rows}
            if can_edit_actions
            else {},
            "decisions": selectors.meeting_decisions(meeting),
            "narrative_blocks": selectors.narrative_blocks(meeting, user=user),
            "can_edit": can(user, "meeting.edit", meeting),
            "can_edit_actions": can_edit_actions,
            "can_edit_decisions": can(user, "meeting.decision_edit"),
            "can_manage_narrative": can(user, "meeting.narrative_manage"),
            "history": history_of(meeting, limit=20),
        },
    )


@permission_required("meeting.edit", get_object=_meeting)
def meeting_edit(request, pk, obj):
    meeting = obj
    initial = {
        "version": meeting.version,
        "number": meeting.number,
        "date": meeting.date,
        "start_time": meeting.start_time,
        "title": meeting.title,
        "status": meeting.status,
        "location": meeting.location,
        "link": meeting.link,
        "attendees": list(meeting.attendees.all()),
        "other_attendees": meeting.other_attendees,
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = form_write(
            form,
            lambda: services.meeting_update(
                actor=request.user,
                meeting=meeting,
                expected_version=data["version"],
                date=data["date"],
                start_time=data["start_time"],
                number=data["number"],
                title=data["title"],
                status=data["status"],
                location=data["location"],
                link=data["link"],
                other_attendees=data["other_attendees"],
                attendees=list(data["attendees"]),
                reason=data["reason"],
            ),
        )
        if saved is not None:
            messages.success(request, f"{meeting} has been saved.")
            return redirect("meeting-detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


# Agenda --------------------------------------------------------------------------------------


@permission_required("meeting.edit", get_object=_meeting)
def agenda_item_add(request, pk, obj):
    meeting = obj
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = form_write(
            form,
            lambda: services.agenda_item_create(
                actor=request.user, meeting=meeting, **form.cleaned_data
            ),
        )
        if item is not None:
            messages.success(request, f"Agenda item {item.label} has been added.")
            return redirect(_anchor(meeting, "agenda"))
    return render(
        request, "meetings/agenda_item_form.html", {"form": form, "meeting": meeting, "item": None}
    )


@permission_required("meeting.edit", get_object=_item)
def agenda_item_edit(request, pk, obj):
    item = obj
    initial = {
        "version": item.version,
        "label": item.label,
        "title": item.title,
        "objective": item.objective,
        "item_type": item.item_type,
        "leads": item.leads,
        "duration_minutes": item.duration_minutes,
        "fixed_start": item.fixed_start,
    }
    form = AgendaItemEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        saved = form_write(
            form,
            lambda: services.agenda_item_update(
                actor=request.user, item=item, expected_version=version, **data
            ),
        )
        if saved is not None:
            messages.success(request, f"Agenda item {item.label} has been saved.")
            return redirect(_anchor(item.meeting, "agenda"))
    return render(
        request,
        "meetings/agenda_item_form.html",
        {"form": form, "meeting": item.meeting, "item": item, "history": history_of(item)},
    )


@require_POST
@permission_required("meeting.edit", get_object=_item)
def agenda_item_move(request, pk, obj):
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, "Choose whether to move the item up or down.")
    else:
        services.agenda_item_move(actor=request.user, item=obj, up=direction == "up")
    return redirect(_anchor(obj.meeting, "agenda"))


@require_POST
@permission_required("meeting.edit", get_object=_item)
def agenda_item_delete(request, pk, obj):
    meeting, label = obj.meeting, obj.label
    services.agenda_item_delete(actor=request.user, item=obj)
    messages.success(request, f"Agenda item {label} has been removed.")
    return redirect(_anchor(meeting, "agenda"))


# Actions -------------------------------------------------------------------------------------


def _progress_form(action, data=None):
    return ActionProgressForm(
        data,
        initial={
            "version": action.version,
            "status": action.status,
            "latest_update": action.latest_update,
        },
        prefix=f"action-{action.pk}",
    )


@permission_required("meeting.view")
def action_list(request):
    form = ActionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    actions = selectors.action_list(
        forum_code=filters["forum"].code if filters.get("forum") else None,
        status=filters.get("status") or None,
        open_only=bool(filters.get("open_only")),
        overdue_on=today if filters.get("overdue") else None,
    )
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [
        {"action": a, "overdue": is_overdue(status=a.status, due_date=a.due_date, on=today)}
        for a in page
    ]
    return render(
        request,
        "meetings/action_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


EXPORT_HEADERS = [
    "ref",
    "meeting",
    "action",
    "owner",
    "due_date",
    "status",
    "latest_update",
    "overdue",
]


@permission_required("meeting.view")
def action_export(request):
    """The actions log (with the list's filters) as CSV or XLSX."""
    form = ActionFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return HttpResponseBadRequest(
            "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        )
    file_format = request.GET.get("format", "csv")
    if file_format not in ("csv", "xlsx"):
        return HttpResponseBadRequest("format must be csv or xlsx")
    filters = form.cleaned_data if form.is_bound else {}
    today = timezone.localdate()
    actions = selectors.action_list(
        forum_code=filters["forum"].code if filters.get("forum") else None,
        status=filters.get("status") or None,
        open_only=bool(filters.get("open_only")),
        overdue_on=today if filters.get("overdue") else None,
    )
    rows = (
        [
            a.reference,
            str(a.meeting),
            a.description,
            a.owner_display,
            a.due_date.isoformat() if a.due_date else "",
            a.get_status_display(),
            a.latest_update,
            "yes" if is_overdue(status=a.status, due_date=a.due_date, on=today) else "no",
        ]
        for a in actions.iterator(chunk_size=500)
    )
    if file_format == "xlsx":
        content = write_xlsx(EXPORT_HEADERS, rows, title="Actions")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content, content_type = write_csv(EXPORT_HEADERS, rows), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="actions-{today}.{file_format}"'
    return response


@permission_required("meeting.action_edit", get_object=_meeting)
def action_add(request, pk, obj):
    meeting = obj
    form = ActionForm(request.POST or None, initial={"status": ActionStatus.OPEN})
    if request.method == "POST" and form.is_valid():
        action = form_write(
            form,
            lambda: services.action_raise(actor=request.user, meeting=meeting, **form.cleaned_data),
        )
        if action is not None:
            messages.success(request, f"Action {action.reference} has been raised.")
            return redirect(_anchor(meeting, "actions"))
    return render(
        request, "meetings/action_form.html", {"form": form, "meeting": meeting, "action": None}
    )


@permission_required("meeting.view", get_object=_action)
def action_detail(request, pk, obj):
    return render(
        request,
        "meetings/action_detail.html",
        {
            "action": obj,
            "overdue": is_overdue(
                status=obj.status, due_date=obj.due_date, on=timezone.localdate()
            ),
            "history": history_of(obj),
            "can_edit": can(request.user, "meeting.action_edit", obj),
        },
    )


@permission_required("meeting.action_edit", get_object=_action)
def action_edit(request, pk, obj):
    action = obj
    initial = {
        "version": action.version,
        "description": action.description,
        "owner_user": action.owner_user,
        "owner_organisation": action.owner_organisation,
        "owner_text": action.owner_text,
        "due_date": action.due_date,
        "status": action.status,
        "latest_update": action.latest_update,
    }
    form = ActionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        saved = form_write(
            form,
            lambda: services.action_update(
                actor=request.user, action=action, expected_version=version, **data
            ),
        )
        if saved is not None:
            messages.success(request, f"Action {action.reference} has been saved.")
            return redirect("meeting-action-detail", pk=action.pk)
    return render(
        request,
        "meetings/action_form.html",
        {"form": form, "meeting": action.meeting, "action": action},
    )


@require_POST
@permission_required("meeting.action_edit", get_object=_action)
def action_progress(request, pk, obj):
    """Inline status / latest-update edit. With htmx it answers the table row; without, it
    redirects back to the meeting the row was on."""
    action = obj
    form = _progress_form(action, request.POST)
    if form.is_valid():
        saved = form_write(
            form,
            lambda: services.action_record_progress(
                actor=request.user,
                action=action,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                latest_update=form.cleaned_data["latest_update"],
            ),
        )
        if saved is not None:
            action.refresh_from_db()
            form = _progress_form(action)
    back_to = request.POST.get("meeting")
    meeting = action.meeting
    if back_to and back_to.isdigit():
        meeting = selectors.meeting_list().filter(pk=int(back_to)).first() or meeting
    if request.htmx:
        row = selectors.ActionRow(
            action=action,
            carried_forward=action.meeting_id != meeting.pk,
            overdue=is_overdue(
                status=action.status, due_date=action.due_date, on=timezone.localdate()
            ),
        )
        return render(
            request,
            "meetings/_action_row.html",
            {
                "row": row,
                "form": form,
                "editable": True,
                "show_origin": True,
                "meeting": meeting,
                "saved": not form.errors,
            },
        )
    if form.errors:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(
                    request, f"{action.reference}: {label + ': ' if label else ''}{error}"
                )
    else:
        messages.success(request, f"Action {action.reference} has been updated.")
    return redirect(_anchor(meeting, f"action-{action.pk}"))


# Decisions -----------------------------------------------------------------------------------


@permission_required("meeting.decision_edit", get_object=_meeting)
def decision_add(request, pk, obj):
    meeting = obj
    form = DecisionForm(request.POST or None, initial={"decided_on": meeting.date})
    if request.method == "POST" and form.is_valid():
        decision = form_write(
            form,
            lambda: services.decision_record(
                actor=request.user, meeting=meeting, **form.cleaned_data
            ),
        )
        if decision is not None:
            messages.success(request, f"Decision {decision.reference} has been recorded.")
            return redirect(_anchor(meeting, "decisions"))
    return render(
        request,
        "meetings/decision_form.html",
        {"form": form, "meeting": meeting, "decision": None},
    )


@permission_required("meeting.view", get_object=_decision)
def decision_detail(request, pk, obj):
    return render(
        request,
        "meetings/decision_detail.html",
        {
            "decision": obj,
            "history": history_of(obj),
            "can_edit": can(request.user, "meeting.decision_edit", obj),
        },
    )


@permission_required("meeting.decision_edit", get_object=_decision)
def decision_edit(request, pk, obj):
    decision = obj
    initial = {
        "version": decision.version,
        "summary": decision.summary,
        "outcome": decision.outcome,
        "rationale": decision.rationale,
        "decided_on": decision.decided_on,
        "decided_by": decision.decided_by,
    }
    form = DecisionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        saved = form_write(
            form,
            lambda: services.decision_update(
                actor=request.user, decision=decision, expected_version=version, **data
            ),
        )
        if saved is not None:
            messages.success(request, f"Decision {decision.reference} has been saved.")
            return redirect("meeting-decision-detail", pk=decision.pk)
    return render(
        request,
        "meetings/decision_form.html",
        {"form": form, "meeting": decision.meeting, "decision": decision},
    )


# Narrative -----------------------------------------------------------------------------------


@permission_required("meeting.narrative_manage", get_object=_meeting)
def narrative_add(request, pk, obj):
    meeting = obj
    form = NarrativeCreateForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        section = form_write(
            form,
            lambda: services.narrative_section_create(
                actor=request.user, meeting=meeting, **form.cleaned_data
            ),
        )
        if section is not None:
            messages.success(request, f"Section '{section.title}' has been created as a draft.")
            return redirect("meeting-narrative-detail", pk=section.pk)
    return render(
        request,
        "meetings/narrative_form.html",
        {"form": form, "meeting": meeting, "section": None},
    )


@permission_required("meeting.narrative_view", get_object=_section)
def narrative_detail(request, pk, obj):
    return render(
        request,
        "meetings/narrative_detail.html",
        {
            "section": obj,
            "html": render_markdown(obj.body),
            "history": history_of(obj),
            "can_write": can(request.user, "meeting.narrative_write", obj),
        },
    )


@permission_required("meeting.narrative_write", get_object=_section)
def narrative_edit(request, pk, obj):
    section = obj
    full = can(request.user, "meeting.narrative_manage", section)
    if full:
        initial = {
            "version": section.version,
            "title": section.title,
            "agenda_item": section.agenda_item,
            "position": section.position,
            "contributor": section.contributor,
            "status": section.status,
            "body": section.body,
        }
        form = NarrativeConfigureForm(
            request.POST or None, initial=initial, meeting=section.meeting
        )
    else:
        form = NarrativeWriteForm(
            request.POST or None, initial={"version": section.version, "body": section.body}
        )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if full:
            write = lambda: services.narrative_section_configure(  # noqa: E731
                actor=request.user, section=section, expected_version=version, **data
            )
        else:
            write = lambda: services.narrative_section_write(  # noqa: E731
                actor=request.user, section=section, expected_version=version, body=data["body"]
            )
        if form_write(form, write) is not None:
            messages.success(request, f"Section '{section.title}' has been saved.")
            return redirect("meeting-narrative-detail", pk=section.pk)
    preview = None
    if request.method == "POST" and "body" in request.POST:
        preview = render_markdown(request.POST["body"])
    return render(
        request,
        "meetings/narrative_form.html",
        {"form": form, "meeting": section.meeting, "section": section, "preview": preview},
    )
