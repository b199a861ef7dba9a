"""Navigation entries, home-page panels and page links that apps contribute.

Apps register in AppConfig.ready(), so the base layout shows each user only what their
role may use without the core knowing about the apps above it. A page link puts a link to a
higher app's view on a lower app's page (e.g. the dashboards' timeline on the milestone
register) without the lower app importing the higher one: the higher one owns the link.
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


@dataclass(frozen=True)
class PageLink:
    """A link shown on the page named `page` (its URL name) to `url_name`, carrying the
    page's query string along when `keep_query` (so a filtered list opens filtered views)."""

    page: str
    label: str
    url_name: str
    action: str
    keep_query: bool = True


_NAV: dict[str, NavItem] = {}
_PANELS: dict[str, HomePanel] = {}
_PAGE_LINKS: dict[tuple[str, str], PageLink] = {}


def register_nav(item: NavItem) -> None:
    _NAV[item.url_name] = item


def register_home_panel(panel: HomePanel) -> None:
    _PANELS[panel.name] = panel


def register_page_link(link: PageLink) -> None:
    _PAGE_LINKS[(link.page, link.url_name)] = link


def page_links_for(user, page: str, *, query: str = "") -> list[dict]:
    links = sorted((k for k in _PAGE_LINKS.values() if k.page == page), key=lambda k: k.label)
    return [
        {
            "label": link.label,
            "url": reverse(link.url_name) + (f"?{query}" if query and link.keep_query else ""),
        }
        for link in links
        if can(user, link.action)
    ]


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
