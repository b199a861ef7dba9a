from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from delivery import selectors, services
from delivery.forms import (
    DecisionFormSet,
    DeliverableFormSet,
    EscalationFormSet,
    ExtendForm,
    FinanceImportForm,
    FinanceLineForm,
    MilestoneFormSet,
    RaidFormSet,
    ReportForm,
    ReportRequestForm,
    ReviewForm,
    TrialResultForm,
    UploadForm,
    formset_rows,
)
from delivery.importers import parse_finances, parse_trials
from delivery.models import DeliveryReport, FinanceLine, ReportStatus, TrialResult
from delivery.report_layout import report_layout
from delivery.services import (
    DECISION_FIELDS,
    DELIVERABLE_FIELDS,
    ESCALATION_FIELDS,
    MILESTONE_FIELDS,
    RAID_FIELDS,
    REPORT_FIELDS,
)
from delivery.workflow import Step, allowed_steps
from portal.importing import ImportRejected, write_csv, write_xlsx
from portal.permissions import can, permission_required
from portal.selectors import history_of


def _report(request, pk, **kwargs):
    return selectors.report_get(user=request.user, pk=pk)


def _error_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@permission_required("delivery.view")
def home(request):
    status = request.GET.get("status", "")
    if status not in ReportStatus.values:
        status = ""
    reports = selectors.report_list(user=request.user, status=status)
    return render(
        request,
        "delivery/home.html",
        {
            "reports": reports,
            "status": status,
            "statuses": ReportStatus.choices,
            "can_request": can(request.user, "delivery_report.request"),
        },
    )


@permission_required("delivery_report.request")
def report_request(request):
    form = ReportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.delivery_report_request(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, f"Report requested from {report.reporter}.")
            return redirect("delivery-report-detail", pk=report.pk)
    return render(request, "delivery/report_request.html", {"form": form})


@permission_required("delivery_report.view", get_object=_report)
def report_detail(request, pk, obj: DeliveryReport):
    user = request.user
    steps = allowed_steps(obj.status)
    return render(
        request,
        "delivery/report_detail.html",
        {
            "report": obj,
            "layout": report_layout(obj),
            "can_edit": can(user, "delivery_report.edit", obj) and Step.SAVE_DRAFT in steps,
            "can_review": can(user, "delivery_report.review", obj) and Step.ACCEPT in steps,
            "can_extend": can(user, "delivery_report.review", obj)
            and obj.status not in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED),
            "review_form": ReviewForm(initial={"version": obj.version}),
            "extend_form": ExtendForm(initial={"version": obj.version, "due_date": obj.due_date}),
            "problems": services.submission_problems(obj),
            "history": history_of(obj, limit=50),
        },
    )


# The report's tables as the edit page offers them: (keyword of delivery_report_save, formset,
# prefix, related name, fields).
REPORT_TABLE_FORMS = [
    ("milestones", MilestoneFormSet, "ms", "milestones", MILESTONE_FIELDS),
    ("deliverables", DeliverableFormSet, "kd", "deliverables", DELIVERABLE_FIELDS),
    ("decisions", DecisionFormSet, "dec", "decisions", DECISION_FIELDS),
    ("escalations", EscalationFormSet, "esc", "escalations", ESCALATION_FIELDS),
    ("raid_items", RaidFormSet, "raid", "raid_items", RAID_FIELDS),
]


def _report_formsets(report: DeliveryReport, data=None) -> dict:
    formsets = {}
    for keyword, formset_class, prefix, related, fields in REPORT_TABLE_FORMS:
        if data is not None:
            formsets[keyword] = formset_class(data, prefix=prefix)
        else:
            rows = getattr(report, related).all()
            initial = [{"id": row.pk, **{f: getattr(row, f) for f in fields}} for row in rows]
            formsets[keyword] = formset_class(prefix=prefix, initial=initial)
    return formsets


