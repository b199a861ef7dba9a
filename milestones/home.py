"""Home-page panel: the register's RAG counts as at the reporting date."""

from milestones.models import Milestone, Rag
from portal.navigation import HomePanel, register_home_panel
from portal.permissions import can
from portal.reporting import reporting_date


def _milestone_panel(request):
    if not can(request.user, "milestone.view"):
        return None
    from django.db.models import Count, F, Value
    from django.db.models.functions import Coalesce, NullIf

    counts = dict(
        Milestone.objects.annotate(shown=Coalesce(NullIf(F("rag_override"), Value("")), F("rag")))
        .values_list("shown")
        .annotate(n=Count("id"))
        .order_by()
    )
    return "milestones/_home_panel.html", {
        "rag_counts": [(value, label, counts.get(value, 0)) for value, label in Rag.choices],
        "total": sum(counts.values()),
        "on": reporting_date(),
    }


register_home_panel(HomePanel("milestones", _milestone_panel, order=60))
