"""From a pack edition's HTML to its PDF (WeasyPrint), with the page furniture the pack needs.

The footer of every page names the classification of what is on that page. A section sets the
running string `classification` (its own classification) where it starts; any element showing
a Restricted record inside a Public section carries the class `restricted-content`, which sets
the string `restricted-content`. CSS alone cannot say "Restricted if anything on this page is",
so `page_classification` teaches WeasyPrint's string resolution that one rule: on a page where
`restricted-content` was set, `string(classification)` reads "Restricted".
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.contrib.staticfiles import finders

# WeasyPrint logs every page it lays out at INFO; a worker's log should say what failed.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

RESTRICTED = "Restricted"


# The pack's own stylesheet, then those of partials that portal pages share with the pack
# (one file serves both media, so a partial's look is defined once).
PACK_STYLESHEETS = ("css/pack.css", "css/forward_look.css")


@lru_cache(maxsize=1)
def pack_stylesheet() -> str:
    sheets = []
    for name in PACK_STYLESHEETS:
        with open(finders.find(name), encoding="utf-8") as handle:
            sheets.append(handle.read())
    return "\n".join(sheets)


def refuse_fetch(url: str, *args, **kwargs):
    """The pack is built from our own data only: no remote fetch, whatever a narrative says."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"The pack does not fetch external resources ({url[:60]})")


def page_classification(original):
    """Wrap LayoutContext.get_string_set_for with the one rule CSS cannot express."""

    def get_string_set_for(self, page, name, keyword="first"):
        if name == "classification" and self.string_set["restricted-content"].get(
            self.current_page
        ):
            return (RESTRICTED,)
        return original(self, page, name, keyword)

    get_string_set_for.page_classification = True
    return get_string_set_for


def install_page_classification() -> None:
    from weasyprint.layout import LayoutContext

    current = LayoutContext.get_string_set_for
    if getattr(current, "page_classification", False):
        return
    LayoutContext.get_string_set_for = page_classification(current)


def html_to_pdf(html: str) -> tuple[bytes, int]:
    from django.conf import settings
    from weasyprint import HTML

    install_page_classification()
    # Links to portal pages become absolute portal URLs; the fetcher still refuses to load any.
    base_url = settings.SITE_URL.rstrip("/") + "/"
    document = HTML(string=html, url_fetcher=refuse_fetch, base_url=base_url).render()
    return document.write_pdf(), len(document.pages)