@permission_required("delivery_report.edit", get_object=_report)
def report_edit(request, pk, obj: DeliveryReport):
    if Step.SAVE_DRAFT not in allowed_steps(obj.status):
        messages.error(
            request, f"This report is {obj.get_status_display().lower()} and cannot be edited."
        )
        return redirect("delivery-report-detail", pk=obj.pk)
    for_constituency = obj.constituency_id is not None
    if request.method == "POST":
        form = ReportForm(request.POST, for_constituency=for_constituency)
        formsets = _report_formsets(obj, request.POST)
        if form.is_valid() and all(f.is_valid() for f in formsets.values()):
            try:
                services.delivery_report_save(
                    actor=request.user,
                    report=obj,
                    expected_version=form.cleaned_data["version"],
                    values=form.values(),
                    **{keyword: formset_rows(f) for keyword, f in formsets.items()},
                )
                if "submit" in request.POST:
                    obj.refresh_from_db()
                    try:
                        services.delivery_report_submit(
                            actor=request.user, report=obj, expected_version=obj.version
                        )
                    except ValidationError as exc:
                        # The draft is saved; say why it could not go to the PMO yet.
                        messages.warning(request, "Your draft has been saved but not submitted.")
                        _error_messages(request, exc)
                    else:
                        messages.success(request, "Your report has been submitted to the PMO.")
                else:
                    messages.success(request, "Your draft has been saved.")
                return redirect("delivery-report-detail", pk=obj.pk)
            except ValidationError as exc:
                _error_messages(request, exc)
        else:
            messages.error(request, "Nothing was saved: correct the problems marked below.")
    else:
        form = ReportForm(
            for_constituency=for_constituency,
            initial={"version": obj.version, **{k: getattr(obj, k) for k in REPORT_FIELDS}},
        )
        formsets = _report_formsets(obj)
    return render(
        request,
        "delivery/report_edit.html",
        {"report": obj, "form": form, **formsets},
    )


@require_POST
@permission_required("delivery_report.edit", get_object=_report)
def report_submit(request, pk, obj: DeliveryReport):
    version = request.POST.get("version", "")
    try:
        services.delivery_report_submit(
            actor=request.user,
            report=obj,
            expected_version=int(version) if str(version or "").isdigit() else None,
        )
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, "Your report has been submitted to the PMO.")
    return redirect("delivery-report-detail", pk=obj.pk)


@require_POST
@permission_required("delivery_report.review", get_object=_report)
def report_review(request, pk, obj: DeliveryReport):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("delivery-report-detail", pk=obj.pk)
    data = form.cleaned_data
    try:
        if data["decision"] == "accept":
            services.delivery_report_accept(
                actor=request.user,
                report=obj,
                expected_version=data["version"],
                comments=data["comments"],
            )
            messages.success(request, "Report accepted: it now feeds the pack and the dashboard.")
        else:
            services.delivery_report_return(
                actor=request.user,
                report=obj,
                expected_version=data["version"],
                comments=data["comments"],
                due_date=data["due_date"],
            )
            messages.success(request, "Report returned to the organisation with your comments.")
    except ValidationError as exc:
        _error_messages(request, exc)
    return redirect("delivery-report-detail", pk=obj.pk)


