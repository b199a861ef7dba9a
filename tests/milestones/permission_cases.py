from datetime import date

from tests.milestones.factories import MilestoneFactory, PlanActivityFactory
from tests.permission_matrix import EVERYONE, PMO_ONLY, ViewCase


def _milestone(world):
    return {"pk": MilestoneFactory().pk}


def _inline(field):
    def setup(world):
        return {"pk": MilestoneFactory().pk, "field": field}

    return setup


def _post_create(world, kwargs):
    from tests.factories import ForumFactory

    return {
        "reference": "T2-TE-0700",
        "forum": ForumFactory().pk,
        "title": "Preparation complete",
        "baseline_date": "2024-08-26",
        "forecast_date": "2024-09-26",
    }


def _activity(world):
    return {"pk": PlanActivityFactory().pk}


def _post_activity(world, kwargs):
    return {
        "lane": "Change Request development",
        "title": "2-week impact assessment",
        "kind": "activity",
        "start_date": "2024-09-23",
        "end_date": "2024-10-04",
    }


CASES = [
    ViewCase("milestone-list", EVERYONE),
    ViewCase("milestone-dashboard", EVERYONE),
    ViewCase("milestone-export", EVERYONE),
    ViewCase("milestone-export", EVERYONE, data=lambda w, k: {"format": "xlsx"}, label="xlsx"),
    ViewCase("milestone-detail", EVERYONE, setup=_milestone),
    ViewCase("milestone-create", PMO_ONLY),
    ViewCase("milestone-create", PMO_ONLY, method="post", data=_post_create, label="save"),
    ViewCase("milestone-edit", PMO_ONLY, setup=_milestone),
    ViewCase(
        "milestone-edit",
        PMO_ONLY,
        method="post",
        setup=_milestone,
        label="save",
        data=lambda w, k: {
            "version": 1,
            "title": "Renamed",
            "forum": MilestoneFactory._meta.model.objects.get(pk=k["pk"]).forum_id,
            "forecast_date": "2024-09-30",
        },
    ),
    ViewCase("milestone-rebaseline", PMO_ONLY, setup=_milestone),
    ViewCase(
        "milestone-rebaseline",
        PMO_ONLY,
        method="post",
        setup=_milestone,
        label="save",
        data=lambda w, k: {"version": 1, "baseline_date": "2024-10-31", "reason": "CR054"},
    ),
    ViewCase("milestone-inline", PMO_ONLY, setup=_inline("forecast")),
    ViewCase(
        "milestone-inline",
        PMO_ONLY,
        method="post",
        setup=_inline("at_risk"),
        label="at risk",
        data=lambda w, k: {"version": 1, "at_risk": "on", "at_risk_reason": "PPs late"},
    ),
    ViewCase(
        "milestone-inline",
        PMO_ONLY,
        method="post",
        setup=_inline("forecast"),
        label="forecast",
        data=lambda w, k: {"version": 1, "forecast_date": str(date(2024, 10, 4)), "reason": "x"},
    ),
    ViewCase("milestone-import", PMO_ONLY),
    # The plan's timeline activities.
    ViewCase("plan-list", EVERYONE),
    ViewCase("plan-export", EVERYONE),
    ViewCase("plan-import", PMO_ONLY),
    ViewCase("plan-create", PMO_ONLY),
    ViewCase("plan-create", PMO_ONLY, method="post", data=_post_activity, label="save"),
    ViewCase("plan-edit", PMO_ONLY, setup=_activity),
    ViewCase(
        "plan-edit",
        PMO_ONLY,
        method="post",
        setup=_activity,
        label="save",
        data=lambda w, k: {**_post_activity(w, k), "version": 1, "title": "Renamed"},
    ),
    ViewCase("plan-delete", PMO_ONLY, setup=_activity),
    ViewCase(
        "plan-delete",
        PMO_ONLY,
        method="post",
        setup=_activity,
        label="remove",
        data=lambda w, k: {"version": 1, "reason": "Dropped from the plan"},
    ),
]
