"""Forms of the plan's timeline pages."""

from __future__ import annotations

from django import forms

from milestones.forms import DATE
from milestones.models import ActivityKind, Milestone
from milestones.plan_selectors import plan_lanes


class PlanActivityForm(forms.Form):
    lane = forms.CharField(
        max_length=100,
        help_text="The group it is drawn in, e.g. Milestones, SIT Functional",
        widget=forms.TextInput(attrs={"list": "plan-lanes"}),
    )
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=ActivityKind.choices)
    start_date = forms.DateField(widget=DATE)
    end_date = forms.DateField(
        required=False,
        widget=DATE,
        help_text="Empty: runs on beyond what the plan shows. Milestones and meetings are one day.",
    )
    approximate = forms.BooleanField(required=False, label="The dates are approximate")
    date_basis = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="How the dates are known",
        help_text="Required when approximate, e.g. 'approximate to the week: after the CR issue'.",
    )
    source = forms.CharField(required=False, max_length=200, help_text="Document or slide")
    milestone = forms.CharField(
        required=False,
        max_length=20,
        label="Register milestone",
        help_text="The reference of the milestone it stands for, if any (e.g. T3-TE-0042).",
    )
    position = forms.IntegerField(
        required=False, min_value=0, help_text="Order on the timeline (empty: at the end)"
    )
    reason = forms.CharField(required=False, max_length=100, label="Reason (history)")

    def clean_milestone(self):
        reference = (self.cleaned_data.get("milestone") or "").strip().upper()
        if not reference:
            return None
        found = Milestone.objects.filter(reference=reference).first()
        if found is None:
            raise forms.ValidationError(f"{reference} is not in the register.")
        return found

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end is before the start.")
        if data.get("approximate") and not (data.get("date_basis") or "").strip():
            self.add_error("date_basis", "Say how the approximate dates were arrived at.")
        return data


class PlanActivityEditForm(PlanActivityForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanDeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=91, label="Why it leaves the plan")


class PlanFilterForm(forms.Form):
    lanes = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Lanes"
    )
    date_from = forms.DateField(required=False, widget=DATE, label="From")
    date_to = forms.DateField(required=False, widget=DATE, label="To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lanes"].choices = [(lane, lane) for lane in plan_lanes()]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("'From' must be on or before 'To'.")
        return data
