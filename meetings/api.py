"""Meetings, actions and decisions in the API: reads through `meetings.selectors` (everyone
signed in reads), writes through `meetings.services` (which check `meeting.action_edit` /
`meeting.decision_edit`, PMO only, and the record's version)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from meetings import selectors, services
from meetings.models import (
    Action,
    ActionStatus,
    Decision,
    DecisionOutcome,
    Meeting,
)
from portal.api.viewsets import ReadOnlyViewSet, VersionedViewSet
from portal.models import Organisation, User
from portal.permissions import ensure


class MeetingSerializer(serializers.ModelSerializer):
    forum = serializers.SlugRelatedField(slug_field="code", read_only=True)
    name = serializers.CharField(source="short_name", read_only=True)
    start_time = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "name",
            "forum",
            "number",
            "date",
            "start_time",
            "title",
            "status",
            "location",
            "link",
            "version",
        ]

    def get_start_time(self, meeting) -> str | None:
        """Local time, HH:MM (a JSON Schema "time" would demand a UTC offset)."""
        return meeting.start_time.strftime("%H:%M") if meeting.start_time else None


class MeetingQuerySerializer(serializers.Serializer):
    forum = serializers.CharField(required=False, max_length=30, help_text="Forum code")


class MeetingViewSet(ReadOnlyViewSet):
    """Meetings of the programme's forums (PSG 36 and the like)."""

    model = Meeting
    serializer_class = MeetingSerializer
    query_serializer_class = MeetingQuerySerializer
    filter_backends = []

    def select_list(self, user, params):
        ensure(user, "meeting.view")
        return selectors.meeting_list(forum_code=params.get("forum"))

    def select_one(self, user, pk):
        ensure(user, "meeting.view")
        return selectors.meeting_get(pk=pk)


class ActionSerializer(serializers.ModelSerializer):
    meeting = serializers.CharField(source="meeting.short_name", read_only=True)
    meeting_id = serializers.IntegerField(read_only=True)
    owner = serializers.CharField(source="owner_display", read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "reference",
            "meeting",
            "meeting_id",
            "description",
            "owner",
            "owner_user",
            "owner_organisation",
            "owner_text",
            "due_date",
            "status",
            "latest_update",
            "opened_at",
            "closed_at",
            "version",
        ]


class ActionQuerySerializer(serializers.Serializer):
    forum = serializers.CharField(required=False, max_length=30, help_text="Forum code")
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    open_only = serializers.BooleanField(required=False, default=False)
    overdue_on = serializers.DateField(required=False, help_text="Only actions overdue on this day")

    def validate(self, attrs):
        return {
            "forum_code": attrs.get("forum"),
            "status": attrs.get("status"),
            "open_only": attrs.get("open_only", False),
            "overdue_on": attrs.get("overdue_on"),
        }


class _ActionFields(serializers.Serializer):
    description = serializers.CharField()
    owner_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    owner_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    owner_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    latest_update = serializers.CharField(required=False, allow_blank=True)


class ActionCreateSerializer(_ActionFields):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())


class ActionUpdateSerializer(_ActionFields):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ActionProgressSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    latest_update = serializers.CharField(allow_blank=True)


