"""Pure helpers for the text of party delivery reports, shared by the loader and its tests."""

from __future__ import annotations

import re
from collections.abc import Iterable

from portal.text import short_dates

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<])")
_DEPENDENCY_ON = re.compile(r"\s*\[Dependency On:\s*(?P<on>[^\]]+)\]\s*$")


def markdown_escape(text: str) -> str:
    """Text as Markdown that renders exactly as written (no stray emphasis or links)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_list(items: Iterable[tuple[str, str]]) -> str:
    """Markdown for (heading, item) pairs: each run of one heading becomes a bold line over
    a bulleted list; items without a heading are a plain list."""
    blocks: list[str] = []
    current: str | None = None
    for heading, item in items:
        if heading != current or not blocks:
            if heading:
                blocks.append(f"**{markdown_escape(heading)}**\n")
            blocks.append("")
            current = heading
        blocks[-1] += f"- {markdown_escape(item)}\n"
    return "\n".join(block for block in blocks if block).strip()


def split_dependency_on(description: str) -> tuple[str, str]:
    """The seed appends a dependency's 'Dependency On' column as "[Dependency On: …]"."""
    match = _DEPENDENCY_ON.search(description)
    if not match:
        return description, ""
    return description[: match.start()].rstrip(), match.group("on").strip()


def printed_dates(text: str) -> str:
    """Free text with its ISO dates written the pack's way (27/09/24); anything else untouched.

    A placeholder dash (the party printed "-" for no date) becomes empty."""
    if text.strip() in ("-", "–"):
        return ""
    return short_dates(text)
