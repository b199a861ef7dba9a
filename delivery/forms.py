from __future__ import annotations

from django import forms

from delivery.models import (
    RAG_DIMENSIONS,
    FinanceLine,
    Rag,
    RaidKind,
    ReportCategory,
    TrialStatus,
)
from delivery.services import financial_year_months
from portal.models import Constituency, Organisation

DATE = forms.DateInput(attrs={"type": "date"})
RAG_CHOICES = [("", "–"), *Rag.choices]
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReportRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        Organisation.objects.filter(active=True),
        required=False,
        help_text="The party that reports, or leave empty and choose a constituency",
    )
    constituency = forms.ModelChoiceField(
        Constituency.objects.all(),
        required=False,
        help_text="For a report the constituency's parties compile together (e.g. DNOs)",
    )
    period = forms.DateField(widget=DATE, help_text="Any day in the month reported on")
    due_date = forms.DateField(widget=DATE)
    category = forms.ChoiceField(
        choices=ReportCategory.choices,
        initial=ReportCategory.OTHER,
        help_text="The block of the pack the report prints in",
    )
    title = forms.CharField(max_length=200, required=False)
    note = forms.CharField(widget=forms.Textarea, required=False, label="Note to the organisation")

    def clean(self):
        data = super().clean()
        if bool(data.get("organisation")) == bool(data.get("constituency")):
            raise forms.ValidationError("Choose either an organisation or a constituency.")
        return data


MARKDOWN_HELP = "Start each point with '- '; a line in **bold** heads the points under it."


class ReportForm(VersionForm):
    report_date = forms.DateField(widget=DATE, required=False)
    progress_last_month = forms.CharField(
        widget=forms.Textarea, required=False, help_text=MARKDOWN_HELP
    )
    progress_next_month = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Progress expected next month",
        help_text=MARKDOWN_HELP,
    )
    organisations_reported = forms.IntegerField(
        min_value=0, required=False, label="Organisations who reported"
    )
    organisations_expected = forms.IntegerField(
        min_value=1, required=False, label="Organisations expected to report"
    )

    def __init__(self, *args, for_constituency: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in reversed(RAG_DIMENSIONS):
            self.fields[name] = forms.ChoiceField(choices=RAG_CHOICES, required=False, label=label)
            self.order_fields([name, *[f for f in self.fields if f != name]])
        if not for_constituency:
            # Only a report compiled for a whole constituency counts its organisations.
            del self.fields["organisations_reported"]
            del self.fields["organisations_expected"]

    def clean(self):
        data = super().clean()
        reported = data.get("organisations_reported")
        expected = data.get("organisations_expected")
        if (reported is None) != (expected is None):
            raise forms.ValidationError(
                "Give both the number of organisations who reported and how many were expected."
            )
        if reported is not None and expected is not None and reported > expected:
            self.add_error(
                "organisations_reported",
                f"{reported} cannot have reported out of {expected} expected.",
            )
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}

    def count_fields(self):
        return [
            self[n]
            for n in ("organisations_reported", "organisations_expected")
            if n in self.fields
        ]

    def rag_fields(self):
        return [self[name] for name, _ in RAG_DIMENSIONS]

    def text_fields(self):
        return [
            self[name] for name in ("report_date", "progress_last_month", "progress_next_month")
        ]


class MilestoneRowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(max_length=300)
    original_date = forms.DateField(widget=DATE, required=False)
    forecast_date = forms.DateField(widget=DATE, required=False)
    rag = forms.ChoiceField(choices=RAG_CHOICES, required=False, label="RAG")
    commentary = forms.CharField(required=False)


class RaidRowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(choices=RaidKind.choices)
    ref = forms.CharField(
        max_length=30, required=False, help_text="Your own numbering, as you print it"
    )
    movement = forms.CharField(max_length=30, required=False, help_text="e.g. NEW or Update")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    dependency_on = forms.CharField(max_length=200, required=False, label="Dependency on")
    area = forms.CharField(max_length=100, required=False)
    rag = forms.ChoiceField(choices=RAG_CHOICES, required=False, label="RAG")
    rating = forms.CharField(max_length=50, required=False)
    action = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    owner = forms.CharField(max_length=200, required=False)
    target = forms.CharField(max_length=300, required=False, label="Target date or milestone")


class DecisionRowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    from_whom = forms.CharField(max_length=200, required=False, label="From whom?")
    by_date = forms.DateField(widget=DATE, required=False, label="By when?")


