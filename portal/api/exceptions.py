"""One error body for every API failure.

    {"status": 412, "code": "stale_version", "detail": "Someone else saved…", "fields": {}}

`detail` is always a sentence a person can read; `fields` maps input names to their messages
for validation errors. Services raise Django's ValidationError and PermissionDenied; they are
translated here so a service never needs to know whether it was called by a form or the API.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.concurrency import StaleEdit

logger = logging.getLogger(__name__)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale_version"
    default_detail = "The record has changed since you read it."


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "if_match_required"
    default_detail = (
        "Send If-Match with the ETag you received when you read the record, so that nobody "
        "else's change is overwritten."
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (documented in the schema for each status)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    current_version = serializers.IntegerField(required=False)


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {m}" for key, inner in value.items() for m in _messages(inner)]
    if isinstance(value, list | tuple):
        return [m for item in value for m in _messages(item)]
    return [str(value)]


def _first_code(codes) -> str:
    if isinstance(codes, dict):
        for value in codes.values():
            return _first_code(value)
        return "invalid"
    if isinstance(codes, list | tuple):
        return _first_code(codes[0]) if codes else "invalid"
    return str(codes)


def _translate(exc):
    if isinstance(exc, StaleEdit):
        translated = PreconditionFailed(detail=exc.messages[0])
        translated.current_version = exc.current.version
        return translated
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return exceptions.ValidationError(detail=detail)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(detail=str(exc) or None)
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return exceptions.NotFound()
    return exc


def error_body(status_code: int, code: str, detail: str, fields=None, **extra) -> dict:
    return {"status": status_code, "code": code, "detail": detail, "fields": fields or {}, **extra}


def api_exception_handler(exc, context):
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        # An unexpected failure: logged with its traceback, answered in the same shape.
        logger.exception("API error in %s", context.get("view"), exc_info=exc)
        return Response(
            error_body(500, "server_error", "Something went wrong; the error has been logged."),
            status=500,
        )
    fields: dict[str, list[str]] = {}
    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail
        if isinstance(data, dict):
            general = _messages(data.get("non_field_errors", []))
            fields = {
                key: _messages(value) for key, value in data.items() if key != "non_field_errors"
            }
        else:
            general = _messages(data)
        detail = " ".join(general) or "Some of the values you sent are not valid; see fields."
        # One code for every validation failure; the per-field messages say what is wrong.
        code = "invalid"
    else:
        detail = " ".join(_messages(exc.detail)) if hasattr(exc, "detail") else str(exc)
        code = _first_code(exc.get_codes()) if hasattr(exc, "get_codes") else "error"
    extra = {}
    if getattr(exc, "current_version", None) is not None:
        extra["current_version"] = exc.current_version
        response["ETag"] = f'"{exc.current_version}"'
    response.data = error_body(response.status_code, code, detail, fields, **extra)
    return response
