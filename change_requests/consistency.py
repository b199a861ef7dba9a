"""Change requests' part of the pack's pre-publish check: pure rules over assessment pictures."""

from __future__ import annotations

from collections.abc import Iterable

from portal.findings import Finding, Severity

RULES = {"cr_no_recommendation": "Change requests awaiting a decision without a recommendation"}


def awaiting_decision_findings(pictures: Iterable, *, url_for=lambda cr: "") -> list[Finding]:
    """A CR the steering group is asked to decide needs the PMO's recommendation beside the
    computed figures; a decision without one reads as an unsupported table."""
    found = []
    for picture in pictures:
        cr = picture.change_request
        summary = picture.summary
        if summary is None or not summary.recommendation.strip():
            found.append(
                Finding(
                    code="cr_no_recommendation",
                    severity=Severity.GAP,
                    subject=cr.reference,
                    message=(
                        f"{cr.reference} awaits a decision but has no PMO recommendation "
                        "beside its impact-assessment figures."
                    ),
                    url=url_for(cr),
                )
            )
    return found
