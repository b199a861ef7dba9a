from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "milestones"

    def ready(self):
        from milestones import home, loaders, rules  # noqa: F401  (registration)
        from portal.navigation import NavItem, register_nav

        register_nav(NavItem("Milestones", "milestone-list", "milestone.view", order=20))
