"""The pack's pre-publish check: contradictions and gaps a reader would notice, before anyone
publishes.

Each register owns its rules (`<app>/consistency.py`, pure functions returning
portal.findings.Finding); this module gathers them for one meeting's pack, together with the
pack's own rule (a configured section with nothing to show). The PMO reads the list on the pack
page and acknowledges it, with a note, before publishing: publishing is refused while a current
finding is not covered by the latest acknowledgement, and says why. It never blocks silently.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from change_requests import consistency as change_request_rules
from change_requests.consistency import awaiting_decision_findings
from change_requests.selectors import change_requests_awaiting_decision
from dashboards.models import Edition, PrepublishAcknowledgement
from dashboards.packs.render import build_context, render_edition
from delivery import consistency as delivery_rules
from delivery.selectors import prepublish_findings as delivery_findings
from milestones import consistency as milestone_rules
from milestones.selectors import prepublish_findings as milestone_findings
from portal.findings import Finding, Severity
from portal.history import mark_change
from portal.models import Role, User
from portal.permissions import ensure
from raid import consistency as raid_rules
from raid.consistency import raid_findings
from raid.selectors import key_items

SEVERITY_ORDER = {Severity.CONTRADICTION: 0, Severity.GAP: 1}
# What each rule is called on the pack page, from the module that owns it.
RULES = {
    "section_empty": "Sections with nothing to show",
    **milestone_rules.RULES,
    **delivery_rules.RULES,
    **raid_rules.RULES,
    **change_request_rules.RULES,
}


def grouped(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings by rule, in the order the rules first appear (contradictions first)."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.code, []).append(finding)
    return [
        (RULES.get(code, code.replace("_", " ").capitalize()), found)
        for code, found in groups.items()
    ]


def _steering_reader() -> User:
    # The check reads what the Full edition shows: everything the steering group may see.
    return User(email="prepublish-check@portal.invalid", role=Role.STEERING, is_active=True)


def section_findings(meeting) -> list[Finding]:
    """Configured sections the Full edition would leave out for having nothing to show."""
    ctx = build_context(meeting, version_label="check", draft=True)
    rendered = render_edition(ctx, Edition.FULL)
    url = reverse("pack-detail", args=[meeting.pk])
    return [
        Finding(
            code="section_empty",
            severity=Severity.GAP,
            subject=section.title,
            message=f"“{section.title}” has nothing to show, so the pack leaves it out.",
            url=url,
        )
        for section in rendered.empty
    ]


def prepublish_findings(meeting) -> list[Finding]:
    """Every finding for this meeting's pack, contradictions first."""
    reporting_date = build_context(meeting, version_label="check").reporting_date
    findings = section_findings(meeting)
    findings += milestone_findings(reporting_date=reporting_date)
    findings += delivery_findings(reporting_date=reporting_date)
    findings += raid_findings(
        key_items(user=_steering_reader(), reporting_date=reporting_date),
        url_for=lambda item: reverse("raid-item-detail", args=[item.reference]),
    )
    findings += awaiting_decision_findings(
        change_requests_awaiting_decision(),
        url_for=lambda cr: reverse("cr-detail", args=[cr.pk]),
    )
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.code, f.subject))


def latest_acknowledgement(meeting) -> PrepublishAcknowledgement | None:
    return (
        PrepublishAcknowledgement.objects.filter(meeting=meeting)
        .select_related("acknowledged_by")
        .order_by("-acknowledged_at", "-pk")
        .first()
    )


def unacknowledged(meeting, findings: list[Finding]) -> list[Finding]:
    """The findings the latest acknowledgement does not cover."""
    latest = latest_acknowledgement(meeting)
    covered = latest.keys if latest else set()
    return [f for f in findings if f.key not in covered]


@transaction.atomic
def prepublish_acknowledge(
    *, actor: User | None, meeting, findings: list[Finding], note: str
) -> PrepublishAcknowledgement:
    """Record that the PMO read `findings` and why the pack may be published with them."""
    if actor is not None:
        ensure(actor, "pack.publish", meeting)
    acknowledgement = PrepublishAcknowledgement(
        meeting=meeting,
        findings=[
            {
                "code": f.code,
                "severity": str(f.severity),
                "subject": f.subject,
                "message": f.message,
            }
            for f in findings
        ],
        note=(note or "").strip(),
        acknowledged_by=actor,
        acknowledged_at=timezone.now(),
    )
    try:
        acknowledgement.full_clean()
    except ValidationError as exc:
        if "note" in exc.message_dict:
            raise ValidationError(
                {"note": "Say why the pack may be published with these findings."}
            ) from exc
        raise
    mark_change(acknowledgement, actor=actor, reason=f"Pre-publish check: {len(findings)} read")
    acknowledgement.save()
    return acknowledgement


def ensure_acknowledged(meeting) -> None:
    """Refuse to publish while a current finding has not been acknowledged, saying which."""
    missing = unacknowledged(meeting, prepublish_findings(meeting))
    if missing:
        listed = "; ".join(f.message for f in missing[:5])
        more = f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""
        raise ValidationError(
            f"The pre-publish check found {len(missing)} thing{'s' if len(missing) != 1 else ''} "
            f"not yet acknowledged: {listed}{more} Read the check on the pack page and "
            "acknowledge it before publishing."
        )
