"""Forms of the pack pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from dashboards.models import BuildKind, Classification, SectionType
from dashboards.packs import registry
from dashboards.packs.services import SectionSpec

LIST_PARAMS = {"keys"}


def parse_params(text: str) -> dict:
    """'cr=CR054; weeks_before=8' -> {"cr": "CR054", "weeks_before": "8"}.

    `keys` takes a comma-separated list. A part without '=' is an error naming it.
    """
    params: dict = {}
    for part in (text or "").split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            raise ValidationError(f"'{part}' is not name=value")
        if name in params:
            raise ValidationError(f"'{name}' is given twice")
        if name in LIST_PARAMS:
            params[name] = [v.strip() for v in value.split(",") if v.strip()]
        else:
            params[name] = value
    return params


def format_params(params: dict) -> str:
    return "; ".join(
        f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in (params or {}).items()
    )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Why may the pack be published with these findings?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Recorded in the pack's history with your name and the findings you read.",
    )


class BuildForm(forms.Form):
    kind = forms.ChoiceField(choices=BuildKind.choices)
    key = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)


class SectionForm(forms.Form):
    section_type = forms.ChoiceField(label="Section")
    title = forms.CharField(max_length=200, required=False)
    classification = forms.ChoiceField(choices=Classification.choices)
    agenda_item = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="(appendix: no agenda item)"
    )
    params = forms.CharField(
        required=False,
        max_length=500,
        help_text=(
            "e.g. cr=CR054 · weeks_before=14; weeks_after=10; forum=SITAG · "
            "keys=testing-update · theme=<RAID theme name>; refs=R849,R753"
        ),
    )
    index_area = forms.CharField(
        label="Dashboard index area",
        max_length=100,
        required=False,
        help_text="Lists the section in the dashboard index under this area, e.g. "
        "'Industry Delivery Status'",
    )
    purpose = forms.CharField(
        max_length=300, required=False, help_text="What the section tells the reader"
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        from meetings.models import AgendaItem

        self.meeting = meeting
        available = set(registry.available_types())
        self.fields["section_type"].choices = [
            (value, label) for value, label in SectionType.choices if value in available
        ]
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(meeting=meeting).order_by(
            "position"
        )

    def clean_params(self):
        try:
            return parse_params(self.cleaned_data.get("params", ""))
        except ValidationError as exc:
            raise ValidationError(f"Parameters: {' '.join(exc.messages)}") from exc

    def clean(self):
        cleaned = super().clean()
        if "section_type" in cleaned and "params" in cleaned:
            try:
                registry.validate_params(cleaned["section_type"], cleaned["params"])
            except ValidationError as exc:
                raise ValidationError(" ".join(exc.messages)) from exc
        return cleaned

    def spec(self) -> SectionSpec:
        data = self.cleaned_data
        return SectionSpec(
            section_type=data["section_type"],
            title=data["title"],
            classification=data["classification"],
            params=data["params"],
            agenda_item=data["agenda_item"],
            index_area=data["index_area"],
            purpose=data["purpose"],
        )
