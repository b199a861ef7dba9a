from django.apps import AppConfig


class ChangeRequestsConfig(AppConfig):
    name = "change_requests"
    verbose_name = "Change requests"

    def ready(self):
        from change_requests import home, loaders, rules  # noqa: F401  (registration)
        from portal.navigation import NavItem, register_nav

        register_nav(NavItem("Change requests", "cr-list", "change_request.view", order=40))
