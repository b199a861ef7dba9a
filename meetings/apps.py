from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"

    def ready(self):
        from meetings import home, loaders, rules  # noqa: F401  (registration)
        from portal.navigation import NavItem, register_nav

        register_nav(NavItem("Meetings", "meeting-list", "meeting.view", order=10))
        register_nav(NavItem("Engagement", "meeting-forward-look", "meeting.view", order=11))
