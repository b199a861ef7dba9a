"""The OpenAPI schema documents every answer the API gives, errors included.

Each operation lists the error statuses it can return with the shared error body, and the
versioned writes declare their required If-Match header, so a client generated from the
schema (and schemathesis in `make test`) sees the same contract the server keeps.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from portal.api.exceptions import ErrorSerializer

_ERRORS = {
    "400": "Invalid input: nothing was changed; `fields` says what to correct.",
    "401": "Not signed in: send `Authorization: Token <key>` or use the browser session.",
    "403": "Signed in but not allowed to do this.",
    "404": "No such record, or one you may not see.",
}
_VERSIONED_ERRORS = {
    "412": "Stale version: someone else changed the record since you read it; nothing saved.",
    "428": "If-Match missing: send the ETag you received when you read the record.",
}


class PortalAutoSchema(AutoSchema):
    def _versioned(self) -> bool:
        action = getattr(self.view, "action", None)
        return self.method != "GET" and action in getattr(self.view, "versioned_actions", ())

    def _returns_etag(self) -> bool:
        return hasattr(self.view, "versioned_actions") and not self._is_list_view()

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        query = getattr(self.view, "query_serializer_class", None)
        if query is not None and self._is_list_view():
            parameters.append(query)
        if self._versioned():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    required=True,
                    pattern=r'^(W/)?"[0-9]{1,10}"$',
                    description='The ETag of the record as you last read it, e.g. "3".',
                )
            )
        if self._returns_etag():
            parameters.append(
                OpenApiParameter(
                    "ETag",
                    str,
                    OpenApiParameter.HEADER,
                    response=[200, 201],
                    description="The record's version; send it back as If-Match to change it.",
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(_ERRORS)
        if self._versioned():
            errors.update(_VERSIONED_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), code, None, direction
                )
        return responses
