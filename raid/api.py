"""The RAID log in the API. Every read starts from `raid.selectors` (so a Restricted item is
absent for participants and observers, in lists and by reference alike); every write is a
`raid.services` call, which checks `raid.edit` and the record's version itself."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.viewsets import VersionedViewSet
from portal.permissions import ensure
from raid import selectors, services
from raid.models import Band, Classification, RaidItem, RaidType, Status, StepState, Theme


class MitigationStepSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    text = serializers.CharField()
    owner = serializers.SerializerMethodField()
    due_date = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(choices=StepState.choices)
    version = serializers.IntegerField()

    def get_owner(self, step) -> str:
        return str(step.owner_person) if step.owner_person_id else step.owner_text


class RaidItemSerializer(serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    owner = serializers.CharField(source="owner_display", read_only=True)
    band = serializers.SerializerMethodField()
    converted_to = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )

    class Meta:
        model = RaidItem
        fields = [
            "id",
            "reference",
            "printed_reference",
            "type",
            "title",
            "description",
            "theme",
            "owner",
            "classification",
            "status",
            "closure_reason",
            "converted_to",
            "likelihood",
            "impact",
            "initial_score",
            "current_score",
            "target_score",
            "score_given_directly",
            "stated_band",
            "band",
            "proximity_date",
            "due_text",
            "version",
        ]

    def get_band(self, item) -> str:
        config = self.context.get("scoring_config") or selectors.scoring_config()
        return selectors.band_of(item, config)


class RaidItemDetailSerializer(RaidItemSerializer):
    steps = MitigationStepSerializer(many=True, read_only=True)
    milestones = serializers.SlugRelatedField(slug_field="reference", many=True, read_only=True)

    class Meta(RaidItemSerializer.Meta):
        fields = [*RaidItemSerializer.Meta.fields, "steps", "milestones"]


class RaidQuerySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=RaidType.choices, required=False)
    theme = serializers.IntegerField(required=False, min_value=1, help_text="Theme id")
    band = serializers.ChoiceField(choices=Band.choices, required=False)
    owner = serializers.CharField(required=False, max_length=200)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    search = serializers.CharField(required=False, max_length=100)
    sort = serializers.ChoiceField(choices=list(selectors.SORTS), required=False)


class RaidItemUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    theme = serializers.SlugRelatedField(
        slug_field="name", queryset=Theme.objects.all(), required=False, allow_null=True
    )
    owner_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    proximity_date = serializers.DateField(required=False, allow_null=True)
    due_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RescoreSerializer(serializers.Serializer):
    likelihood = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    impact = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    score = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=30)
    target_score = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=30
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CloseSerializer(serializers.Serializer):
    closure_reason = serializers.CharField(max_length=1000)


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class RaidItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VersionedViewSet):
    """The RAID log. Everyone reads Public items; PMO, steering group members and the chair
    also read Restricted ones; only PMO writes. Addressed by reference (R849, I183…)."""

    model = RaidItem
    lookup_field = "reference"
    lookup_value_regex = "[A-Za-z][A-Za-z0-9-]{0,29}"
    query_serializer_class = RaidQuerySerializer
    filter_backends = []
    versioned_actions = frozenset({"partial_update", "rescore", "close", "reopen"})

    def get_serializer_class(self):
        return RaidItemDetailSerializer if self.action != "list" else RaidItemSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["scoring_config"] = selectors.scoring_config()
        return context

    def select_list(self, user, params):
        filters = selectors.LogFilters(
            **{("theme_id" if key == "theme" else key): value for key, value in params.items()}
        )
        return selectors.item_list(user=user, filters=filters)

    def select_one(self, user, reference):
        return selectors.item_get(user=user, reference=reference)

    def _answer(self, item):
        fresh = selectors.item_get(user=self.request.user, reference=item.reference)
        return Response(RaidItemDetailSerializer(fresh, context=self.get_serializer_context()).data)

    def _valid(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _writable(self):
        # Refuse before reading the body: a participant learns nothing from validation errors.
        ensure(self.request.user, "raid.edit")
        return self.get_object()

    @extend_schema(request=RaidItemUpdateSerializer, responses=RaidItemDetailSerializer)
    def partial_update(self, request, reference=None):
        item = self._writable()
        data = self._valid(RaidItemUpdateSerializer, partial=True)
        reason = data.pop("reason", "") or "Edited through the API"
        item = services.raid_item_update(
            actor=request.user,
            item=item,
            expected_version=self.expected_version(),
            reason=reason,
            **data,
        )
        return self._answer(item)

    @extend_schema(request=RescoreSerializer, responses=RaidItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def rescore(self, request, reference=None):
        """Re-score from likelihood and impact (or a score given directly)."""
        item = self._writable()
        data = self._valid(RescoreSerializer)
        item = services.raid_item_rescore(
            actor=request.user, item=item, expected_version=self.expected_version(), **data
        )
        return self._answer(item)

    @extend_schema(request=CloseSerializer, responses=RaidItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, reference=None):
        item = self._writable()
        data = self._valid(CloseSerializer)
        item = services.raid_item_close(
            actor=request.user, item=item, expected_version=self.expected_version(), **data
        )
        return self._answer(item)

    @extend_schema(request=ReopenSerializer, responses=RaidItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, reference=None):
        item = self._writable()
        data = self._valid(ReopenSerializer)
        item = services.raid_item_reopen(
            actor=request.user, item=item, expected_version=self.expected_version(), **data
        )
        return self._answer(item)


def register(router):
    router.register("raid-items", RaidItemViewSet, basename="api-raid-item")
