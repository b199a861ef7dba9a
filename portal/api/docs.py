from drf_spectacular.views import SpectacularSwaggerSplitView


class PortalSwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script as a separate file: the CSP forbids inline script."""

    template_name = "api/swagger_ui.html"
