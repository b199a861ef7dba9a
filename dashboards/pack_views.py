"""Pack pages: the meeting's pack, build progress (htmx), downloads through permission checks."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from dashboards.models import BuildKind, Edition, PackBuild, PackSection, PackVersion
from dashboards.pack_forms import AcknowledgeForm, BuildForm, SectionForm
from dashboards.pack_rules import editions_for
from dashboards.packs import prepublish, selectors, services
from portal.permissions import can, ensure, permission_required


def _meeting(request, meeting_pk, **kwargs):
    from meetings.models import Meeting

    return get_object_or_404(Meeting.objects.select_related("forum"), pk=meeting_pk)


@require_GET
@permission_required("pack.view")
def pack_list(request):
    return render(
        request,
        "dashboards/pack_list.html",
        {"rows": selectors.pack_meetings(request.user)},
    )


@require_GET
@permission_required("pack.view", get_object=_meeting)
def pack_detail(request, meeting_pk, obj):
    meeting = obj
    is_pmo = can(request.user, "pack.build", meeting)
    context = {
        "meeting": meeting,
        "versions": selectors.versions_for(meeting),
        "editions": editions_for(request.user),
        "may_build": is_pmo,
    }
    if is_pmo:
        context.update(
            builds=selectors.recent_builds(meeting),
            sections=selectors.layout(meeting),
            build_form=BuildForm(initial={"key": uuid.uuid4().hex}),
            section_form=SectionForm(meeting=meeting),
        )
    return render(request, "dashboards/pack_detail.html", context)


@require_POST
@permission_required("pack.build", get_object=_meeting)
def pack_build(request, meeting_pk, obj):
    meeting = obj
    form = BuildForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The build request was not understood; reload the page.")
        return redirect("pack-detail", meeting_pk=meeting.pk)
    kind = form.cleaned_data["kind"]
    if kind == BuildKind.PUBLISH:
        ensure(request.user, "pack.publish", meeting)
    try:
        build = services.pack_build_request(
            actor=request.user, meeting=meeting, kind=kind, key=form.cleaned_data["key"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("pack-detail", meeting_pk=meeting.pk)
    build.refresh_from_db()
    if request.htmx:
        # A fresh key for the next press of the button: this one now names this build.
        return render(
            request,
            "dashboards/pack/_build_progress.html",
            {"build": build, "new_key": uuid.uuid4().hex},
        )
    return redirect("pack-detail", meeting_pk=meeting.pk)


def _build(request, build_pk, **kwargs):
    return get_object_or_404(PackBuild.objects.select_related("meeting__forum"), pk=build_pk)


@require_GET
@permission_required("pack.draft_download", get_object=_build)
def pack_build_progress(request, build_pk, obj):
    return render(request, "dashboards/pack/_build_progress.html", {"build": obj})


def _file_response(name: str, filename: str, content_type: str):
    if not name or not default_storage.exists(name):
        raise Http404("That file is not available.")
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _edition(edition: str) -> str:
    if edition not in Edition.values:
        raise Http404("No such edition.")
    return edition


@require_GET
@permission_required("pack.view")
def pack_version_download(request, version_pk, edition, fmt):
    version = get_object_or_404(PackVersion.objects.select_related("meeting__forum"), pk=version_pk)
    edition = _edition(edition)
    if not can(request.user, "pack.download", edition):
        raise PermissionDenied("The Full edition is for the steering group, the chair and PMO.")
    if fmt not in ("pdf", "html"):
        raise Http404("No such format.")
    name = getattr(version, f"{fmt}_{edition}")
    slug = f"{version.meeting}".replace(" ", "")
    return _file_response(
        name,
        f"{slug}-pack-{version.label}-{edition}.{fmt}",
        "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8",
    )


@require_GET
@permission_required("pack.draft_download", get_object=_build)
def pack_draft_download(request, build_pk, edition, obj):
    edition = _edition(edition)
    name = getattr(obj, f"pdf_{edition}")
    slug = f"{obj.meeting}".replace(" ", "")
    return _file_response(name, f"{slug}-pack-draft-{obj.pk}-{edition}.pdf", "application/pdf")


@require_POST
@permission_required("pack.arrange", get_object=_meeting)
def pack_section_add(request, meeting_pk, obj):
    form = SectionForm(request.POST, meeting=obj)
    if form.is_valid():
        try:
            services.pack_section_add(actor=request.user, meeting=obj, spec=form.spec())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Section added to the pack.")
    else:
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("pack-detail", meeting_pk=obj.pk)


def _section(request, section_pk, **kwargs):
    return get_object_or_404(PackSection.objects.select_related("meeting"), pk=section_pk)


@require_POST
@permission_required(
    "pack.arrange", get_object=lambda request, section_pk: _section(request, section_pk).meeting
)
def pack_section_remove(request, section_pk, obj):
    section = _section(request, section_pk)
    services.pack_section_remove(actor=request.user, section=section)
    messages.success(request, f"Removed “{section}” from the pack.")
    return redirect("pack-detail", meeting_pk=section.meeting_id)


def _check_context(meeting, form=None) -> dict:
    findings = prepublish.prepublish_findings(meeting)
    return {
        "meeting": meeting,
        "findings": findings,
        "groups": prepublish.grouped(findings),
        "missing": prepublish.unacknowledged(meeting, findings),
        "latest": prepublish.latest_acknowledgement(meeting),
        "form": form or AcknowledgeForm(),
    }


def _check_response(request, meeting, form=None, status=200):
    template = "dashboards/pack/_prepublish.html" if request.htmx else "dashboards/pack_check.html"
    return render(request, template, _check_context(meeting, form), status=status)


@require_GET
@permission_required("pack.build", get_object=_meeting)
def pack_check(request, meeting_pk, obj):
    """The pre-publish check: on the pack page through htmx, or as a page of its own."""
    return _check_response(request, obj)


@require_POST
@permission_required("pack.publish", get_object=_meeting)
def pack_check_acknowledge(request, meeting_pk, obj):
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            prepublish.prepublish_acknowledge(
                actor=request.user,
                meeting=obj,
                findings=prepublish.prepublish_findings(obj),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("note", message)
        else:
            if not request.htmx:
                messages.success(
                    request, "Pre-publish check acknowledged: the pack may be published."
                )
                return redirect("pack-detail", meeting_pk=obj.pk)
            return _check_response(request, obj)
    return _check_response(request, obj, form, status=400)
