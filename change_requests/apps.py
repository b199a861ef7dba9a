from django.apps import AppConfig


class ChangeRequestsConfig(AppConfig):
    name = "change_requests"
