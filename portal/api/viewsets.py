"""Base classes for the apps' viewsets: reads through selectors, never a second query path."""

from __future__ import annotations

from rest_framework import viewsets

from portal.api.concurrency import ETagMixin


class SelectorMixin:
    # Lists and single records come from the app's permission-aware selectors. Subclasses set
    # `model` (for the schema) and implement `select_list(user)` and `select_one(user, pk)`;
    # the selector raises PermissionDenied or Http404 itself. (Comments, not a docstring:
    # the schema would show a docstring as every endpoint's description.)

    # `query_serializer_class` validates the list's query string (400 on bad input, and the
    # schema documents it) and its values are handed to the selector, which does the filtering.
    model = None
    query_serializer_class = None
    lookup_value_regex = "[0-9]+"

    def list_params(self) -> dict:
        if self.query_serializer_class is None:
            return {}
        query = self.query_serializer_class(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return {k: v for k, v in query.validated_data.items() if v not in (None, "")}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.select_list(self.request.user, self.list_params())

    def get_object(self):
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if self.lookup_value_regex == "[0-9]+":
            value = int(value)
        obj = self.select_one(self.request.user, value)
        self.check_object_permissions(self.request, obj)
        return obj

    def select_list(self, user, params: dict):
        raise NotImplementedError

    def select_one(self, user, pk: int):
        raise NotImplementedError


class ReadOnlyViewSet(SelectorMixin, viewsets.ReadOnlyModelViewSet):
    pass


class VersionedViewSet(ETagMixin, SelectorMixin, viewsets.GenericViewSet):
    # A read/write resource over a Versioned model; subclasses add the write actions they
    # need and call the app's services with `expected_version=self.expected_version()`.
    pass
