from django.apps import AppConfig


class RaidConfig(AppConfig):
    name = "raid"
    verbose_name = "RAID log"

    def ready(self):
        from raid import loaders, rules  # noqa: F401  (registration)
