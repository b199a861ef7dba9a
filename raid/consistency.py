"""The RAID register's part of the pack's pre-publish check: pure rules over key items."""

from __future__ import annotations

from collections.abc import Iterable

from portal.findings import Finding, Severity

RULES = {"raid_no_owner": "Open RAID items without an owner"}


def raid_findings(items: Iterable, *, url_for=lambda item: "") -> list[Finding]:
    """Open items the pack prints without an owner: nobody is answerable for the mitigation.

    `items` are raid.selectors.KeyItem (or anything with reference, owner and status).
    """
    return [
        Finding(
            code="raid_no_owner",
            severity=Severity.GAP,
            subject=item.reference,
            message=f"{item.reference} is open and has no owner.",
            url=url_for(item),
        )
        for item in items
        if item.status == "open" and not item.owner.strip()
    ]
