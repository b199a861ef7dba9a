"""Everything under /api/: the schema, its docs, token management and each app's endpoints.

Each domain app contributes `<app>/api.py` with `register(router)`; an app without one has
no endpoints yet.
"""

import importlib

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from portal.api import core, tokens
from portal.api.docs import PortalSwaggerView
from portal.api.exceptions import error_body

API_MODULES = [
    "meetings.api",
    "milestones.api",
    "raid.api",
    "change_requests.api",
    "delivery.api",
    "dashboards.api",
]


class PortalRouter(DefaultRouter):
    include_format_suffixes = False


router = PortalRouter()
router.root_view_name = "api-root"
core.register(router)
for module_name in API_MODULES:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        continue
    module.register(router)


@csrf_exempt  # it changes nothing; a CSRF refusal here would answer in HTML
def not_found(request, rest=""):
    """Unknown addresses under /api/ answer in the API's error shape, not an HTML page."""
    return JsonResponse(error_body(404, "not_found", "There is no such API address."), status=404)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", PortalSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("token/", tokens.token_create, name="api-token-create"),
    path("token/revoke/", tokens.token_revoke, name="api-token-revoke"),
    path("", include(router.urls)),
    re_path(r"^(?P<rest>[\s\S]*)$", not_found),
]
