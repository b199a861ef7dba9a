"""Multi-part text as people type it and as registers print it.

A mitigation approach, a list of achievements or a commentary in several parts arrives as lines,
as bullets ("• ...", "- ..."), or joined with " | " (how the seed data keeps a list in one
spreadsheet cell). `points` turns any of these into its parts, so every page and the pack print a
list, never the joins.
"""

from __future__ import annotations

import re

_JOIN = re.compile(r"\s+\|\s+")
_BULLET = re.compile(r"^\s*(?:[•‣◦▪➢o\-–—*]|\d+[.)])\s+")


def points(text: str | None) -> list[str]:
    """The parts of a multi-part text, bullets and numbering removed; [] for empty text."""
    if not text:
        return []
    parts = []
    for line in str(text).splitlines():
        for piece in _JOIN.split(line):
            piece = _BULLET.sub("", piece).strip()
            if piece:
                parts.append(piece)
    return parts


def is_list(text: str | None) -> bool:
    """Whether a text is several points rather than one paragraph."""
    return len(points(text)) > 1


_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")


def short_dates(text: str | None) -> str:
    """Dates written ISO-style inside free text (as imports keep them), in the pack's dd/mm/yy."""
    if not text:
        return ""
    return _ISO_DATE.sub(lambda m: f"{m.group(3)}/{m.group(2)}/{m.group(1)[2:]}", str(text))
