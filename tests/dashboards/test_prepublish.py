"""The pack's pre-publish check: the rules (table-driven), and publishing that waits for the
PMO to acknowledge what the check found."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from change_requests.consistency import awaiting_decision_findings
from change_requests.models import AssessmentSummary, Stage
from dashboards.models import BuildKind, PrepublishAcknowledgement
from dashboards.packs import prepublish, services
from portal.findings import Severity
from raid.consistency import raid_findings
from tests.change_requests.factories import ChangeRequestFactory
from tests.dashboards.factories import PackSectionFactory


@dataclass
class Item:
    reference: str
    status: str
    owner: str


@pytest.mark.parametrize(
    ("status", "owner", "found"),
    [
        ("open", "", True),  # open and nobody answerable
        ("open", "   ", True),  # blank is no owner
        ("open", "Jonny Moore", False),
        ("closed", "", False),  # closed items need no owner
        ("converted", "", False),
    ],
)
def test_raid_rule_open_items_need_an_owner(status, owner, found):
    findings = raid_findings([Item("R1", status, owner)], url_for=lambda item: "/raid/R1/")
    assert bool(findings) is found
    if found:
        (finding,) = findings
        assert finding.code == "raid_no_owner" and finding.severity == Severity.GAP
        assert finding.subject == "R1" and finding.url == "/raid/R1/"
        assert finding.key == "raid_no_owner:R1"


@dataclass
class Picture:
    change_request: object
    summary: object


@dataclass
class Cr:
    reference: str


@dataclass
class Summary:
    recommendation: str


@pytest.mark.parametrize(
    ("summary", "found"),
    [
        (None, True),  # the PMO wrote nothing
        (Summary(""), True),
        (Summary("  \n"), True),
        (Summary("It is recommended that the SRO approves the Change Request."), False),
    ],
)
def test_change_request_rule_a_decision_needs_a_recommendation(summary, found):
    findings = awaiting_decision_findings([Picture(Cr("CR054"), summary)])
    assert [f.subject for f in findings] == (["CR054"] if found else [])


def test_a_section_with_nothing_to_show_is_a_finding(small_pack):
    PackSectionFactory(
        meeting=small_pack.meeting, section_type="decisions", title="Decisions of the day"
    )
    findings = prepublish.prepublish_findings(small_pack.meeting)
    empty = [f for f in findings if f.code == "section_empty"]
    assert [f.subject for f in empty] == ["Decisions of the day"]
    assert "nothing to show" in empty[0].message


def test_publishing_waits_for_the_findings_to_be_acknowledged(small_pack, world):
    pmo = world.users["pmo"]
    cr = ChangeRequestFactory(stage=Stage.AWAITING_DECISION)
    with pytest.raises(ValidationError) as refused:
        services.pack_build_request(actor=pmo, meeting=small_pack.meeting, kind=BuildKind.PUBLISH)
    assert f"{cr.reference} awaits a decision" in " ".join(refused.value.messages)
    # A draft never waits: it is how the PMO looks at what the check describes.
    services.pack_build_request(actor=pmo, meeting=small_pack.meeting, kind=BuildKind.DRAFT)

    findings = prepublish.prepublish_findings(small_pack.meeting)
    acknowledgement = prepublish.prepublish_acknowledge(
        actor=pmo, meeting=small_pack.meeting, findings=findings, note="Decided at the meeting."
    )
    record = acknowledgement.history.latest()
    assert record.history_user == pmo and "Pre-publish check" in record.history_change_reason
    assert acknowledgement.findings[0]["subject"] == cr.reference
    build = services.pack_build_request(
        actor=pmo, meeting=small_pack.meeting, kind=BuildKind.PUBLISH
    )
    assert build.kind == BuildKind.PUBLISH

    # A finding that appears after the acknowledgement blocks publishing again.
    AssessmentSummary.objects.create(change_request=cr, recommendation="Approve.")
    other = ChangeRequestFactory(stage=Stage.AWAITING_DECISION)
    with pytest.raises(ValidationError) as again:
        services.pack_build_request(actor=pmo, meeting=small_pack.meeting, kind=BuildKind.PUBLISH)
    message = " ".join(again.value.messages)
    assert other.reference in message and f"{cr.reference} awaits" not in message


def test_an_acknowledgement_says_why(small_pack, world):
    with pytest.raises(ValidationError) as refused:
        prepublish.prepublish_acknowledge(
            actor=world.users["pmo"], meeting=small_pack.meeting, findings=[], note="  "
        )
    assert "Say why" in " ".join(refused.value.messages)
    assert not PrepublishAcknowledgement.objects.exists()


def test_the_pack_page_shows_the_check_and_takes_the_acknowledgement(small_pack, world, client_for):
    cr = ChangeRequestFactory(stage=Stage.AWAITING_DECISION)
    client = client_for(world.users["pmo"])
    page = client.get(reverse("pack-check", args=[small_pack.meeting.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Change requests awaiting a decision without a recommendation" in html
    assert f'href="{reverse("cr-detail", args=[cr.pk])}"' in html
    assert "Not yet acknowledged" in html

    url = reverse("pack-check-acknowledge", args=[small_pack.meeting.pk])
    refused = client.post(url, {"note": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and not PrepublishAcknowledgement.objects.exists()

    done = client.post(url, {"note": "The SRO decides at the meeting."}, HTTP_HX_REQUEST="true")
    assert done.status_code == 200
    assert "Not yet acknowledged" not in done.content.decode()
    assert "The SRO decides at the meeting." in done.content.decode()
    # Observers and participants never see the check (the permission matrix covers the rest).
    assert client_for(world.users["observer"]).get(
        reverse("pack-check", args=[small_pack.meeting.pk])
    ).status_code in (403, 404)
