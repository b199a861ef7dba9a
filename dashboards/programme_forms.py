from django import forms

from portal.models import Forum

DATE = forms.DateInput(attrs={"type": "date"})
TIERS = [("", "All tiers"), ("T1", "Tier 1"), ("T2", "Tier 2"), ("T3", "Tier 3")]


def forum_choices() -> list[tuple[str, str]]:
    return [("", "All forums")] + [
        (code, f"{code} – {name}")
        for code, name in Forum.objects.order_by("level", "code").values_list("code", "name")
    ]


class DashboardFilterForm(forms.Form):
    forum = forms.ChoiceField(required=False)
    tier = forms.ChoiceField(choices=TIERS, required=False)
    workstream = forms.RegexField(
        r"^[A-Za-z]{2,4}$",
        required=False,
        max_length=4,
        label="Workstream code",
        error_messages={"invalid": "A workstream code is 2 to 4 letters, e.g. DB."},
    )
    date_from = forms.DateField(required=False, widget=DATE, label="Window from")
    date_to = forms.DateField(required=False, widget=DATE, label="Window to")

    def __init__(self, *args, forums: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].choices = forums if forums is not None else forum_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The window must start before it ends.")
        return data
