from django import forms
from django.forms.models import fields_for_model

from change_requests.lifecycle import DECISION_TRANSITIONS
from change_requests.models import (
    BoardRecommendation,
    ChangeRequest,
    ImpactLevel,
    Recommendation,
    Response,
    Sentiment,
    Stage,
)
from meetings.models import Meeting
from milestones.models import Milestone
from portal.models import Constituency, MarketRole, Organisation
from raid.models import RaidItem

DATE = forms.DateInput(attrs={"type": "date"})

CR_FORM_FIELDS = [
    "title",
    "description",
    "reason",
    "benefits",
    "raiser_name",
    "raiser_organisation",
    "raiser_organisation_name",
    "change_type",
    "decision_authority",
    "raised_on",
    "implementation_date",
    "implementation_milestone",
    "implementation_text",
    "owner_name",
    "owner_organisation_name",
    "reminder_working_days",
]


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ChangeRequestForm(VersionedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                ChangeRequest,
                fields=CR_FORM_FIELDS,
                widgets={"raised_on": DATE, "implementation_date": DATE},
            )
        )
        self.fields["change_type"].queryset = self.fields["change_type"].queryset.filter(
            active=True
        )
        self.fields["affected_milestones"] = forms.ModelMultipleChoiceField(
            Milestone.objects.order_by("reference"),
            required=False,
            help_text="Milestones the change would move; a tier 1 milestone means the "
            "sponsor decides",
        )
        self.fields["affected_raid_items"] = forms.ModelMultipleChoiceField(
            RaidItem.objects.order_by("reference"), required=False, label="Affected RAID items"
        )


class NoteForm(VersionedForm):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class WithdrawForm(VersionedForm):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason")


class IssueForm(VersionedForm):
    all_parties = forms.BooleanField(required=False, label="All programme parties")
    constituencies = forms.ModelMultipleChoiceField(Constituency.objects.all(), required=False)
    market_roles = forms.ModelMultipleChoiceField(MarketRole.objects.all(), required=False)
    deadline = forms.DateField(
        widget=DATE, required=False, help_text="Empty: 10 working days from today"
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("all_parties") or data.get("constituencies") or data.get("market_roles")):
            raise forms.ValidationError(
                "Choose the parties: all, or one or more constituencies or market roles."
            )
        return data


class SubmitForDecisionForm(VersionedForm):
    board_recommendation = forms.ChoiceField(
        choices=BoardRecommendation.choices, required=False, label="Change Board recommendation"
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecideForm(VersionedForm):
    outcome = forms.ChoiceField(choices=[(n, n.capitalize()) for n in DECISION_TRANSITIONS])
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(widget=DATE)
    meeting = forms.ModelChoiceField(Meeting.objects.select_related("forum").order_by("-date"))


class ExtendForm(forms.Form):
    new_deadline = forms.DateField(widget=DATE)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), required=False, empty_label="Every invited party"
    )

    def __init__(self, *args, change_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            ia_invitations__change_request=change_request
        ).order_by("name")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


IMPACTED_CHOICES = [("", "Not stated"), ("yes", "Yes"), ("no", "No")]


class ResponseForm(VersionedForm):
    recommendation = forms.ChoiceField(
        choices=[("", "—")] + list(Recommendation.choices), required=False
    )
    impacted = forms.TypedChoiceField(
        choices=IMPACTED_CHOICES,
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        label="Is your organisation impacted?",
    )
    cost_impact = forms.ChoiceField(choices=[("", "—")] + list(ImpactLevel.choices), required=False)
    cost_impact_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Cost impact: details"
    )
    cost_estimate = forms.DecimalField(
        required=False, min_value=0, max_digits=14, decimal_places=2, label="Cost estimate (£)"
    )
    schedule_impact = forms.ChoiceField(
        choices=[("", "—")] + list(ImpactLevel.choices), required=False
    )
    schedule_impact_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Schedule impact: details"
    )
    delay_days = forms.IntegerField(
        required=False, min_value=0, max_value=3650, label="Delay (days)"
    )
    resource_impact = forms.ChoiceField(
        choices=[("", "—")] + list(ImpactLevel.choices), required=False
    )
    resource_impact_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Resource impact: details"
    )
    benefits = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    concerns = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required for No and Abstain",
    )
    publishable = forms.BooleanField(
        required=False, label="This response may be published (otherwise confidential)"
    )
    attachments = MultipleFileField(required=False)

    def clean(self):
        data = super().clean()
        submitting = self.data.get("action") == "submit"
        if submitting and not data.get("recommendation"):
            self.add_error("recommendation", "Choose a recommendation before submitting.")
        if (
            submitting
            and data.get("recommendation") in (Recommendation.NO, Recommendation.ABSTAIN)
            and not (data.get("rationale") or "").strip()
        ):
            self.add_error("rationale", "A rationale is required for No and Abstain.")
        return data

    @classmethod
    def initial_from(cls, response: Response | None) -> dict:
        if response is None:
            return {"version": 0}
        initial = {
            name: getattr(response, name)
            for name in cls.base_fields
            if hasattr(response, name) and name not in ("attachments",)
        }
        initial["impacted"] = {True: "yes", False: "no"}.get(response.impacted, "")
        return initial


class ReclassifyForm(forms.Form):
    counted_as = forms.ChoiceField(
        choices=[("", "As answered")] + list(Recommendation.choices),
        required=False,
        label="Count as",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


def _summary_text(label: str, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=False,
    )


class SummaryForm(VersionedForm):
    """The PMO's words beside the computed roll-up, as the pack's summary slide prints them."""

    objective = _summary_text("Objective", "What the steering group is asked to do", rows=2)
    headline = _summary_text("Headline", "Beyond the computed counts, if anything", rows=2)
    support_reasons = _summary_text("Why respondents supported it", "One point per line", 4)
    rejection_reasons = _summary_text("Why respondents rejected it", "One point per line")
    abstention_notes = _summary_text("Why respondents abstained", "One point per line")
    implementation = _summary_text("Implementation", "One point per line")
    table_notes = _summary_text("Notes on the responses table", "One point per line")
    recommendation = _summary_text("Recommendation")
    rationale = _summary_text("Rationale")


class ViewForm(forms.Form):
    constituency = forms.ModelChoiceField(Constituency.objects.all())
    sentiment = forms.ChoiceField(choices=Sentiment.choices, required=False)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(forms.Form):
    file = forms.FileField()


class RegisterFilterForm(forms.Form):
    stage = forms.ChoiceField(choices=[("", "Any stage")] + list(Stage.choices), required=False)
    approval_status = forms.ChoiceField(
        choices=[("", "Any status")]
        + [(s, s) for s in ("Open", "Approved", "Rejected", "Deferred", "Withdrawn")],
        required=False,
    )
    raiser = forms.CharField(required=False, label="Raiser contains")
    raised_from = forms.DateField(widget=DATE, required=False)
    raised_to = forms.DateField(widget=DATE, required=False)
    recent = forms.BooleanField(required=False, label="Raised in the last three months")
    q = forms.CharField(required=False, label="Title or reference")


class RebaselineForm(VersionedForm):
    milestone = forms.ModelChoiceField(queryset=None)
    baseline_date = forms.DateField(widget=DATE, label="New baseline date")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, change_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = change_request.affected_milestones.order_by("reference")
