"""Everything under /api/: the schema, its docs, token management and each app's endpoints.

Each domain app contributes `<app>/api.py` with `register(router)`; an app without one has
no endpoints yet.
"""

import importlib

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from portal.api import core, tokens
from portal.api.docs import PortalSwaggerView

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

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", PortalSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("token/", tokens.token_create, name="api-token-create"),
    path("token/revoke/", tokens.token_revoke, name="api-token-revoke"),
    path("", include(router.urls)),
]
