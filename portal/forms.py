from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.template.defaultfilters import filesizeformat

from portal.models import Constituency


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Full name")
    job_title = forms.CharField(max_length=200, required=False, label="Job title")


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Name contains")
    constituency = forms.ModelChoiceField(
        queryset=Constituency.objects.all(), required=False, empty_label="All constituencies"
    )
    parties_only = forms.BooleanField(required=False, label="Programme parties only")


class TableUploadForm(forms.Form):
    """A CSV or XLSX table to import (read by portal.importing.read_table)."""

    file = forms.FileField(help_text="CSV or XLSX, with a header row")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {filesizeformat(settings.MAX_UPLOAD_BYTES)}."
            )
        return upload
