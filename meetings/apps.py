from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"

    def ready(self):
        from meetings import home, loaders, rules  # noqa: F401  (registration)
