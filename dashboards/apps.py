from importlib import import_module

from django.apps import AppConfig

# The programme-dashboard area of this app registers itself through these modules when they
# exist (they belong to the dashboard's own work; the pack's are imported unconditionally).
OPTIONAL_MODULES = [
    "dashboards.programme_rules",
    "dashboards.programme_nav",
    "dashboards.timeline_nav",
]


class DashboardsConfig(AppConfig):
    name = "dashboards"

    def ready(self):
        from dashboards import pack_rules, tasks  # noqa: F401  (registration)
        from dashboards.packs import loaders, sections  # noqa: F401  (registration)
        from portal.navigation import NavItem, register_nav

        register_nav(NavItem("Packs", "pack-list", "pack.view", order=60))
        for name in OPTIONAL_MODULES:
            try:
                import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
