from django.apps import AppConfig


class RaidConfig(AppConfig):
    name = "raid"
