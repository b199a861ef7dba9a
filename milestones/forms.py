from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from milestones.models import REFERENCE_PATTERN, Milestone, Rag, Tier
from portal.models import Forum, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _milestones_from_references(text: str) -> list[Milestone]:
    """'T3-DB-0153, T3-DB-0155' -> those milestones (one query); unknown references refused.
    A text field rather than a select: the register may hold many thousands of milestones."""
    wanted = list(dict.fromkeys(r.upper() for r in re.split(r"[\s,;]+", text or "") if r))
    found = {m.reference: m for m in Milestone.objects.filter(reference__in=wanted)}
    missing = [r for r in wanted if r not in found]
    if missing:
        raise forms.ValidationError(f"Not in the register: {', '.join(missing)}.")
    return [found[r] for r in wanted]


def _check_at_risk_reason(form: forms.Form, data: dict) -> dict:
    if data.get("at_risk") and not (data.get("at_risk_reason") or "").strip():
        form.add_error("at_risk_reason", "Say why the milestone is at risk.")
    return data


class RegisterFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Reference or title contains")
    forum = forms.ChoiceField(required=False)
    tier = forms.ChoiceField(required=False, choices=[("", "All tiers"), *Tier.choices])
    workstream = forms.CharField(required=False, max_length=4, label="Workstream code")
    responsible = forms.CharField(required=False, label="Responsible contains")
    rag = forms.ChoiceField(required=False, choices=[("", "All RAGs"), *Rag.choices], label="RAG")
    date_from = forms.DateField(required=False, widget=DATE, label="Due from")
    date_to = forms.DateField(required=False, widget=DATE, label="Due to")
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("baseline", "Baseline date"),
            ("-baseline", "Baseline date, latest first"),
            ("forecast", "Forecast date"),
            ("-forecast", "Forecast date, latest first"),
            ("reference", "Reference"),
            ("forum", "Forum"),
            ("rag", "RAG"),
        ],
    )

    def __init__(self, *args, forums=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].choices = [("", "All forums")] + [(f, f) for f in forums]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("'Due from' must be on or before 'Due to'.")
        return data

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "forum": data.get("forum") or None,
            "tier": data.get("tier") or None,
            "workstream": data.get("workstream") or None,
            "responsible": data.get("responsible") or None,
            "rag": data.get("rag") or None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "search": data.get("q") or None,
            "sort": data.get("sort") or "baseline",
        }


class DashboardFilterForm(forms.Form):
    on = forms.DateField(required=False, widget=DATE, label="Reporting date")
    forum = forms.ChoiceField(required=False)
    tier = forms.ChoiceField(required=False, choices=[("", "All tiers"), *Tier.choices])
    workstream = forms.CharField(required=False, max_length=4, label="Workstream code")
    date_from = forms.DateField(required=False, widget=DATE, label="Due from")
    date_to = forms.DateField(required=False, widget=DATE, label="Due to")

    def __init__(self, *args, forums=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].choices = [("", "All forums")] + [(f, f) for f in forums]


class _ForumChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} – {obj.name}"


class MilestoneCreateForm(forms.Form):
    reference = forms.RegexField(
        regex=REFERENCE_PATTERN,
        max_length=20,
        error_messages={"invalid": "Use tier, workstream code and number, like T3-DB-0153."},
        help_text="Tier T1–T3, workstream code, number: T3-DB-0153",
    )
    forum = _ForumChoice(queryset=Forum.objects.order_by("level", "code"))
    forum_stream = forms.CharField(
        required=False,
        max_length=100,
        label="Sub-group",
        help_text="As printed in brackets after the forum, e.g. Transition",
    )
    title = forms.CharField(max_length=300)
    baseline_date = forms.DateField(widget=DATE)
    forecast_date = forms.DateField(widget=DATE)
    responsible = forms.CharField(required=False, max_length=200)
    responsible_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(active=True), required=False
    )
    at_risk = forms.BooleanField(required=False, label="At risk (PMO judgement)")
    at_risk_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why it is at risk",
        help_text="Required with the at-risk flag; shown in the RAG's reason.",
    )
    commentary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    predecessors = forms.CharField(
        required=False,
        label="Depends on",
        help_text="References of the milestones it depends on, separated by commas or spaces.",
    )

    def clean_predecessors(self):
        return _milestones_from_references(self.cleaned_data["predecessors"])

    def clean(self):
        return _check_at_risk_reason(self, super().clean())

    def clean_reference(self):
        reference = self.cleaned_data["reference"].upper()
        if Milestone.objects.filter(reference=reference).exists():
            raise forms.ValidationError(f"{reference} is already in the register.")
        return reference


class MilestoneEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(max_length=300)
    forum = _ForumChoice(queryset=Forum.objects.order_by("level", "code"))
    forum_stream = forms.CharField(required=False, max_length=100, label="Sub-group")
    responsible = forms.CharField(required=False, max_length=200)
    responsible_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(active=True), required=False
    )
    forecast_date = forms.DateField(widget=DATE)
    forecast_reason = forms.CharField(
        required=False,
        label="Why the forecast changes",
        help_text="Required when the forecast date changes.",
    )
    completed_on = forms.DateField(required=False, widget=DATE)
    at_risk = forms.BooleanField(required=False, label="At risk (PMO judgement)")
    at_risk_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why it is at risk",
        help_text="Required with the at-risk flag; shown in the RAG's reason.",
    )
    commentary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    predecessors = forms.CharField(
        required=False,
        label="Depends on",
        help_text="References of the milestones it depends on, separated by commas or spaces.",
    )
    rag_override = forms.ChoiceField(
        required=False,
        choices=[("", "No override (computed)"), *Rag.choices],
        label="RAG override",
    )
    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required with an override; shown beside the computed RAG.",
    )
    reason = forms.CharField(required=False, label="Reason for the change (history)")

    def __init__(self, *args, milestone: Milestone, **kwargs):
        self.milestone = milestone
        super().__init__(*args, **kwargs)

    def clean_predecessors(self):
        predecessors = _milestones_from_references(self.cleaned_data["predecessors"])
        if any(p.pk == self.milestone.pk for p in predecessors):
            raise forms.ValidationError("A milestone cannot depend on itself.")
        return predecessors

    def clean(self):
        data = super().clean()
        forecast = data.get("forecast_date")
        if (
            forecast
            and forecast != self.milestone.forecast_date
            and not (data.get("forecast_reason") or "").strip()
        ):
            self.add_error("forecast_reason", "Say why the forecast date changes.")
        if data.get("rag_override") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", "An override needs a reason.")
        return _check_at_risk_reason(self, data)


class RebaselineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    baseline_date = forms.DateField(widget=DATE, label="New baseline date")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="E.g. the approved change request that moves it.",
    )


class InlineForecastForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    forecast_date = forms.DateField(widget=DATE, label="New forecast date")
    reason = forms.CharField(max_length=500, label="Why")


class InlineCommentaryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    commentary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class InlineAtRiskForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    at_risk = forms.BooleanField(required=False, label="At risk")
    at_risk_reason = forms.CharField(required=False, max_length=1000, label="Why")

    def clean(self):
        return _check_at_risk_reason(self, super().clean())


INLINE_FORMS = {
    "forecast": InlineForecastForm,
    "commentary": InlineCommentaryForm,
    "at_risk": InlineAtRiskForm,
}


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV or XLSX: the register's columns, or a status update.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {filesizeformat(settings.MAX_UPLOAD_BYTES)}."
            )
        return upload
