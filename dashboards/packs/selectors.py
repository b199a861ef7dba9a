"""Reads for the pack pages."""

from __future__ import annotations

from django.db.models import Count, Max

from dashboards.models import PackBuild, PackSection, PackVersion
from dashboards.packs.registry import renderer_for


def pack_meetings(user):
    """Meetings of the steering level and above (those that read a pack), newest first."""
    from meetings.models import Meeting

    return (
        Meeting.objects.select_related("forum")
        .annotate(
            version_count=Count("pack_versions", distinct=True),
            section_count=Count("pack_sections", distinct=True),
            last_published=Max("pack_versions__published_at"),
        )
        .filter(forum__level__lte=2)
        .order_by("-date")
    )


def versions_for(meeting) -> list[PackVersion]:
    return list(
        PackVersion.objects.filter(meeting=meeting)
        .select_related("published_by")
        .order_by("-major", "-minor")
    )


def recent_builds(meeting, limit: int = 10) -> list[PackBuild]:
    return list(
        PackBuild.objects.filter(meeting=meeting)
        .select_related("requested_by", "version")
        .order_by("-requested_at", "-pk")[:limit]
    )


def layout(meeting) -> list[dict]:
    from dashboards.pack_forms import format_params

    sections = PackSection.objects.filter(meeting=meeting).select_related("agenda_item")
    return [
        {
            "section": s,
            "available": renderer_for(s.section_type) is not None,
            "params": format_params(s.params),
        }
        for s in sections.order_by("agenda_item__position", "position")
    ]
