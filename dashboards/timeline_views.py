"""The timeline view of the milestone register: the register's milestones (filtered like the
register) and the plan's activities, in the shared Gantt chart, with both as tables."""

from __future__ import annotations

from django import forms
from django.shortcuts import render

from dashboards.timeline import build_timeline, window
from milestones.forms import DATE
from milestones.models import Tier
from milestones.plan_selectors import plan_lanes
from portal.models import Forum
from portal.permissions import can, permission_required
from portal.reporting import reporting_date

MAX_WEEKS = 104
SHOW = [
    ("both", "Register milestones and plan"),
    ("register", "Register milestones"),
    ("plan", "Plan"),
]


class TimelineFilterForm(forms.Form):
    forum = forms.ChoiceField(required=False)
    tier = forms.ChoiceField(required=False, choices=[("", "All tiers"), *Tier.choices])
    workstream = forms.CharField(required=False, max_length=4, label="Workstream code")
    date_from = forms.DateField(required=False, widget=DATE, label="From")
    date_to = forms.DateField(required=False, widget=DATE, label="To")
    show = forms.ChoiceField(required=False, choices=SHOW, label="Show")
    lanes = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Plan lanes"
    )

    def __init__(self, *args, forums=(), lanes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].choices = [("", "All forums")] + [(f, f) for f in forums]
        self.fields["lanes"].choices = [(lane, lane) for lane in lanes]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                raise forms.ValidationError("'From' must be on or before 'To'.")
            if (end - start).days > MAX_WEEKS * 7:
                raise forms.ValidationError(f"Choose a window of at most {MAX_WEEKS} weeks.")
        return data


@permission_required("milestone.view")
def milestone_timeline(request):
    forums = Forum.objects.order_by("level", "code").values_list("code", flat=True)
    form = TimelineFilterForm(request.GET or None, forums=list(forums), lanes=plan_lanes())
    data = form.cleaned_data if form.is_valid() else {}
    on = reporting_date()
    start, end = window(on, data.get("date_from"), data.get("date_to"))
    show = data.get("show") or "both"
    timeline = build_timeline(
        title="Timeline of the milestone register and the plan",
        start=start,
        end=end,
        reporting_date=on,
        lanes=data.get("lanes") or None,
        plan=show in ("both", "plan") and can(request.user, "plan.view"),
        register=(
            {
                "forum": data.get("forum") or None,
                "tier": data.get("tier") or None,
                "workstream": data.get("workstream") or None,
            }
            if show in ("both", "register")
            else None
        ),
    )
    return render(
        request,
        "dashboards/timeline.html",
        {"form": form, "timeline": timeline, "on": on},
    )
