"""Published pack versions in the API: metadata, and downloads through the same permission
check as the pack page (`pack.download`: the Full edition only for PMO, steering group
members and the chair). Files come from `default_storage`, never a public path."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.reverse import reverse

from dashboards.models import Edition, PackVersion
from dashboards.pack_rules import editions_for
from dashboards.packs import selectors
from portal.api.viewsets import ReadOnlyViewSet
from portal.permissions import ensure

FORMATS = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


class PackVersionSerializer(serializers.ModelSerializer):
    meeting = serializers.CharField(source="meeting.short_name", read_only=True)
    meeting_id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)
    published_by = serializers.StringRelatedField(allow_null=True)
    downloads = serializers.SerializerMethodField()
    section_updates = serializers.SerializerMethodField()

    class Meta:
        model = PackVersion
        fields = [
            "id",
            "meeting",
            "meeting_id",
            "label",
            "published_at",
            "published_by",
            "pages_full",
            "pages_public",
            "section_updates",
            "downloads",
        ]

    def get_section_updates(self, version) -> dict[str, dict[str, str]]:
        """Per edition this reader may read, the sections marked "Updated" and since when."""
        request = self.context["request"]
        return {edition: version.updates_in(edition) for edition in editions_for(request.user)}

    def get_downloads(self, version) -> dict[str, str]:
        """The editions this reader may download, each with its PDF address."""
        request = self.context["request"]
        return {
            edition: reverse(
                "api-pack-version-download", kwargs={"pk": version.pk}, request=request
            )
            + f"?edition={edition}"
            for edition in editions_for(request.user)
        }


class PackVersionQuerySerializer(serializers.Serializer):
    meeting = serializers.IntegerField(required=False, min_value=1, help_text="Meeting id")


class DownloadQuerySerializer(serializers.Serializer):
    edition = serializers.ChoiceField(choices=Edition.choices)
    format = serializers.ChoiceField(choices=list(FORMATS), default="pdf")


class PackVersionViewSet(ReadOnlyViewSet):
    """Published, frozen packs of each meeting, newest first, and their downloads."""

    model = PackVersion
    serializer_class = PackVersionSerializer
    query_serializer_class = PackVersionQuerySerializer
    filter_backends = []

    def select_list(self, user, params):
        ensure(user, "pack.view")
        meetings = selectors.pack_meetings(user)
        if "meeting" in params:
            meetings = meetings.filter(pk=params["meeting"])
        return [version for meeting in meetings for version in selectors.versions_for(meeting)]

    def select_one(self, user, pk):
        ensure(user, "pack.view")
        return get_object_or_404(
            PackVersion.objects.select_related("meeting__forum", "published_by"), pk=pk
        )

    @extend_schema(
        parameters=[DownloadQuerySerializer],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            (200, "text/html"): OpenApiResponse(OpenApiTypes.BINARY, description="HTML"),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The PDF (or HTML) of one edition; the Full edition is refused to participants and
        observers."""
        version = self.get_object()
        query = DownloadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        edition, fmt = query.validated_data["edition"], query.validated_data["format"]
        ensure(request.user, "pack.download", edition)
        name = getattr(version, f"{fmt}_{edition}")
        if not name or not default_storage.exists(name):
            raise NotFound("That file is not available.")
        slug = str(version.meeting).replace(" ", "")
        response = FileResponse(
            default_storage.open(name, "rb"),
            as_attachment=True,
            filename=f"{slug}-pack-{version.label}-{edition}.{fmt}",
            content_type=FORMATS[fmt],
        )
        response["Cache-Control"] = "private, no-store"
        return response


def register(router):
    router.register("pack-versions", PackVersionViewSet, basename="api-pack-version")
