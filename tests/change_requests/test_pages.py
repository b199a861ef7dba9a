"""Register, CR page, inbox, home panel, decision and the explicit re-baseline step."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from change_requests import services
from change_requests.models import ChangeRequest, DecisionAuthority, Stage, StageChange
from change_requests.selectors import (
    change_control_rows,
    ia_progress,
    pipeline_counts,
    stage_changes_between,
    three_months_before,
)
from meetings.models import Decision
from tests.change_requests.factories import ChangeRequestFactory, change_type
from tests.factories import MeetingFactory
from tests.milestones.factories import MilestoneFactory
from tests.raid.factories import RaidItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_programme")


@pytest.mark.parametrize("role", ["pmo", "participant", "observer", "steering", "chair"])
def test_demo_register_and_cr054_page_render_for_every_role(demo, role, client_for, world):
    client = client_for(world.users[role])
    register = client.get(reverse("cr-list"))
    assert register.status_code == 200
    for ref in ("CR051", "CR052", "CR053", "CR054"):
        assert ref.encode() in register.content
    cr = ChangeRequest.objects.get(reference="CR054")
    page = client.get(reverse("cr-detail", args=[cr.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Awaiting PSG approval decision" in body
    assert "22 respondents supported the change" in body
    assert "All six DNOs supported the implementation" in body


def test_register_filters(demo, client_for, world):
    client = client_for(world.users["observer"])
    page = client.get(reverse("cr-list"), {"stage": "awaiting_decision"})
    assert b"CR054" in page.content and b"CR051" not in page.content
    page = client.get(reverse("cr-list"), {"approval_status": "Approved"})
    assert b"CR051" in page.content and b"CR054" not in page.content
    page = client.get(reverse("cr-list"), {"raiser": "ofgem"})
    assert b"CR052" in page.content and b"CR053" not in page.content
    page = client.get(reverse("cr-list"), {"raised_from": "not a date"})
    assert page.status_code == 200 and b"Enter a valid date" in page.content


def test_raised_in_last_three_months(world, client_for):
    today = timezone.localdate()
    ChangeRequestFactory(title="Recent one", raised_on=today - datetime.timedelta(days=20))
    ChangeRequestFactory(title="Old one", raised_on=today - datetime.timedelta(days=200))
    page = client_for(world.users["pmo"]).get(reverse("cr-list"), {"recent": "on"})
    assert b"Recent one" in page.content and b"Old one" not in page.content
    assert three_months_before(datetime.date(2024, 9, 4)) == datetime.date(2024, 6, 4)


def test_inbox_and_home_panel_list_open_assessments(world, open_cr, client_for):
    client = client_for(world.users["participant"])
    home = client.get(reverse("home"))
    assert f"{open_cr.reference}</a>:".encode() in home.content
    assert b"response due in 10 days" in home.content
    inbox = client.get(reverse("cr-inbox"))
    assert open_cr.reference.encode() in inbox.content
    # A participant of an organisation that was not invited sees none of it.
    from tests.factories import UserFactory

    outsider = UserFactory(email="outsider@example.org")
    client = client_for(outsider)
    assert open_cr.reference.encode() not in client.get(reverse("home")).content
    assert open_cr.reference.encode() not in client.get(reverse("cr-inbox")).content


def test_pmo_walks_a_cr_from_draft_to_decision_through_the_pages(
    world, client_for, django_capture_on_commit_callbacks
):
    pmo = client_for(world.users["pmo"])
    response = pmo.post(
        reverse("cr-create"),
        {
            "title": "Move M10",
            "change_type": change_type().pk,
            "decision_authority": "psg_sro",
            "reminder_working_days": 2,
        },
    )
    cr = ChangeRequest.objects.get(title="Move M10")
    assert response.status_code == 302 and cr.reference.startswith("CR")

    def act(name, **data):
        cr.refresh_from_db()
        return pmo.post(
            reverse("cr-transition", args=[cr.pk, name]), {"version": cr.version, **data}
        )

    act("raise")
    act("validate")
    with django_capture_on_commit_callbacks(execute=True):
        act("issue_ia", all_parties="on")
    cr.refresh_from_db()
    assert cr.stage == Stage.IA_OPEN and cr.invitations.count() == 2
    assert ia_progress(cr)[0]["invited"] == 2
    page = pmo.get(reverse("cr-detail", args=[cr.pk]))
    assert b"0 of 2" in page.content
    act("close_ia")
    act("submit_for_decision", board_recommendation="approve")
    cr.refresh_from_db()
    assert cr.stage == Stage.AWAITING_DECISION
    # An invalid move through the page is refused with a message and changes nothing.
    page = pmo.post(
        reverse("cr-transition", args=[cr.pk, "implement"]), {"version": cr.version}, follow=True
    )
    assert b"cannot be" in page.content
    cr.refresh_from_db()
    assert cr.stage == Stage.AWAITING_DECISION

    chair = client_for(world.users["chair"])
    meeting = MeetingFactory()
    chair.post(
        reverse("cr-transition", args=[cr.pk, "approve"]),
        {
            "version": cr.version,
            "outcome": "approve",
            "rationale": "Only one objection",
            "decided_on": "2024-09-04",
            "meeting": meeting.pk,
        },
    )
    cr.refresh_from_db()
    assert cr.stage == Stage.APPROVED
    decision = Decision.objects.get()
    assert (
        decision.rationale == "Only one objection" and decision.decided_by == world.users["chair"]
    )
    assert list(cr.decisions.all()) == [decision]


def test_stale_transition_from_an_old_page_is_refused(world, client_for):
    cr = ChangeRequestFactory(stage=Stage.DRAFT)
    pmo = client_for(world.users["pmo"])
    old_version = cr.version
    services.change_request_update(actor=world.users["pmo"], change_request=cr, title="New")
    page = pmo.post(
        reverse("cr-transition", args=[cr.pk, "raise"]), {"version": old_version}, follow=True
    )
    assert b"Someone else saved this record" in page.content
    cr.refresh_from_db()
    assert cr.stage == Stage.DRAFT


def test_approval_moves_no_baseline_until_the_explicit_rebaseline(world, client_for):
    milestone = MilestoneFactory(baseline_date=datetime.date(2024, 10, 1))
    cr = ChangeRequestFactory(stage=Stage.AWAITING_DECISION)
    cr.affected_milestones.add(milestone)
    services.change_request_decide(
        actor=world.users["chair"],
        change_request=cr,
        outcome="approve",
        rationale="ok",
        decided_on=datetime.date(2024, 9, 4),
        meeting=MeetingFactory(),
    )
    milestone.refresh_from_db()
    assert milestone.baseline_date == datetime.date(2024, 10, 1)

    pmo = client_for(world.users["pmo"])
    assert pmo.get(reverse("cr-rebaseline", args=[cr.pk])).status_code == 200
    pmo.post(
        reverse("cr-rebaseline", args=[cr.pk]),
        {
            "milestone": milestone.pk,
            "baseline_date": "2024-11-15",
            "reason": "CR approved at PSG",
        },
    )
    milestone.refresh_from_db()
    assert milestone.baseline_date == datetime.date(2024, 11, 15)
    latest = milestone.history.order_by("-history_id").first()
    assert cr.reference in latest.history_change_reason
    assert latest.history_user == world.users["pmo"]


def test_rebaseline_refused_before_approval_or_for_unlinked_milestones(world):
    linked, unlinked = MilestoneFactory(), MilestoneFactory()
    cr = ChangeRequestFactory(stage=Stage.AWAITING_DECISION)
    cr.affected_milestones.add(linked)
    with pytest.raises(ValidationError, match="Only an approved"):
        services.change_request_rebaseline(
            actor=world.users["pmo"],
            change_request=cr,
            milestone=linked,
            baseline_date=datetime.date(2025, 1, 1),
            reason="x",
        )
    cr.stage = Stage.APPROVED
    cr.save()
    with pytest.raises(ValidationError, match="not linked"):
        services.change_request_rebaseline(
            actor=world.users["pmo"],
            change_request=cr,
            milestone=unlinked,
            baseline_date=datetime.date(2025, 1, 1),
            reason="x",
        )


def test_a_tier_one_milestone_makes_the_sponsor_the_authority(world):
    level_one = MilestoneFactory(reference="T1-RE-1000")
    cr = ChangeRequestFactory()
    with pytest.raises(ValidationError, match="sponsor decides"):
        services.change_request_update(
            actor=world.users["pmo"], change_request=cr, milestones=[level_one]
        )
    services.change_request_update(
        actor=world.users["pmo"],
        change_request=cr,
        milestones=[level_one],
        decision_authority=DecisionAuthority.SPONSOR,
    )
    assert list(cr.affected_milestones.all()) == [level_one]


def test_restricted_raid_links_stay_hidden_from_participants(world, client_for):
    from raid.models import Classification

    restricted = RaidItemFactory(reference="R9001", classification=Classification.RESTRICTED)
    public = RaidItemFactory(reference="R9002")
    cr = ChangeRequestFactory()
    cr.affected_raid_items.add(restricted, public)
    page = client_for(world.users["participant"]).get(reverse("cr-detail", args=[cr.pk]))
    assert b"R9002" in page.content and b"R9001" not in page.content
    page = client_for(world.users["steering"]).get(reverse("cr-detail", args=[cr.pk]))
    assert b"R9001" in page.content


def test_pipeline_and_stage_changes_between(world):
    cr = ChangeRequestFactory(stage=Stage.DRAFT)
    before = timezone.now()
    services.change_request_raise(actor=world.users["pmo"], change_request=cr)
    after = timezone.now() + datetime.timedelta(seconds=1)
    changes = stage_changes_between(before, after)
    assert [(c.change_request, c.from_stage, c.to_stage) for c in changes] == [
        (cr, Stage.DRAFT, Stage.RAISED)
    ]
    assert stage_changes_between(after, after + datetime.timedelta(days=1)) == []
    counts = {item["stage"]: item["count"] for item in pipeline_counts()}
    assert counts["raised"] == 1 and counts["draft"] == 0
    assert StageChange.objects.filter(change_request=cr).count() == 1


def test_pmo_summary_views_and_document(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import ConstituencyFactory

    cr = ChangeRequestFactory(stage=Stage.AWAITING_DECISION)
    pmo = client_for(world.users["pmo"])
    pmo.post(
        reverse("cr-summary-edit", args=[cr.pk]),
        {"headline": "Mostly supportive", "recommendation": "SRO approves"},
    )
    pmo.post(
        reverse("cr-view-add", args=[cr.pk]),
        {
            "constituency": ConstituencyFactory(name="DNOs").pk,
            "sentiment": "+",
            "text": "All six DNOs supported",
        },
    )
    pmo.post(
        reverse("cr-document-upload", args=[cr.pk]),
        {"file": SimpleUploadedFile("paper.pdf", b"%PDF-1.4 test")},
    )
    bad = pmo.post(
        reverse("cr-document-upload", args=[cr.pk]),
        {"file": SimpleUploadedFile("paper.exe", b"MZ")},
        follow=True,
    )
    assert b"not an allowed type" in bad.content
    page = client_for(world.users["observer"]).get(reverse("cr-detail", args=[cr.pk]))
    body = page.content.decode()
    assert "Mostly supportive" in body and "SRO approves" in body
    assert "All six DNOs supported" in body and "paper.pdf" in body and "paper.exe" not in body
    document = cr.documents.get()
    served = client_for(world.users["observer"]).get(
        reverse("cr-document-download", args=[document.pk])
    )
    assert b"".join(served.streaming_content) == b"%PDF-1.4 test"


def test_export_gives_the_filtered_register_as_csv_and_xlsx(demo, client_for, world):
    import csv
    import io

    from openpyxl import load_workbook

    client = client_for(world.users["observer"])
    exported = client.get(reverse("cr-export"), {"approval_status": "Approved", "format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0][:3] == ["Ref", "Title", "Raiser"]
    assert [r[0] for r in rows[1:]] == ["CR051", "CR052", "CR053"]
    xlsx = client.get(reverse("cr-export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "CR051",
        "CR052",
        "CR053",
        "CR054",
    ]


def test_partials_render_for_the_pdf_without_request_forms_or_htmx(demo):
    from django.template.loader import render_to_string

    from change_requests.selectors import ia_summary

    cr = ChangeRequest.objects.get(reference="CR054")
    picture = ia_summary(cr)
    control = render_to_string(
        "change_requests/_change_control_table.html", {"rows": change_control_rows()}
    )
    table = render_to_string(
        "change_requests/_ia_summary_table.html", {"rollup": picture.rollup, "cr": cr}
    )
    views = render_to_string("change_requests/_ia_views.html", {"views": picture.views})
    text = render_to_string("change_requests/_ia_summary_text.html", {"picture": picture})
    for html in (control, table, views, text):
        assert "<form" not in html and "hx-" not in html and "<script" not in html
    assert "Awaiting PSG approval decision" in control and "<a " not in control
    assert "Programme Parties CR054 Recommendations" in table
    assert ">165<" in table and "Ind. Agents" in table
    assert "Elexon rejected the implementation" in views
    assert "22 respondents supported" in text


def test_change_types_are_configured_in_the_admin_and_crs_are_read_only_there(client, world):
    from tests.factories import UserFactory

    admin_user = UserFactory(
        email="admin@example.org",
        role="pmo",
        is_staff=True,
        is_superuser=True,
        organisation=world.programme,
    )
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    change_type("Fast Track")
    page = client.get(reverse("admin:change_requests_changetype_changelist"))
    assert page.status_code == 200 and b"Fast Track" in page.content
    cr = ChangeRequestFactory()
    assert (
        client.post(
            reverse("admin:change_requests_changerequest_change", args=[cr.pk]), {"title": "x"}
        ).status_code
        == 403
    )
