"""The core's directory in the API: organisations, read-only."""

from __future__ import annotations

import django_filters
from rest_framework import serializers

from portal import selectors
from portal.api.viewsets import ReadOnlyViewSet
from portal.models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    constituency = serializers.CharField(
        source="constituency.name", allow_null=True, read_only=True
    )
    market_roles = serializers.StringRelatedField(many=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "constituency", "market_roles", "is_programme_party", "version"]


class OrganisationFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Organisation
        fields = ["name", "constituency", "is_programme_party"]


class OrganisationViewSet(ReadOnlyViewSet):
    """The programme's organisations (the directory), read-only."""

    model = Organisation
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def select_list(self, user, params):
        return selectors.organisation_list(user=user)

    def select_one(self, user, pk):
        return selectors.organisation_get(user=user, pk=pk)


def register(router):
    router.register("organisations", OrganisationViewSet, basename="api-organisation")
