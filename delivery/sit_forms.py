"""Forms for the PMO's SIT progress pages. Validation of figures is the importer's pure check, so
a form and an import refuse the same things with the same words."""

from __future__ import annotations

from django import forms

from delivery.forms import DATE, RAG_CHOICES, VersionForm
from delivery.sit_importers import measure_problems
from delivery.sit_models import (
    Assessment,
    CcpReadiness,
    Comparator,
    MeasureUnit,
    TrialKind,
)

LINES = "One per line."


def _lines(rows: int = 3, help_text: str = LINES, label: str | None = None):
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": rows}),
        required=False,
        help_text=help_text,
        label=label,
    )


class TargetSetForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    stage = forms.CharField(max_length=100, help_text="e.g. SIT Functional")
    cycle = forms.CharField(max_length=50, help_text="e.g. Cycle 2")
    title = forms.CharField(
        max_length=200,
        help_text="As the pack prints it, e.g. SIT Functional Cycle 2 Completion Targets",
    )
    cut_off = forms.DateField(widget=DATE, help_text="The date the targets are judged at")
    sprint = forms.CharField(
        max_length=50,
        required=False,
        help_text="The sprint that ends at the cut-off, e.g. Sprint 4",
    )


class TargetForm(forms.Form):
    number = forms.IntegerField(min_value=1, max_value=999)
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    notes = _lines(help_text="Points that are not measures. " + LINES)


class MeasureRowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    measure = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    scope = forms.CharField(max_length=200, required=False, label="Whose figure")
    comparator = forms.ChoiceField(choices=[("", "–"), *Comparator.choices], required=False)
    threshold = forms.DecimalField(max_digits=9, decimal_places=2, required=False)
    unit = forms.ChoiceField(choices=MeasureUnit.choices, initial=MeasureUnit.PERCENT)
    achieved = forms.DecimalField(max_digits=9, decimal_places=2, required=False)
    achieved_to = forms.DecimalField(
        max_digits=9, decimal_places=2, required=False, label="Achieved to (range)"
    )
    out_of = forms.IntegerField(min_value=1, required=False, label="Out of")
    result = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    assessment = forms.ChoiceField(
        choices=[("", "–"), *Assessment.choices],
        required=False,
        help_text="Where no threshold decides it",
    )

    def clean(self):
        data = super().clean()
        if not self.errors:
            for column, problem in measure_problems(data):
                self.add_error(column if column in self.fields else None, problem.capitalize())
        return data


class DashboardCreateForm(forms.Form):
    as_of = forms.DateField(widget=DATE, label="As of")
    copy = forms.BooleanField(
        required=False,
        initial=True,
        label="Start from a copy of the latest SIT status before this date",
    )


class MvcGroupForm(forms.Form):
    name = forms.CharField(max_length=200, label="SIT participants’ constituency")
    pps_confirmed = forms.IntegerField(
        min_value=0, required=False, label="PPs confirmed for SIT (FTIG attendees)"
    )


class MvcRoleRowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    market_role = forms.CharField(max_length=100, required=False)
    required = forms.IntegerField(min_value=0, required=False, label="Required for SIT MVC")
    confirmed = forms.IntegerField(min_value=0, required=False, label="Confirmed for SIT")
    participants = _lines(rows=3, help_text="One name per line")
    readiness = forms.ChoiceField(choices=[("", "–"), *CcpReadiness.choices], required=False)


class StageRowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    stage = forms.CharField(max_length=100, label="Test stage")
    rag = forms.ChoiceField(choices=RAG_CHOICES, required=False, label="RAG")
    comment = _lines(rows=6, help_text="One point per line")


class CohortPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    sprint = forms.CharField(max_length=50, help_text="e.g. Sprint 4.1")
    title = forms.CharField(max_length=200, required=False)
    objective = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    single_approach = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="How single-cohort trials run",
    )
    paired_approach = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="How paired-cohort trials run",
    )
    ethos = _lines()
    operation = _lines()
    themes_intro = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Introduction to the emerging themes",
    )
    emerging_themes = _lines(rows=4)
    next_steps = _lines(rows=4)

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "sprint")}


class TrialRowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(choices=TrialKind.choices)
    cohorts = forms.CharField(max_length=50, help_text="e.g. A, or A & J for a pair")
    target_test = forms.CharField(max_length=200, label="Target test")
    detail = forms.CharField(max_length=500, required=False)


MeasureFormSet = forms.formset_factory(
    MeasureRowForm, extra=2, can_delete=True, max_num=50, validate_max=True
)
MvcRoleFormSet = forms.formset_factory(
    MvcRoleRowForm, extra=2, can_delete=True, max_num=50, validate_max=True
)
StageFormSet = forms.formset_factory(
    StageRowForm, extra=1, can_delete=True, max_num=30, validate_max=True
)
TrialFormSet = forms.formset_factory(
    TrialRowForm, extra=2, can_delete=True, max_num=50, validate_max=True
)


class VersionOnlyForm(VersionForm):
    """The version the PMO started from, for edits of a whole table at once."""
