"""Forms of the meetings pages. Edit forms carry the record's version (portal.concurrency)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from meetings.forward_look import DEFAULT_WEEKS, MAX_WEEKS
from meetings.models import (
    ActionStatus,
    AgendaItemType,
    DatePrecision,
    DecisionOutcome,
    EngagementCategory,
    EngagementStatus,
    MeetingStatus,
    NarrativeStatus,
)
from portal.models import Forum, Organisation, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def form_write(form, write):
    """Run a service write; its refusal (bad value, stale version) becomes the form's errors,
    on the field it names where the form has that field. Returns the result, or None."""
    try:
        return write()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            for message in error.messages:
                form.add_error(None, message)
        return None


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MeetingOpenForm(forms.Form):
    forum = forms.ModelChoiceField(queryset=Forum.objects.order_by("level", "code"))
    number = forms.IntegerField(
        required=False, min_value=1, help_text="Leave empty for the forum's next number"
    )
    date = forms.DateField(widget=DATE)
    start_time = forms.TimeField(required=False, widget=TIME, label="Start time")
    title = forms.CharField(max_length=200, required=False)
    location = forms.CharField(max_length=200, required=False)
    link = forms.URLField(required=False, label="Video-call link", assume_scheme="https")
    copy_agenda = forms.BooleanField(
        required=False, initial=True, label="Copy a draft agenda from the forum's last meeting"
    )


class MeetingForm(VersionedForm):
    number = forms.IntegerField(required=False, min_value=1)
    date = forms.DateField(widget=DATE)
    start_time = forms.TimeField(required=False, widget=TIME, label="Start time")
    title = forms.CharField(max_length=200, required=False)
    status = forms.ChoiceField(choices=MeetingStatus.choices)
    location = forms.CharField(max_length=200, required=False)
    link = forms.URLField(required=False, label="Video-call link", assume_scheme="https")
    attendees = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("full_name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    other_attendees = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Other attendees"
    )
    reason = forms.CharField(max_length=200, required=False, label="Reason for the change")


class AgendaItemForm(forms.Form):
    label = forms.CharField(max_length=20, label="Item number", help_text="e.g. 3 or Appendix")
    title = forms.CharField(max_length=200)
    objective = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    item_type = forms.ChoiceField(
        choices=[("", "Not stated")] + AgendaItemType.choices, required=False, label="Type"
    )
    leads = forms.CharField(max_length=200, required=False)
    duration_minutes = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=600,
        label="Duration (minutes)",
        help_text="Empty for an untimed line",
    )
    fixed_start = forms.TimeField(
        required=False,
        widget=TIME,
        label="Fixed start",
        help_text="Only after a break; otherwise the item follows the one before",
    )


class AgendaItemEditForm(VersionedForm, AgendaItemForm):
    reason = forms.CharField(max_length=200, required=False, label="Reason for the change")


class _OwnerFields(forms.Form):
    owner_user = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("full_name"),
        required=False,
        label="Owner (person)",
    )
    owner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        required=False,
        label="Owner (organisation)",
    )
    owner_text = forms.CharField(
        max_length=200,
        required=False,
        label="Owner (as written)",
        help_text="e.g. 'Programme / Elexon' when no single person or organisation owns it",
    )

    def clean(self):
        data = super().clean()
        if not (data.get("owner_user") or data.get("owner_organisation") or data.get("owner_text")):
            raise forms.ValidationError(
                "An action needs an owner: choose a person or an organisation, or write a name."
            )
        return data


class ActionForm(_OwnerFields):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Action")
    due_date = forms.DateField(required=False, widget=DATE, label="Due")
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.OPEN)
    latest_update = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Latest update"
    )

    field_order = [
        "description",
        "owner_user",
        "owner_organisation",
        "owner_text",
        "due_date",
        "status",
        "latest_update",
    ]


class ActionEditForm(VersionedForm, ActionForm):
    reason = forms.CharField(max_length=200, required=False, label="Reason for the change")


class ActionProgressForm(VersionedForm):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    latest_update = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Latest update"
    )


class DecisionForm(forms.Form):
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Decision")
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices)
    rationale = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(widget=DATE, label="Decided on")
    decided_by = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("full_name"),
        required=False,
        label="Decided by",
    )


class DecisionEditForm(VersionedForm, DecisionForm):
    reason = forms.CharField(max_length=200, required=False, label="Reason for the change")


class NarrativeCreateForm(forms.Form):
    title = forms.CharField(max_length=200)
    key = forms.SlugField(max_length=60, help_text="Stable name, e.g. testing-update")
    agenda_item = forms.ModelChoiceField(queryset=None, required=False, label="Agenda item")
    contributor = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        required=False,
        label="Invite an organisation to write it",
        help_text="For a party's own delivery report; it may edit the text while it is a draft",
    )
    body = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 14}), label="Text (Markdown)"
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("position")


class NarrativeConfigureForm(VersionedForm, NarrativeCreateForm):
    position = forms.IntegerField(min_value=0)
    status = forms.ChoiceField(choices=NarrativeStatus.choices)

    field_order = ["title", "agenda_item", "position", "contributor", "status", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["key"]


class NarrativeWriteForm(VersionedForm):
    body = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 18}), label="Text (Markdown)"
    )


class ActionFilterForm(forms.Form):
    forum = forms.ModelChoiceField(
        queryset=Forum.objects.order_by("level", "code"),
        required=False,
        empty_label="All forums",
        to_field_name="code",
    )
    status = forms.ChoiceField(choices=[("", "Any status")] + ActionStatus.choices, required=False)
    open_only = forms.BooleanField(required=False, label="Not closed")
    overdue = forms.BooleanField(required=False, label="Overdue only")


# Planned engagement --------------------------------------------------------------------------


class ForwardLookForm(forms.Form):
    """The forward look's window: from a date (its week's Monday) for a number of weeks."""

    start = forms.DateField(required=False, widget=DATE, label="From")
    weeks = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_WEEKS, initial=DEFAULT_WEEKS, label="Weeks"
    )


class EngagementEventForm(forms.Form):
    title = forms.CharField(max_length=200)
    precision = forms.ChoiceField(
        choices=DatePrecision.choices,
        initial=DatePrecision.DAY,
        label="Date precision",
        help_text="The day; only the week (date its Monday); or only the period it falls in",
    )
    date = forms.DateField(
        widget=DATE, help_text="The day, the week's Monday, or the period's first day"
    )
    end_date = forms.DateField(
        required=False, widget=DATE, label="Period ends", help_text="Only for a period"
    )
    category = forms.ChoiceField(
        choices=[("", "No audience named")] + EngagementCategory.choices, required=False
    )
    status = forms.ChoiceField(choices=EngagementStatus.choices, initial=EngagementStatus.PLANNED)
    purpose = forms.CharField(
        max_length=300, required=False, help_text="e.g. Present CR for approval"
    )
    forum = forms.ModelChoiceField(queryset=Forum.objects.order_by("level", "code"), required=False)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(active=True).order_by("name"), required=False
    )
    source_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Source",
        help_text="Where this comes from and what its date rests on",
    )


class EngagementEventEditForm(VersionedForm, EngagementEventForm):
    reason = forms.CharField(max_length=200, required=False, label="Reason for the change")
