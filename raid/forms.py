from django import forms

from milestones.models import Milestone
from portal.models import Organisation, User
from raid.models import (
    Band,
    Classification,
    MitigationStep,
    RaidItem,
    RaidType,
    Status,
    StepState,
    Theme,
)

SORT_CHOICES = [
    ("-score", "Score, highest first"),
    ("score", "Score, lowest first"),
    ("reference", "Reference"),
    ("proximity", "Proximity / target date"),
]


def _blank(choices, label="Any"):
    return [("", label), *choices]


class LogFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    type = forms.ChoiceField(choices=_blank(RaidType.choices), required=False)
    theme = forms.ModelChoiceField(queryset=Theme.objects.all(), required=False, empty_label="Any")
    band = forms.ChoiceField(choices=_blank(Band.choices), required=False)
    owner = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(choices=_blank(Status.choices), required=False)
    classification = forms.ChoiceField(choices=_blank(Classification.choices), required=False)
    likelihood = forms.IntegerField(required=False, min_value=1, max_value=10)
    impact = forms.IntegerField(required=False, min_value=1, max_value=10)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)

    def __init__(self, *args, show_classification=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_classification:
            # Participants and observers see Public items only; the filter would be noise.
            del self.fields["classification"]
        for name in ("likelihood", "impact"):
            self.fields[name].widget = forms.HiddenInput()


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RaidItemForm(VersionedForm):
    reference = forms.CharField(
        max_length=30, help_text="Starts with R, A, I or D to match the type, e.g. R960"
    )
    type = forms.ChoiceField(choices=RaidType.choices)
    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea, required=False)
    theme = forms.ModelChoiceField(queryset=Theme.objects.all(), required=False)
    owner_person = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), required=False, label="Owner (person)"
    )
    owner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(active=True),
        required=False,
        label="Owner (organisation)",
    )
    owner_text = forms.CharField(
        max_length=200,
        required=False,
        label="Owner (as written)",
        help_text="Only when the owner is not a person or organisation in the portal",
    )
    raised_by = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), required=False)
    classification = forms.ChoiceField(
        choices=Classification.choices, initial=Classification.RESTRICTED
    )
    proximity_date = forms.DateField(
        required=False,
        label="Proximity / target date",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_text = forms.CharField(
        max_length=200, required=False, label="Target as written", help_text="e.g. 'Q3 2024', 'M10'"
    )
    milestones = forms.ModelMultipleChoiceField(
        queryset=Milestone.objects.all(), required=False, label="Linked milestones"
    )

    def clean(self):
        data = super().clean()
        if data.get("owner_person") and data.get("owner_organisation"):
            self.add_error("owner_organisation", "Choose a person or an organisation, not both.")
        return data


class RaidItemCreateForm(RaidItemForm):
    likelihood = forms.IntegerField(required=False, min_value=1, max_value=10)
    impact = forms.IntegerField(required=False, min_value=1, max_value=10)
    score = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=30,
        label="Score given directly",
        help_text="Only when there is no likelihood and impact",
    )
    target_score = forms.IntegerField(required=False, min_value=1, max_value=30)


class ScoreForm(VersionedForm):
    likelihood = forms.IntegerField(required=False, min_value=1, max_value=10)
    impact = forms.IntegerField(required=False, min_value=1, max_value=10)
    score = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=30,
        label="Score given directly",
        help_text="Leave empty when giving likelihood and impact",
    )
    target_score = forms.IntegerField(required=False, min_value=1, max_value=30)
    reason = forms.CharField(max_length=300, required=False, label="Why the score changed")

    def clean(self):
        data = super().clean()
        has_cell = data.get("likelihood") is not None or data.get("impact") is not None
        if has_cell and data.get("score") is not None:
            self.add_error("score", "Give likelihood and impact, or a score, not both.")
        if not has_cell and data.get("score") is None and not self.errors:
            self.add_error("likelihood", "Give likelihood and impact (or a score).")
        return data


class StepForm(VersionedForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Step")
    owner_person = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), required=False, label="Owner (person)"
    )
    owner_text = forms.CharField(max_length=200, required=False, label="Owner (as written)")
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    state = forms.ChoiceField(choices=StepState.choices, initial=StepState.NOT_STARTED)

    @classmethod
    def for_step(cls, step: MitigationStep, data=None):
        return cls(
            data,
            prefix=f"step{step.pk}",
            initial={
                "version": step.version,
                "text": step.text,
                "owner_person": step.owner_person_id,
                "owner_text": step.owner_text,
                "due_date": step.due_date,
                "state": step.state,
            },
        )


class CloseForm(VersionedForm):
    closure_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ConvertForm(VersionedForm):
    new_reference = forms.CharField(
        max_length=30, label="New issue reference", help_text="e.g. I192"
    )
    reason = forms.CharField(max_length=300, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV or XLSX, with a header row")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 10 MB.")
        return upload


class ThemeForm(VersionedForm):
    name = forms.CharField(max_length=200)
    position = forms.IntegerField(min_value=0, initial=0, help_text="Order on the theme slides")
    summary = forms.CharField(widget=forms.Textarea, required=False)
    mitigation_approach = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Mitigation approach overview",
        help_text="One point per line",
    )
    headline = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Headline for the RAID summary",
        help_text="Where the theme stands now, printed under the key RAID items",
    )


def item_initial(item: RaidItem) -> dict:
    return {
        "version": item.version,
        "reference": item.reference,
        "type": item.type,
        "title": item.title,
        "description": item.description,
        "theme": item.theme_id,
        "owner_person": item.owner_person_id,
        "owner_organisation": item.owner_organisation_id,
        "owner_text": item.owner_text,
        "raised_by": item.raised_by_id,
        "classification": item.classification,
        "proximity_date": item.proximity_date,
        "due_text": item.due_text,
        "milestones": [m.pk for m in item.milestones.all()],
    }


class ScoringForm(forms.Form):
    """One number field per matrix cell and two per band."""

    reason = forms.CharField(max_length=300, required=False, label="Why the scoring changed")

    def __init__(self, *args, config, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = config
        for likelihood in reversed(config.likelihoods):
            for impact in config.impacts:
                self.fields[f"cell_{likelihood}_{impact}"] = forms.IntegerField(
                    min_value=1,
                    max_value=30,
                    initial=config.matrix[(likelihood, impact)],
                    label=f"Likelihood {likelihood}, impact {impact}",
                )
        for band, low, high in config.bands:
            label = dict(Band.choices)[band]
            self.fields[f"band_{band}_min"] = forms.IntegerField(
                min_value=1, max_value=30, initial=low, label=f"{label} from"
            )
            self.fields[f"band_{band}_max"] = forms.IntegerField(
                min_value=1, max_value=30, initial=high, label=f"{label} to"
            )

    def matrix(self) -> dict:
        return {
            (lk, im): self.cleaned_data[f"cell_{lk}_{im}"]
            for lk in self.config.likelihoods
            for im in self.config.impacts
        }

    def bands(self) -> list:
        return [
            (band, self.cleaned_data[f"band_{band}_min"], self.cleaned_data[f"band_{band}_max"])
            for band, _low, _high in self.config.bands
        ]

    def cell_rows(self):
        return [
            (lk, [self[f"cell_{lk}_{im}"] for im in self.config.impacts])
            for lk in reversed(self.config.likelihoods)
        ]

    def band_rows(self):
        return [
            (dict(Band.choices)[band], self[f"band_{band}_min"], self[f"band_{band}_max"])
            for band, _low, _high in self.config.bands
        ]
