from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Delivery reporting"

    def ready(self):
        from delivery import home, loaders, rules, sit_loaders  # noqa: F401  (registration)
        from portal.navigation import NavItem, register_nav

        register_nav(NavItem("Delivery", "delivery-home", "delivery.view", order=60))
