"""The planned-engagement pages: the forward look (everyone signed in) and PMO's planning of
events (add, edit, delete with confirmation, CSV/XLSX import). Thin: writes go through
meetings.engagement_services, reads through meetings.selectors."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from meetings import engagement_services as services
from meetings import selectors
from meetings.forms import (
    EngagementEventEditForm,
    EngagementEventForm,
    ForwardLookForm,
    VersionedForm,
    form_write,
)
from meetings.forward_look import DEFAULT_WEEKS
from portal.forms import TableUploadForm
from portal.importing import ImportRejected
from portal.permissions import can, permission_required
from portal.reporting import reporting_date
from portal.selectors import history_of

EDIT = services.EDIT


def _event(request, pk):
    return selectors.engagement_event_get(pk=pk)


def _look_url(start=None, weeks=None) -> str:
    query = {}
    if start is not None:
        query["start"] = start.isoformat()
    if weeks and weeks != DEFAULT_WEEKS:
        query["weeks"] = weeks
    url = reverse("meeting-forward-look")
    return f"{url}?{urlencode(query)}" if query else url


@permission_required("meeting.view")
def forward_look(request):
    default_start = reporting_date()
    form = ForwardLookForm(
        request.GET or None, initial={"start": default_start, "weeks": DEFAULT_WEEKS}
    )
    data = form.cleaned_data if form.is_valid() else {}
    start = data.get("start") or default_start
    weeks = data.get("weeks") or DEFAULT_WEEKS
    look = selectors.forward_look(start=start, weeks=weeks)
    span = timedelta(weeks=weeks)
    return render(
        request,
        "meetings/forward_look.html",
        {
            "form": form,
            "look": look,
            "weeks": weeks,
            "earlier_url": _look_url(look.window.start - span, weeks),
            "later_url": _look_url(look.window.start + span, weeks),
            "links": True,
            "can_edit": can(request.user, EDIT),
        },
    )


def _event_fields(data: dict) -> dict:
    return {
        "title": data["title"],
        "date": data["date"],
        "precision": data["precision"],
        "end_date": data["end_date"],
        "category": data["category"],
        "status": data["status"],
        "purpose": data["purpose"],
        "forum": data["forum"],
        "organisation": data["organisation"],
        "source_note": data["source_note"],
    }


@permission_required(EDIT)
def engagement_add(request):
    initial = {"date": request.GET.get("date") or None}
    form = EngagementEventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        event = form_write(
            form,
            lambda: services.engagement_event_create(
                actor=request.user, **_event_fields(form.cleaned_data)
            ),
        )
        if event is not None:
            messages.success(request, f"'{event.title}' has been planned ({event.when}).")
            return redirect(_look_url(event.date))
    return render(request, "meetings/engagement_form.html", {"form": form, "event": None})


@permission_required(EDIT, get_object=_event)
def engagement_edit(request, pk, obj):
    event = obj
    initial = {"version": event.version, **{f: getattr(event, f) for f in services.FIELDS}}
    form = EngagementEventEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = form_write(
            form,
            lambda: services.engagement_event_update(
                actor=request.user,
                event=event,
                expected_version=data["version"],
                reason=data["reason"],
                **_event_fields(data),
            ),
        )
        if saved is not None:
            messages.success(request, f"'{saved.title}' has been saved ({saved.when}).")
            return redirect(_look_url(saved.date))
    return render(
        request,
        "meetings/engagement_form.html",
        {"form": form, "event": event, "history": history_of(event)},
    )


@permission_required(EDIT, get_object=_event)
def engagement_delete(request, pk, obj):
    """GET asks for confirmation; POST (with the version the PMO saw) removes the event."""
    event = obj
    form = VersionedForm(request.POST or None, initial={"version": event.version})
    if request.method == "POST" and form.is_valid():
        title, day = event.title, event.date

        def delete() -> bool:
            services.engagement_event_delete(
                actor=request.user, event=event, expected_version=form.cleaned_data["version"]
            )
            return True

        if form_write(form, delete):
            messages.success(request, f"'{title}' has been removed from the forward look.")
            return redirect(_look_url(day))
    return render(request, "meetings/engagement_delete.html", {"form": form, "event": event})


@permission_required(EDIT)
def engagement_import(request):
    form = TableUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.engagement_events_import(
                actor=request.user, filename=upload.name, content=upload.read()
            )
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(
                request,
                f"Imported {upload.name}: {result.created} added, {result.updated} updated, "
                f"{result.unchanged} unchanged.",
            )
            return redirect("meeting-forward-look")
    return render(
        request,
        "meetings/engagement_import.html",
        {
            "form": form,
            "problems": problems,
            "required": services.IMPORT_REQUIRED,
            "optional": services.IMPORT_OPTIONAL,
        },
        status=400 if problems else 200,
    )