@require_POST
@permission_required("delivery_report.review", get_object=_report)
def report_extend(request, pk, obj: DeliveryReport):
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.delivery_report_extend(
                actor=request.user,
                report=obj,
                due_date=form.cleaned_data["due_date"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, "Due date changed.")
        except ValidationError as exc:
            _error_messages(request, exc)
    else:
        messages.error(request, "Give a valid new due date.")
    return redirect("delivery-report-detail", pk=obj.pk)


# Finances ---------------------------------------------------------------------------------


def _year(request) -> int | None:
    raw = request.GET.get("year", "")
    if not raw:
        return None
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Http404("No such financial year")
    return int(raw)


@permission_required("finance.view")
def finances(request):
    table = selectors.finance_table(user=request.user, year=_year(request))
    return render(
        request,
        "delivery/finances.html",
        {
            "table": table,
            "years": selectors.finance_years(),
            "can_edit": can(request.user, "finance.edit"),
        },
    )


def finance_export_rows(table) -> tuple[list[str], list[list]]:
    headers = [
        "Line",
        "Party",
        *[f"{m:%Y-%m}" for m in table.months],
        "Without month",
        "Total (computed)",
        "Total (as supplied)",
    ]
    rows = [
        [
            row.label,
            row.party,
            *row.cells,
            " ".join(str(v) for v in row.unassigned),
            row.computed_total,
            row.printed_total,
        ]
        for row in table.rows
    ]
    return headers, rows


@permission_required("finance.view")
def finances_export(request, fmt):
    table = selectors.finance_table(user=request.user, year=_year(request))
    if table is None:
        raise Http404("No finances recorded")
    headers, rows = finance_export_rows(table)
    return export_response(f"finances-{table.year}", fmt, headers, rows)


def export_response(stem: str, fmt: str, headers, rows) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(write_csv(headers, rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            write_xlsx(headers, rows, title=stem),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404("Unknown format")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@permission_required("finance.edit")
def finances_import(request):
    form = FinanceImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            year, lines = parse_finances(
                upload.name, upload.read(), default_party=form.cleaned_data["default_party"]
            )
            services.finance_year_replace(
                actor=request.user, year=year, lines=lines, reason=f"Imported from {upload.name}"
            )
        except ImportRejected as exc:
            problems = exc.problems
            messages.error(request, "Nothing was imported: correct these problems and try again.")
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(
                request, f"Imported {len(lines)} finance lines for {year}/{(year + 1) % 100:02d}."
            )
            return redirect(f"{reverse('delivery-finances')}?year={year}")
    return render(
        request,
        "delivery/import.html",
        {
            "form": form,
            "problems": problems,
            "title": "Import finances",
            "back": "delivery-finances",
        },
    )


def _line(request, pk, **kwargs):
    return get_object_or_404(FinanceLine, pk=pk)


@permission_required("finance.edit", get_object=_line)
def finance_line_edit(request, pk, obj: FinanceLine):
    form = FinanceLineForm(request.POST or None, line=obj)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.finance_line_update(
                    actor=request.user,
                    line=obj,
                    expected_version=form.cleaned_data["version"],
                    months=form.month_values(),
                    printed_total=form.cleaned_data["printed_total"],
                )
            except ValidationError as exc:
                _error_messages(request, exc)
            else:
                messages.success(request, f"{obj.label} saved.")
                return redirect(f"{reverse('delivery-finances')}?year={obj.year}")
    else:
        amounts = {a.month: a.amount for a in obj.amounts.filter(month__isnull=False)}
        form = FinanceLineForm(
            line=obj,
            initial={
                "version": obj.version,
                "printed_total": obj.printed_total,
                **{form.month_field(m): amounts.get(m) for m in form.months},
            },
        )
    return render(
        request,
        "delivery/finance_line_edit.html",
        {"line": obj, "form": form, "history": history_of(obj, limit=30)},
    )


# Test progress ----------------------------------------------------------------------------


def trial_export_rows(results) -> tuple[list[str], list[list]]:
    headers = [
        "Stage",
        "Test case",
        "Cohorts",
        "Status",
        "Steps passed",
        "Steps total",
        "Percent",
        "Commentary",
    ]
    rows = [
        [
            r.test_case.stage.name,
            r.test_case.name,
            r.cohorts,
            r.get_status_display(),
            r.steps_passed,
            r.steps_total,
            r.percent,
            r.commentary,
        ]
        for r in results
    ]
    return headers, rows


@permission_required("trial.view")
def trials(request):
    results = selectors.trial_results(user=request.user)
    return render(
        request,
        "delivery/trials.html",
        {
            "results": results,
            "summary": selectors.trial_summary(results),
            "can_edit": can(request.user, "trial.edit"),
        },
    )


@permission_required("trial.view")
def trials_export(request, fmt):
    headers, rows = trial_export_rows(selectors.trial_results(user=request.user))
    return export_response("test-progress", fmt, headers, rows)


@permission_required("trial.edit")
def trials_import(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = parse_trials(upload.name, upload.read())
            count = services.trials_replace(
                actor=request.user, rows=rows, reason=f"Imported from {upload.name}"
            )
        except ImportRejected as exc:
            problems = exc.problems
            messages.error(request, "Nothing was imported: correct these problems and try again.")
        else:
            messages.success(request, f"Imported {count} test results.")
            return redirect("delivery-trials")
    return render(
        request,
        "delivery/import.html",
        {
            "form": form,
            "problems": problems,
            "title": "Import test progress",
            "back": "delivery-trials",
        },
    )


def _result(request, pk, **kwargs):
    return get_object_or_404(TrialResult.objects.select_related("test_case__stage"), pk=pk)


@permission_required("trial.edit", get_object=_result)
def trial_edit(request, pk, obj: TrialResult):
    form = TrialResultForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.trial_result_update(
                    actor=request.user,
                    result=obj,
                    expected_version=data["version"],
                    status=data["status"],
                    steps_passed=data["steps_passed"],
                    steps_total=data["steps_total"],
                    percent=data["percent"],
                    commentary=data["commentary"],
                )
            except ValidationError as exc:
                _error_messages(request, exc)
            else:
                messages.success(request, "Test progress saved.")
                return redirect("delivery-trials")
    else:
        form = TrialResultForm(
            initial={
                "version": obj.version,
                "status": obj.status,
                "steps_passed": obj.steps_passed,
                "steps_total": obj.steps_total,
                "percent": obj.percent,
                "commentary": obj.commentary,
            }
        )
    return render(
        request,
        "delivery/trial_edit.html",
        {"result": obj, "form": form, "history": history_of(obj, limit=30)},
    )
