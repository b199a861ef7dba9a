"""Markdown written in the browser, rendered to HTML that is safe in a page and in the PDF.

`markdown` turns the text into HTML (raw HTML in the source passes through it), then `nh3`
keeps only an allow-list of tags and attributes: no script, no event handlers, no style, no
forms, no frames. Nothing may make a reader's browser or the PDF renderer fetch from elsewhere:
an image is kept only when its source is a path on this site, and links keep only http(s) and
mailto targets, opened without a referrer.
"""

from __future__ import annotations

import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "sub",
    "sup",
    "del",
    "dl",
    "dt",
    "dd",
    "abbr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "abbr": {"title"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_HEADING = re.compile(r"<(/?)h([1-6])>")


def _is_local_path(value: str) -> bool:
    value = value.strip()
    # "//host/x" is protocol-relative (remote); "/\host" is read as remote by some browsers.
    return value.startswith("/") and not value.startswith(("//", "/\\"))


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not _is_local_path(value):
        return None
    return value


def render_markdown(text: str) -> SafeString:
    """Sanitised HTML for `text`. Headings move down two levels (# is h3, ## is h4...): the
    page (or pack) owns h1 and the section's own title is an h2."""
    html = markdown_lib.markdown(
        text or "",
        extensions=["tables", "sane_lists", "def_list", "abbr"],
        output_format="html",
    )
    html = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}>", html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308  (sanitised by nh3 just above)
