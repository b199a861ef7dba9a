"""ETag / If-Match over `portal.concurrency`: the record's `version` is its ETag.

A client reads a record (the response carries `ETag: "7"`), and sends `If-Match: "7"` with its
change. The service's `claim_version` compares under a row lock; a stale version raises
StaleEdit, answered 412 with what changed since. A write without If-Match is answered 428:
the API never overwrites blindly, exactly as the browser's forms never do.
"""

from __future__ import annotations

import re

from rest_framework import exceptions

from portal.api.exceptions import PreconditionFailed, PreconditionRequired

_ETAG = re.compile(r'^\s*(?:W/)?"?([0-9]{1,10})"?\s*$')
_MAX_VERSION = 2_147_483_647  # the version column is a 32-bit integer


def etag_for(version: int) -> str:
    return f'"{version}"'


def expected_version_from(request) -> int:
    raw = request.headers.get("If-Match", "")
    if not raw.strip() or raw.strip() == "*":
        raise PreconditionRequired()
    match = _ETAG.match(raw)
    if match is None:
        raise exceptions.ValidationError(
            {"If-Match": [f"{raw!r} is not an ETag from this API; send the ETag you received."]}
        )
    version = int(match.group(1))
    if version > _MAX_VERSION:
        raise PreconditionFailed(detail=f"Version {version} of this record does not exist.")
    return version


class ETagMixin:
    """Viewsets over Versioned records: ETag on every single-record answer, If-Match on writes.

    `versioned_actions` names the actions that change a record (the schema marks If-Match
    required on exactly those).
    """

    versioned_actions: frozenset[str] = frozenset({"update", "partial_update", "destroy"})

    def expected_version(self) -> int:
        return expected_version_from(self.request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (
            200 <= response.status_code < 300
            and isinstance(data, dict)
            and isinstance(data.get("version"), int)
        ):
            response["ETag"] = etag_for(data["version"])
        return response