def _valid(request, serializer_class, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VersionedViewSet):
    """Actions logs of every forum. Everyone reads; PMO raises and updates actions."""

    model = Action
    serializer_class = ActionSerializer
    query_serializer_class = ActionQuerySerializer
    filter_backends = []
    versioned_actions = frozenset({"partial_update", "progress"})

    def select_list(self, user, params):
        ensure(user, "meeting.view")
        return selectors.action_list(**params)

    def select_one(self, user, pk):
        ensure(user, "meeting.view")
        return selectors.action_get(pk=pk)

    def _answer(self, saved, code=status.HTTP_200_OK):
        return Response(ActionSerializer(selectors.action_get(pk=saved.pk)).data, status=code)

    @extend_schema(request=ActionCreateSerializer, responses={201: ActionSerializer})
    def create(self, request):
        ensure(request.user, "meeting.action_edit")
        data = _valid(request, ActionCreateSerializer)
        data.setdefault("status", ActionStatus.OPEN)
        saved = services.action_raise(actor=request.user, **data)
        return self._answer(saved, status.HTTP_201_CREATED)

    @extend_schema(request=ActionUpdateSerializer, responses=ActionSerializer)
    def partial_update(self, request, pk=None):
        ensure(request.user, "meeting.action_edit")
        current = self.get_object()
        data = _valid(request, ActionUpdateSerializer, partial=True)
        fields = (
            "description",
            "owner_user",
            "owner_organisation",
            "owner_text",
            "due_date",
            "status",
            "latest_update",
        )
        # Fields not sent keep their values: the service takes the whole action.
        values = {name: data.get(name, getattr(current, name)) for name in fields}
        saved = services.action_update(
            actor=request.user,
            action=current,
            expected_version=self.expected_version(),
            reason=data.get("reason", ""),
            **values,
        )
        return self._answer(saved)

    @extend_schema(request=ActionProgressSerializer, responses=ActionSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """A new status and latest update (earlier updates stay in the history)."""
        ensure(request.user, "meeting.action_edit")
        current = self.get_object()
        data = _valid(request, ActionProgressSerializer)
        saved = services.action_record_progress(
            actor=request.user, action=current, expected_version=self.expected_version(), **data
        )
        return self._answer(saved)


class DecisionSerializer(serializers.ModelSerializer):
    meeting = serializers.CharField(source="meeting.short_name", read_only=True)
    meeting_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "reference",
            "meeting",
            "meeting_id",
            "summary",
            "outcome",
            "rationale",
            "decided_on",
            "decided_by",
            "version",
        ]


class DecisionQuerySerializer(serializers.Serializer):
    meeting = serializers.IntegerField(required=False, min_value=1, help_text="Meeting id")


class _DecisionFields(serializers.Serializer):
    summary = serializers.CharField()
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    rationale = serializers.CharField(required=False, allow_blank=True)
    decided_on = serializers.DateField(required=False)
    decided_by = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class DecisionCreateSerializer(_DecisionFields):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())


class DecisionUpdateSerializer(_DecisionFields):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VersionedViewSet):
    """The decisions log. Everyone reads; PMO records and corrects decisions."""

    model = Decision
    serializer_class = DecisionSerializer
    query_serializer_class = DecisionQuerySerializer
    filter_backends = []
    versioned_actions = frozenset({"partial_update"})

    def select_list(self, user, params):
        ensure(user, "meeting.view")
        if "meeting" in params:
            return selectors.meeting_decisions(selectors.meeting_get(pk=params["meeting"]))
        return [
            decision
            for meeting in selectors.meeting_list().prefetch_related("decisions__decided_by")
            for decision in meeting.decisions.all()
        ]

    def select_one(self, user, pk):
        ensure(user, "meeting.view")
        return selectors.decision_get(pk=pk)

    def _answer(self, saved, code=status.HTTP_200_OK):
        return Response(DecisionSerializer(selectors.decision_get(pk=saved.pk)).data, status=code)

    @extend_schema(request=DecisionCreateSerializer, responses={201: DecisionSerializer})
    def create(self, request):
        ensure(request.user, "meeting.decision_edit")
        data = _valid(request, DecisionCreateSerializer)
        saved = services.decision_record(actor=request.user, **data)
        return self._answer(saved, status.HTTP_201_CREATED)

    @extend_schema(request=DecisionUpdateSerializer, responses=DecisionSerializer)
    def partial_update(self, request, pk=None):
        ensure(request.user, "meeting.decision_edit")
        current = self.get_object()
        data = _valid(request, DecisionUpdateSerializer, partial=True)
        fields = ("summary", "outcome", "rationale", "decided_on", "decided_by")
        values = {name: data.get(name, getattr(current, name)) for name in fields}
        saved = services.decision_update(
            actor=request.user,
            decision=current,
            expected_version=self.expected_version(),
            reason=data.get("reason", ""),
            **values,
        )
        return self._answer(saved)


def register(router):
    router.register("meetings", MeetingViewSet, basename="api-meeting")
    router.register("actions", ActionViewSet, basename="api-action")
    router.register("decisions", DecisionViewSet, basename="api-decision")
