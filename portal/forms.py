from django import forms
from django.contrib.auth.forms import AuthenticationForm

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
