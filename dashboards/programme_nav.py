"""The programme dashboard's navigation entry (imported by DashboardsConfig.ready)."""

from portal.navigation import NavItem, register_nav

register_nav(NavItem("Dashboard", "programme-dashboard", "dashboard.view", order=5))
