"""The milestone register in the API: reads through `milestones.selectors`, writes through
`milestones.services`, permissions from `milestones.rules` (everyone reads, PMO writes)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from milestones import selectors, services
from milestones.models import Milestone, Rag, Tier
from portal.api.viewsets import VersionedViewSet
from portal.models import Forum, Organisation
from portal.permissions import ensure


class MilestoneSerializer(serializers.ModelSerializer):
    forum = serializers.SlugRelatedField(slug_field="code", read_only=True)
    display_rag = serializers.CharField(read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "reference",
            "tier",
            "workstream",
            "forum",
            "forum_stream",
            "title",
            "baseline_date",
            "forecast_date",
            "completed_on",
            "responsible",
            "responsible_organisation",
            "at_risk",
            "at_risk_reason",
            "commentary",
            "rag",
            "rag_reason",
            "rag_evaluated_on",
            "rag_override",
            "override_reason",
            "display_rag",
            "version",
        ]


class MilestoneDetailSerializer(MilestoneSerializer):
    predecessors = serializers.SlugRelatedField(slug_field="reference", many=True, read_only=True)
    successors = serializers.SlugRelatedField(slug_field="reference", many=True, read_only=True)

    class Meta(MilestoneSerializer.Meta):
        fields = [*MilestoneSerializer.Meta.fields, "predecessors", "successors"]


class MilestoneQuerySerializer(serializers.Serializer):
    forum = serializers.CharField(required=False, max_length=30, help_text="Forum code")
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    workstream = serializers.CharField(required=False, max_length=4)
    responsible = serializers.CharField(required=False, max_length=200)
    rag = serializers.ChoiceField(choices=Rag.choices, required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    search = serializers.CharField(required=False, max_length=100)
    sort = serializers.ChoiceField(choices=list(selectors.SORTS), required=False)


def _milestones():
    return Milestone.objects.all()


class MilestoneCreateSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=20)
    forum = serializers.SlugRelatedField(slug_field="code", queryset=Forum.objects.all())
    forum_stream = serializers.CharField(max_length=100, required=False, allow_blank=True)
    title = serializers.CharField(max_length=300)
    baseline_date = serializers.DateField()
    forecast_date = serializers.DateField()
    responsible = serializers.CharField(max_length=200, required=False, allow_blank=True)
    responsible_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    completed_on = serializers.DateField(required=False, allow_null=True)
    at_risk = serializers.BooleanField(required=False)
    at_risk_reason = serializers.CharField(required=False, allow_blank=True)
    commentary = serializers.CharField(required=False, allow_blank=True)
    predecessors = serializers.SlugRelatedField(
        slug_field="reference", queryset=_milestones(), many=True, required=False
    )


class MilestoneUpdateSerializer(serializers.Serializer):
    """Any of the editable fields; dates move through reforecast and rebaseline."""

    title = serializers.CharField(max_length=300, required=False)
    forum = serializers.SlugRelatedField(
        slug_field="code", queryset=Forum.objects.all(), required=False
    )
    forum_stream = serializers.CharField(max_length=100, required=False, allow_blank=True)
    responsible = serializers.CharField(max_length=200, required=False, allow_blank=True)
    responsible_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    completed_on = serializers.DateField(required=False, allow_null=True)
    at_risk = serializers.BooleanField(required=False)
    at_risk_reason = serializers.CharField(required=False, allow_blank=True)
    commentary = serializers.CharField(required=False, allow_blank=True)
    rag_override = serializers.ChoiceField(choices=Rag.choices, required=False, allow_blank=True)
    override_reason = serializers.CharField(required=False, allow_blank=True)
    predecessors = serializers.SlugRelatedField(
        slug_field="reference", queryset=_milestones(), many=True, required=False
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ReforecastSerializer(serializers.Serializer):
    forecast_date = serializers.DateField()
    reason = serializers.CharField(max_length=1000)


class RebaselineSerializer(serializers.Serializer):
    baseline_date = serializers.DateField()
    reason = serializers.CharField(max_length=1000)


class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VersionedViewSet):
    """The milestone register. Everyone signed in reads; PMO staff create and edit.

    Writes need `If-Match` with the ETag from a read; a stale version is answered 412 with
    what the other person changed."""

    model = Milestone
    query_serializer_class = MilestoneQuerySerializer
    filter_backends = []
    versioned_actions = frozenset({"partial_update", "reforecast", "rebaseline"})

    def get_serializer_class(self):
        return MilestoneDetailSerializer if self.action != "list" else MilestoneSerializer

    def select_list(self, user, params):
        ensure(user, "milestone.view")
        return selectors.register(**params)

    def select_one(self, user, pk):
        ensure(user, "milestone.view")
        return selectors.milestone_detail(pk)

    def _answer(self, milestone, status_code=status.HTTP_200_OK):
        fresh = selectors.milestone_detail(milestone.pk)
        return Response(MilestoneDetailSerializer(fresh).data, status=status_code)

    @extend_schema(request=MilestoneCreateSerializer, responses={201: MilestoneDetailSerializer})
    def create(self, request):
        ensure(request.user, "milestone.edit")
        data = self._valid(MilestoneCreateSerializer)
        milestone = services.milestone_create(actor=request.user, **data)
        return self._answer(milestone, status.HTTP_201_CREATED)

    @extend_schema(request=MilestoneUpdateSerializer, responses=MilestoneDetailSerializer)
    def partial_update(self, request, pk=None):
        milestone = self.get_object()
        ensure(request.user, "milestone.edit", milestone)
        data = self._valid(MilestoneUpdateSerializer, partial=True)
        reason = data.pop("reason", "")
        predecessors = data.pop("predecessors", None)
        milestone = services.milestone_update(
            actor=request.user,
            milestone=milestone,
            expected_version=self.expected_version(),
            reason=reason,
            predecessors=predecessors,
            **data,
        )
        return self._answer(milestone)

    @extend_schema(request=ReforecastSerializer, responses=MilestoneDetailSerializer)
    @action(detail=True, methods=["post"])
    def reforecast(self, request, pk=None):
        """Move the forecast date, with the reason recorded in the forecast history."""
        milestone = self.get_object()
        ensure(request.user, "milestone.edit", milestone)
        data = self._valid(ReforecastSerializer)
        milestone = services.milestone_reforecast(
            actor=request.user,
            milestone=milestone,
            expected_version=self.expected_version(),
            **data,
        )
        return self._answer(milestone)

    @extend_schema(request=RebaselineSerializer, responses=MilestoneDetailSerializer)
    @action(detail=True, methods=["post"])
    def rebaseline(self, request, pk=None):
        """Move the baseline date (the only way it moves), with the reason in its history."""
        milestone = self.get_object()
        ensure(request.user, "milestone.edit", milestone)
        data = self._valid(RebaselineSerializer)
        milestone = services.milestone_rebaseline(
            actor=request.user,
            milestone=milestone,
            expected_version=self.expected_version(),
            **data,
        )
        return self._answer(milestone)

    def _valid(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


def register(router):
    router.register("milestones", MilestoneViewSet, basename="api-milestone")
