"""What a pre-publish check reports: one finding per contradiction or gap a reader would notice.

Each app owns the rules about its own records (milestones know what their commentary should agree
with, RAID knows which items need an owner) as pure functions returning `Finding`s; the pack's
pre-publish check gathers them, shows them to the PMO and records the acknowledgement. A finding
never blocks publishing by itself: the PMO reads the list and decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    # A statement in the pack contradicts another statement or the data behind it.
    CONTRADICTION = "contradiction"
    # Something a reader expects is missing (no commentary, no owner, nothing to show).
    GAP = "gap"


@dataclass(frozen=True)
class Finding:
    """One line of the pre-publish check.

    `code` names the rule (stable, for tests and for grouping), `subject` the record in the
    words the pack uses (a milestone or RAID reference, a section title), `message` a sentence
    the PMO can act on, and `url` where to fix it, if the portal has a page for it.
    """

    code: str
    severity: Severity
    subject: str
    message: str
    url: str = ""

    @property
    def key(self) -> str:
        """Identity across builds, so an acknowledgement can say which findings it covered."""
        return f"{self.code}:{self.subject}"
