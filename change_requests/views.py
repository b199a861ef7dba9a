"""Pages of change control. Thin: forms in, services and selectors do the work."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from change_requests import forms, selectors, services
from change_requests.lifecycle import TRANSITIONS, allowed_transitions
from change_requests.models import (
    Attachment,
    ChangeRequest,
    ConstituencyView,
    Document,
    Response,
    Stage,
)
from change_requests.services import SUMMARY_PARTS
from portal.importing import write_csv, write_xlsx
from portal.permissions import can, ensure, permission_required
from portal.selectors import history_of
from raid.selectors import visible_items


def _cr(request, pk, **kwargs):
    return get_object_or_404(ChangeRequest.objects.select_related("change_type"), pk=pk)


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form (field errors where the field exists)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- the register -----------------------------------------------------------------------


def _filtered_rows(request):
    form = forms.RegisterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    raised_from = filters.get("raised_from")
    if filters.get("recent"):
        raised_from = selectors.three_months_before(timezone.localdate())
    return form, selectors.change_control_rows(
        user=request.user,
        raised_since=raised_from,
        stage=filters.get("stage") or None,
        approval_status=filters.get("approval_status") or None,
        raiser=filters.get("raiser") or "",
        raised_to=filters.get("raised_to"),
        search=filters.get("q") or "",
    )


@permission_required("change_request.view")
def cr_list(request):
    form, rows = _filtered_rows(request)
    query = request.GET.copy()
    return render(
        request,
        "change_requests/list.html",
        {
            "form": form,
            "query": query.urlencode(),
            "rows": rows,
            "pipeline": selectors.pipeline_counts(),
            "can_manage": can(request.user, "change_request.manage"),
            "can_respond": can(request.user, "ia.inbox"),
        },
    )


EXPORT_HEADERS = [
    "Ref",
    "Title",
    "Raiser",
    "Change Type",
    "Latest Action",
    "Approval Status",
    "Current Stage",
    "Implementation date/milestone",
    "Change Owner",
    "Raised on",
]


@permission_required("change_request.view")
def cr_export(request):
    """The filtered register as CSV or XLSX (the same rows the page shows)."""
    _, rows = _filtered_rows(request)
    table = [
        [
            r.reference,
            r.title,
            r.raiser,
            r.change_type,
            r.latest_action,
            r.approval_status,
            r.current_stage,
            r.implementation,
            r.owner,
            r.raised_on.isoformat() if r.raised_on else "",
        ]
        for r in rows
    ]
    if request.GET.get("format") == "xlsx":
        content = write_xlsx(EXPORT_HEADERS, table, title="Change control")
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="change-control.xlsx"'
        return response
    response = HttpResponse(write_csv(EXPORT_HEADERS, table), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="change-control.csv"'
    return response


@permission_required("change_request.manage")
def cr_create(request):
    form = forms.ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        milestones = data.pop("affected_milestones", None)
        raid_items = data.pop("affected_raid_items", None)
        try:
            cr = services.change_request_create(
                actor=request.user, milestones=milestones, raid_items=raid_items, **data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"{cr.reference} created as a draft.")
            return redirect("cr-detail", pk=cr.pk)
    return render(request, "change_requests/form.html", {"form": form, "cr": None})


@permission_required("change_request.manage", get_object=_cr)
def cr_edit(request, pk, obj):
    cr = obj
    if request.method == "POST":
        form = forms.ChangeRequestForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            milestones = data.pop("affected_milestones", None)
            raid_items = data.pop("affected_raid_items", None)
            try:
                services.change_request_update(
                    actor=request.user,
                    change_request=cr,
                    expected_version=version,
                    milestones=milestones,
                    raid_items=raid_items,
                    **data,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"{cr.reference} saved.")
                return redirect("cr-detail", pk=cr.pk)
    else:
        initial = {name: getattr(cr, name) for name in forms.CR_FORM_FIELDS}
        initial["version"] = cr.version
        for name in ("affected_milestones", "affected_raid_items"):
            initial[name] = list(getattr(cr, name).all())
        form = forms.ChangeRequestForm(initial=initial)
    return render(request, "change_requests/form.html", {"form": form, "cr": cr})


def _transition_forms(request, cr):
    """The transition forms this user may use on this CR, keyed by transition name."""
    available = {}
    for transition in allowed_transitions(cr.stage):
        if not can(request.user, transition.action, cr):
            continue
        available[transition.name] = _form_for(transition.name, cr)
    return available


_DECISIONS = ("approve", "reject", "defer")


def _form_for(name, cr, data=None):
    initial = {"version": cr.version}
    if name == "issue_ia":
        return forms.IssueForm(data, initial={**initial, "all_parties": True})
    if name == "submit_for_decision":
        return forms.SubmitForDecisionForm(data, initial=initial)
    if name in _DECISIONS:
        return forms.DecideForm(
            data, initial={**initial, "outcome": name, "decided_on": timezone.localdate()}
        )
    if name == "withdraw":
        return forms.WithdrawForm(data, initial=initial)
    return forms.NoteForm(data, initial=initial)


@permission_required("change_request.view", get_object=_cr)
def cr_detail(request, pk, obj):
    cr = obj
    user = request.user
    transition_forms = _transition_forms(request, cr)
    # The three decisions share one form.
    decide_form = next((transition_forms.pop(n) for n in _DECISIONS if n in transition_forms), None)
    for name in _DECISIONS:
        transition_forms.pop(name, None)
    context = {
        "cr": cr,
        "row": selectors.control_row(cr),
        "timeline": selectors.timeline(cr),
        "documents": cr.documents.all(),
        "decisions": cr.decisions.select_related("meeting", "meeting__forum", "decided_by"),
        "picture": selectors.ia_summary(cr),
        "progress": selectors.ia_progress(cr)[0],
        "responses": selectors.responses_by_constituency(user=user, cr=cr),
        "extensions": cr.deadline_extensions.select_related("organisation", "actor"),
        "transitions": [(TRANSITIONS[n], f) for n, f in transition_forms.items()],
        "decide_form": decide_form,
        "can_manage": can(user, "change_request.manage", cr),
        "can_respond": can(user, "ia.respond", cr) and cr.stage == Stage.IA_OPEN,
        "own_response": selectors.own_response(user=user, cr=cr),
        "history": history_of(cr, limit=50),
        "affected_milestones": list(cr.affected_milestones.order_by("reference")),
        # Restricted RAID items stay hidden from those who may not read them.
        "affected_raid_items": list(visible_items(user).filter(change_requests=cr)),
    }
    if context["can_manage"]:
        context["extend_form"] = forms.ExtendForm(change_request=cr)
        context["document_form"] = forms.DocumentForm()
        context["view_form"] = forms.ViewForm()
        summary = context["picture"].summary
        context["summary_form"] = forms.SummaryForm(
            initial={
                **{part: getattr(summary, part) if summary else "" for part in SUMMARY_PARTS},
                "version": summary.version if summary else None,
            }
        )
        if context["affected_milestones"] and cr.stage in (Stage.APPROVED, Stage.IMPLEMENTED):
            context["rebaseline_form"] = forms.RebaselineForm(change_request=cr)
    return render(request, "change_requests/detail.html", context)


@require_POST
@permission_required("change_request.view", get_object=_cr)
def cr_transition(request, pk, name, obj):
    cr = obj
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise Http404("No such action")
    if name == "decide":
        raise Http404("No such action")
    if name in _DECISIONS:
        form = forms.DecideForm(request.POST)
        ensure(request.user, "change_request.decide", cr)
    else:
        ensure(request.user, transition.action, cr)
        form = _form_for(name, cr, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        version = data.get("version")
        try:
            if isinstance(form, forms.DecideForm):
                services.change_request_decide(
                    actor=request.user,
                    change_request=cr,
                    outcome=data["outcome"],
                    rationale=data["rationale"],
                    decided_on=data["decided_on"],
                    meeting=data["meeting"],
                    expected_version=version,
                )
            elif name == "issue_ia":
                services.change_request_issue_ia(
                    actor=request.user,
                    change_request=cr,
                    organisations=services.ia_invitees(
                        all_parties=data["all_parties"],
                        constituencies=data["constituencies"],
                        market_roles=data["market_roles"],
                    ),
                    deadline=data["deadline"],
                    note=data["note"],
                    expected_version=version,
                )
            elif name == "submit_for_decision":
                services.change_request_submit_for_decision(
                    actor=request.user,
                    change_request=cr,
                    board_recommendation=data["board_recommendation"],
                    note=data["note"],
                    expected_version=version,
                )
            elif name == "withdraw":
                services.change_request_withdraw(
                    actor=request.user,
                    change_request=cr,
                    reason=data["note"],
                    expected_version=version,
                )
            else:
                service = {
                    "raise": services.change_request_raise,
                    "validate": services.change_request_validate,
                    "close_ia": services.change_request_close_ia,
                    "implement": services.change_request_implement,
                }[name]
                service(
                    actor=request.user,
                    change_request=cr,
                    note=data.get("note", ""),
                    expected_version=version,
                )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            cr.refresh_from_db()
            messages.success(request, f"{cr.reference} is now '{cr.get_stage_display()}'.")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label or field if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect("cr-detail", pk=cr.pk)


@require_POST
@permission_required("change_request.manage", get_object=_cr)
def cr_extend_deadline(request, pk, obj):
    form = forms.ExtendForm(request.POST, change_request=obj)
    if form.is_valid():
        try:
            services.change_request_extend_deadline(
                actor=request.user,
                change_request=obj,
                new_deadline=form.cleaned_data["new_deadline"],
                reason=form.cleaned_data["reason"],
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Deadline extended.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("cr-detail", pk=obj.pk)


@require_POST
@permission_required("change_request.manage", get_object=_cr)
def cr_summary_edit(request, pk, obj):
    form = forms.SummaryForm(request.POST)
    if form.is_valid():
        try:
            services.summary_update(
                actor=request.user,
                change_request=obj,
                expected_version=form.cleaned_data["version"],
                **{part: form.cleaned_data[part] for part in SUMMARY_PARTS},
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Summary saved.")
    return redirect("cr-detail", pk=obj.pk)


@require_POST
@permission_required("change_request.manage", get_object=_cr)
def cr_view_add(request, pk, obj):
    form = forms.ViewForm(request.POST)
    if form.is_valid():
        services.view_add(actor=request.user, change_request=obj, **form.cleaned_data)
        messages.success(request, "View added.")
    else:
        messages.error(request, "A view needs a constituency and its text.")
    return redirect("cr-detail", pk=obj.pk)


def _view(request, pk, **kwargs):
    return get_object_or_404(ConstituencyView.objects.select_related("change_request"), pk=pk)


@require_POST
@permission_required("change_request.manage", get_object=_view)
def cr_view_delete(request, pk, obj):
    cr_pk = obj.change_request_id
    services.view_delete(actor=request.user, view=obj)
    messages.success(request, "View removed.")
    return redirect("cr-detail", pk=cr_pk)


@require_POST
@permission_required("change_request.manage", get_object=_cr)
def cr_document_upload(request, pk, obj):
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                actor=request.user, change_request=obj, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Document added.")
    else:
        messages.error(request, "Choose a file to upload.")
    return redirect("cr-detail", pk=obj.pk)


def _serve(stored):
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _document(request, pk, **kwargs):
    return get_object_or_404(Document.objects.select_related("change_request"), pk=pk)


@permission_required("change_request.document_view", get_object=_document)
def cr_document_download(request, pk, obj):
    return _serve(obj)


@require_POST
@permission_required("change_request.manage", get_object=_cr)
def cr_publish_responses(request, pk, obj):
    try:
        services.change_request_publish_responses(actor=request.user, change_request=obj)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Publishable responses are now visible to everyone.")
    return redirect("cr-detail", pk=obj.pk)


@permission_required("change_request.manage", get_object=_cr)
def cr_rebaseline(request, pk, obj):
    cr = obj
    form = forms.RebaselineForm(request.POST or None, change_request=cr)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_request_rebaseline(
                actor=request.user,
                change_request=cr,
                milestone=data["milestone"],
                baseline_date=data["baseline_date"],
                reason=data["reason"],
                expected_version=data.get("version"),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{data['milestone'].reference} re-baselined to "
                f"{data['baseline_date']:%d %b %Y} by {cr.reference}.",
            )
            return redirect("cr-detail", pk=cr.pk)
    return render(request, "change_requests/rebaseline.html", {"cr": cr, "form": form})


# --- participants -----------------------------------------------------------------------


@permission_required("ia.inbox")
def cr_inbox(request):
    return render(
        request,
        "change_requests/inbox.html",
        {"items": selectors.open_assessments_for(user=request.user)},
    )


def _respondable(request, pk, **kwargs):
    cr = get_object_or_404(ChangeRequest.objects.select_related("change_type"), pk=pk)
    # Not invited (or not a participant): for this user the page does not exist.
    if not can(request.user, "ia.respond", cr):
        raise Http404("No impact assessment for your organisation")
    return cr


@permission_required("ia.respond", get_object=_respondable)
def cr_respond(request, pk, obj):
    cr = obj
    user = request.user
    invitation = selectors.own_invitation(user=user, cr=cr)
    response = selectors.own_response(user=user, cr=cr)
    window_problem = services.response_window_problem(cr, invitation)
    if request.method == "POST":
        form = forms.ResponseForm(request.POST, request.FILES)
        if window_problem:
            form.is_valid()
            form.add_error(None, window_problem)
        elif form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            attachments = data.pop("attachments") or []
            submit = request.POST.get("action") == "submit"
            try:
                saved = services.response_save(
                    actor=user,
                    change_request=cr,
                    values=data,
                    submit=submit,
                    expected_version=version,
                    attachments=attachments,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                if submit:
                    messages.success(
                        request,
                        f"Submitted. A receipt is on its way; you can change the response "
                        f"until {invitation.deadline:%d %b %Y}."
                        if invitation.deadline
                        else "Submitted. A receipt is on its way.",
                    )
                else:
                    messages.success(
                        request, "Draft saved. Nobody outside your organisation can see it."
                    )
                return redirect("cr-respond", pk=saved.change_request_id)
    else:
        form = forms.ResponseForm(initial=forms.ResponseForm.initial_from(response))
    return render(
        request,
        "change_requests/respond.html",
        {
            "cr": cr,
            "form": form,
            "response": response,
            "invitation": invitation,
            "window_problem": window_problem,
            "history": history_of(response, limit=30) if response else [],
        },
    )


@permission_required("change_request.view")
def cr_response_detail(request, pk):
    response = selectors.response_get(user=request.user, pk=pk)
    return render(
        request,
        "change_requests/response_detail.html",
        {
            "response": response,
            "cr": response.change_request,
            "can_reclassify": can(request.user, "change_request.manage", response.change_request)
            and response.status == "submitted",
            "reclassify_form": forms.ReclassifyForm(initial={"counted_as": response.counted_as}),
            "history": history_of(response, limit=30),
        },
    )


@permission_required("change_request.view")
def cr_attachment_download(request, pk, attachment_pk):
    response = selectors.response_get(user=request.user, pk=pk)
    attachment = Attachment.objects.filter(pk=attachment_pk, response=response).first()
    if attachment is None:
        raise Http404("No such attachment")
    return _serve(attachment)


def _submitted_response(request, pk, **kwargs):
    return get_object_or_404(
        Response.objects.select_related("change_request", "organisation"), pk=pk
    )


@require_POST
@permission_required("change_request.view")
def cr_response_reclassify(request, pk):
    ensure(request.user, "change_request.manage")
    response = _submitted_response(request, pk)
    if not can(request.user, "ia_response.view", response):
        raise Http404("No such response")
    form = forms.ReclassifyForm(request.POST)
    if form.is_valid():
        try:
            services.response_reclassify(
                actor=request.user,
                response=response,
                counted_as=form.cleaned_data["counted_as"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Reclassification recorded.")
    else:
        messages.error(request, "Record the reason for the reclassification.")
    return redirect("cr-response-detail", pk=response.pk)
