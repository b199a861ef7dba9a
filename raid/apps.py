from django.apps import AppConfig


class RaidConfig(AppConfig):
    name = "raid"
    verbose_name = "RAID log"

    def ready(self):
        from portal.navigation import NavItem, register_nav
        from raid import home, loaders, rules  # noqa: F401  (registration)

        register_nav(NavItem("RAID", "raid-log", "raid.view", order=30))
