"""Navigation entries and home-page panels that apps contribute.

Apps register in AppConfig.ready(), so the base layout shows each user only what their
role may use without the core knowing about the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from portal.permissions import can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """`render(request)` returns (template_name, context) or None when it has nothing to show."""

    name: str
    render: Callable
    order: int = 100


_NAV: dict[str, NavItem] = {}
_PANELS: dict[str, HomePanel] = {}


def register_nav(item: NavItem) -> None:
    _NAV[item.url_name] = item


def register_home_panel(panel: HomePanel) -> None:
    _PANELS[panel.name] = panel


def nav_for(user) -> list[dict]:
    items = sorted(_NAV.values(), key=lambda item: (item.order, item.label))
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in items
        if can(user, item.action)
    ]


def home_panels_for(request) -> list[tuple[str, dict]]:
    panels = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        rendered = panel.render(request)
        if rendered is not None:
            panels.append(rendered)
    return panels
