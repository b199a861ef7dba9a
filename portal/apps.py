from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Programme core"

    def ready(self):
        from portal import loaders, permissions  # noqa: F401  (registration)
        from portal.navigation import NavItem, register_nav

        register_nav(NavItem("Organisations", "organisation-list", "directory.view", order=90))