class DateOrWordsMixin:
    """A row with a date, or words where there is no date (ASAP), never both."""

    date_field = ""
    words_field = ""

    def clean(self):
        data = super().clean()
        if data.get(self.date_field) and (data.get(self.words_field) or "").strip():
            self.add_error(self.words_field, "Give a date or words, not both.")
        return data


class EscalationRowForm(DateOrWordsMixin, forms.Form):
    date_field, words_field = "resolution_date", "resolution_note"
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    escalation = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    to_whom = forms.CharField(max_length=200, required=False, label="To whom")
    resolution_date = forms.DateField(widget=DATE, required=False, label="Resolve by")
    resolution_note = forms.CharField(
        max_length=100, required=False, label="Or, with no date", help_text="e.g. ASAP"
    )
    owner = forms.CharField(max_length=200, required=False)


class DeliverableRowForm(DateOrWordsMixin, forms.Form):
    date_field, words_field = "due_date", "due_note"
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    group = forms.CharField(max_length=200, required=False, help_text="Heading it sits under")
    deliverable = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    latest_status = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    due_date = forms.DateField(widget=DATE, required=False)
    due_note = forms.CharField(max_length=50, required=False, label="Or due (words)")
    rag = forms.ChoiceField(choices=RAG_CHOICES, required=False, label="RAG")
    programme_milestones = forms.CharField(
        max_length=200, required=False, label="Programme milestone(s)"
    )


MilestoneFormSet = forms.formset_factory(
    MilestoneRowForm, extra=2, can_delete=True, max_num=100, validate_max=True
)
RaidFormSet = forms.formset_factory(
    RaidRowForm, extra=2, can_delete=True, max_num=200, validate_max=True
)
DecisionFormSet = forms.formset_factory(
    DecisionRowForm, extra=1, can_delete=True, max_num=50, validate_max=True
)
EscalationFormSet = forms.formset_factory(
    EscalationRowForm, extra=1, can_delete=True, max_num=50, validate_max=True
)
DeliverableFormSet = forms.formset_factory(
    DeliverableRowForm, extra=2, can_delete=True, max_num=100, validate_max=True
)


def formset_rows(formset) -> list[dict]:
    """The kept rows of a valid formset, in order, blank extra rows dropped."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() or form.cleaned_data.get("DELETE"):
            continue
        data = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        rows.append(data)
    return rows


class ReviewForm(VersionForm):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("return", "Return with comments")])
    comments = forms.CharField(widget=forms.Textarea, required=False)
    due_date = forms.DateField(
        widget=DATE, required=False, help_text="When returning: the date to resubmit by"
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return":
            if not (data.get("comments") or "").strip():
                self.add_error("comments", "Say what the organisation should change.")
            if not data.get("due_date"):
                self.add_error("due_date", "Give the date to resubmit by.")
        return data


class ExtendForm(VersionForm):
    due_date = forms.DateField(widget=DATE, label="New due date")


class UploadForm(forms.Form):
    file = forms.FileField(help_text="CSV or XLSX, with a header row")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        return upload


class FinanceImportForm(UploadForm):
    default_party = forms.CharField(
        max_length=100,
        initial="MHHS",
        help_text="Party of lines labelled just 'Budget' or 'Actual/Forecast'",
    )


class FinanceLineForm(VersionForm):
    printed_total = forms.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text="The total the party printed, if it supplied one",
    )

    def __init__(self, *args, line: FinanceLine, **kwargs):
        super().__init__(*args, **kwargs)
        self.months = financial_year_months(line.year)
        for month in self.months:
            self.fields[self.month_field(month)] = forms.DecimalField(
                max_digits=10, decimal_places=2, required=False, label=f"{month:%b %Y}"
            )

    @staticmethod
    def month_field(month) -> str:
        return f"m_{month:%Y_%m}"

    def month_values(self) -> dict:
        return {m: self.cleaned_data.get(self.month_field(m)) for m in self.months}


class TrialResultForm(VersionForm):
    status = forms.ChoiceField(choices=TrialStatus.choices)
    steps_passed = forms.IntegerField(min_value=0, required=False)
    steps_total = forms.IntegerField(min_value=1, required=False)
    percent = forms.IntegerField(
        min_value=0, max_value=100, required=False, help_text="Leave empty to compute from steps"
    )
    commentary = forms.CharField(widget=forms.Textarea, required=False)
