"""Reading the plan's timeline activities (everyone signed in may: no per-user narrowing)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Min, Q, QuerySet

from milestones.models import PlanActivity


def plan_lanes() -> list[str]:
    """Lane names in timeline order: by the first position in each lane (one query)."""
    rows = (
        PlanActivity.objects.values("lane")
        .annotate(first=Min("position"))
        .order_by("first", "lane")
        .values_list("lane", flat=True)
    )
    return list(rows)


def plan_activities(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    lanes: Iterable[str] | None = None,
) -> QuerySet[PlanActivity]:
    """Activities overlapping [date_from, date_to] (an open end runs on), in the named lanes
    (all when None), in timeline order, with their register milestone (one query)."""
    activities = PlanActivity.objects.select_related("milestone")
    if date_to is not None:
        activities = activities.filter(start_date__lte=date_to)
    if date_from is not None:
        activities = activities.filter(Q(end_date__isnull=True) | Q(end_date__gte=date_from))
    if lanes is not None:
        activities = activities.filter(lane__in=list(lanes))
    return activities.order_by("position", "start_date", "id")


def in_lane_order(activities: Iterable[PlanActivity], lanes: list[str]) -> list[PlanActivity]:
    """Activities grouped by lane (in `lanes` order), keeping their order within a lane."""
    rank = {lane: index for index, lane in enumerate(lanes)}
    numbered = sorted(enumerate(activities), key=lambda p: (rank.get(p[1].lane, len(rank)), p[0]))
    return [activity for _, activity in numbered]
