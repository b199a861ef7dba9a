"""Change requests and impact-assessment responses in the API.

Reads go through `change_requests.selectors` (a response is visible only under the
`ia_response.view` rule: before publication, to its own organisation and, once submitted, the
PMO); a participant's response is saved and submitted through `services.response_save`, the
same call the response form makes, with the response's version as If-Match ("0" before the
organisation has a response)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response as ApiResponse

from change_requests import selectors, services
from change_requests.models import ChangeRequest, Response, Stage
from portal.api.viewsets import ReadOnlyViewSet, VersionedViewSet


class ChangeRequestSerializer(serializers.ModelSerializer):
    change_type = serializers.StringRelatedField()
    raiser = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()
    latest_action = serializers.SerializerMethodField()
    approval_status = serializers.SerializerMethodField()
    current_stage = serializers.SerializerMethodField()
    implementation = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "reason",
            "benefits",
            "raiser",
            "change_type",
            "decision_authority",
            "stage",
            "latest_action",
            "approval_status",
            "current_stage",
            "raised_on",
            "implementation",
            "implementation_date",
            "owner",
            "ia_opened_on",
            "ia_deadline",
            "responses_published_at",
            "version",
        ]

    def _row(self, cr):
        cache = self.context.setdefault("_rows", {})
        if cr.pk not in cache:
            cache[cr.pk] = selectors.control_row(cr)
        return cache[cr.pk]

    def get_raiser(self, cr) -> str:
        return self._row(cr).raiser

    def get_owner(self, cr) -> str:
        return self._row(cr).owner

    def get_latest_action(self, cr) -> str:
        return self._row(cr).latest_action

    def get_approval_status(self, cr) -> str:
        return self._row(cr).approval_status

    def get_current_stage(self, cr) -> str:
        return self._row(cr).current_stage

    def get_implementation(self, cr) -> str:
        return self._row(cr).implementation


class ChangeRequestQuerySerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    approval_status = serializers.CharField(required=False, max_length=100)
    raiser = serializers.CharField(required=False, max_length=200)
    raised_from = serializers.DateField(required=False)
    raised_to = serializers.DateField(required=False)
    search = serializers.CharField(required=False, max_length=100)


class RollupRowSerializer(serializers.Serializer):
    constituency = serializers.CharField()
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    abstain = serializers.IntegerField()
    no_reply = serializers.IntegerField()
    invited = serializers.IntegerField()
    submitted = serializers.IntegerField()
    response_percent = serializers.IntegerField()


class RollupSerializer(serializers.Serializer):
    change_request = serializers.CharField()
    headline = serializers.CharField()
    rows = RollupRowSerializer(many=True)
    total = RollupRowSerializer()


class ResponseSerializer(serializers.ModelSerializer):
    change_request = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    organisation = serializers.StringRelatedField()
    constituency = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "id",
            "change_request",
            "organisation",
            "constituency",
            "status",
            *services.RESPONSE_FIELDS,
            "submitted_at",
            "counted_as",
            "version",
        ]

    def get_constituency(self, response) -> str:
        constituency = response.organisation.constituency
        return constituency.name if constituency else ""


class ResponseInputSerializer(serializers.ModelSerializer):
    """Any of the response's fields; `submit` true submits it (then it counts)."""

    submit = serializers.BooleanField(default=False)

    class Meta:
        model = Response
        fields = [*services.RESPONSE_FIELDS, "submit"]
        extra_kwargs = {name: {"required": False} for name in services.RESPONSE_FIELDS}


class ResponseQuerySerializer(serializers.Serializer):
    change_request = serializers.IntegerField(min_value=1, help_text="Change request id")


class ChangeRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VersionedViewSet):
    """The change-control register, each CR's impact-assessment roll-up, and the signed-in
    participant's own response to it."""

    model = ChangeRequest
    serializer_class = ChangeRequestSerializer
    query_serializer_class = ChangeRequestQuerySerializer
    filter_backends = []
    versioned_actions = frozenset({"my_response"})

    def select_list(self, user, params):
        return selectors.change_request_list(user=user, **params)

    def select_one(self, user, pk):
        return selectors.change_request_get(user=user, pk=pk)

    @extend_schema(responses=RollupSerializer)
    @action(detail=True, methods=["get"])
    def rollup(self, request, pk=None):
        """Yes / No / Abstain / No reply per constituency and in total, computed."""
        cr = self.get_object()
        rollup = selectors.ia_rollup(cr)
        summary = selectors.ia_summary(cr)
        data = {
            "change_request": cr.reference,
            "headline": summary.computed_headline,
            "rows": rollup.rows,
            "total": rollup.total,
        }
        return ApiResponse(RollupSerializer(data).data)

    @extend_schema(
        methods=["GET"],
        responses={200: ResponseSerializer, 404: OpenApiResponse(description="No response yet")},
    )
    @extend_schema(
        methods=["PUT"],
        request=ResponseInputSerializer,
        responses=ResponseSerializer,
        description=(
            "Save (or, with submit, submit) your organisation's response. If-Match is the "
            'response\'s ETag, or "0" when your organisation has no response yet.'
        ),
    )
    @action(detail=True, methods=["get", "put"], url_path="my-response")
    def my_response(self, request, pk=None):
        """Your organisation's response to this CR."""
        cr = self.get_object()
        if request.method == "GET":
            response = selectors.own_response(user=request.user, cr=cr)
            if response is None:
                raise NotFound("Your organisation has no response to this change request.")
            return ApiResponse(ResponseSerializer(response).data)
        body = ResponseInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        given = dict(body.validated_data)
        submit = given.pop("submit", False)
        # Fields not sent keep their saved values, so the service checks the whole response
        # (as the form, which always sends every field) and a partial body loses nothing.
        existing = selectors.own_response(user=request.user, cr=cr)
        values = (
            {name: getattr(existing, name) for name in services.RESPONSE_FIELDS}
            if existing is not None
            else {}
        )
        values.update(given)
        saved = services.response_save(
            actor=request.user,
            change_request=cr,
            values=values,
            submit=submit,
            expected_version=self.expected_version(),
        )
        return ApiResponse(
            ResponseSerializer(selectors.response_get(user=request.user, pk=saved.pk)).data
        )


class ResponseViewSet(ReadOnlyViewSet):
    """Impact-assessment responses you may read: your own organisation's, and (for the PMO)
    submitted ones, or any once the PMO has published them as publishable."""

    model = Response
    serializer_class = ResponseSerializer
    query_serializer_class = ResponseQuerySerializer
    filter_backends = []

    def select_list(self, user, params):
        cr = get_object_or_404(ChangeRequest, pk=params["change_request"])
        cr = selectors.change_request_get(user=user, pk=cr.pk)
        return selectors.responses_visible_to(user=user, cr=cr)

    def select_one(self, user, pk):
        return selectors.response_get(user=user, pk=pk)


def register(router):
    router.register("change-requests", ChangeRequestViewSet, basename="api-change-request")
    router.register("ia-responses", ResponseViewSet, basename="api-ia-response")
