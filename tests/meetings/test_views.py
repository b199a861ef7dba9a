"""The meetings pages in the browser: reading, PMO editing, the htmx inline update, refusals."""

import datetime

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Action, Meeting, NarrativeSection
from tests.factories import MeetingFactory
from tests.meetings.factories import AgendaItemFactory, NarrativeSectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(psg36):
    AgendaItemFactory(meeting=psg36, position=1, label="1", title="Welcome", duration_minutes=5)
    AgendaItemFactory(
        meeting=psg36,
        position=2,
        label="2",
        title="Headline Report",
        duration_minutes=10,
        item_type="decision",
    )
    AgendaItemFactory(
        meeting=psg36,
        position=3,
        label="Appendix",
        title="RAID Theme Slides",
        duration_minutes=None,
        item_type="",
    )
    return psg36


@pytest.fixture
def carried(world, psg35):
    return services.action_raise(
        actor=world.users["pmo"],
        meeting=psg35,
        description="Elexon to provide a breakdown",
        owner_text="Elexon",
        due_date=datetime.date(2024, 9, 4),
    )


def test_meeting_page_shows_agenda_times_and_carried_forward_actions(
    world, client_for, agenda, carried
):
    response = client_for(world.users["observer"]).get(reverse("meeting-detail", args=[agenda.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "10:00-10:05" in body and "10:05-10:15" in body
    assert "RAID Theme Slides" in body
    assert "PSG35-01" in body and "Carried forward" in body
    # An observer sees no edit controls.
    assert reverse("meeting-action-progress", args=[carried.pk]) not in body
    assert reverse("meeting-edit", args=[agenda.pk]) not in body


def test_pmo_sees_inline_update_forms(world, client_for, agenda, carried):
    body = client_for(world.users["pmo"]).get(reverse("meeting-detail", args=[agenda.pk]))
    body = body.content.decode()
    assert f'hx-post="{reverse("meeting-action-progress", args=[carried.pk])}"' in body
    assert reverse("meeting-agenda-add", args=[agenda.pk]) in body


def test_inline_update_with_htmx_answers_the_row(world, client_for, psg36, carried):
    prefix = f"action-{carried.pk}"
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-action-progress", args=[carried.pk]),
        {
            f"{prefix}-version": 1,
            f"{prefix}-status": "recommend_closed",
            f"{prefix}-latest_update": "Breakdown provided",
            "meeting": psg36.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<tr")
    assert "RECOMMEND CLOSED" in body and "Carried forward" in body and "Saved." in body
    carried.refresh_from_db()
    assert (carried.status, carried.latest_update, carried.version) == (
        "recommend_closed",
        "Breakdown provided",
        2,
    )


def test_inline_update_without_js_redirects_back(world, client_for, psg36, carried):
    prefix = f"action-{carried.pk}"
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-action-progress", args=[carried.pk]),
        {
            f"{prefix}-version": 1,
            f"{prefix}-status": "closed",
            f"{prefix}-latest_update": "Done",
            "meeting": psg36.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("meeting-detail", args=[psg36.pk]) + (
        f"#action-{carried.pk}"
    )
    assert Action.objects.get(pk=carried.pk).status == "closed"


def test_stale_inline_update_says_who_changed_it_and_saves_nothing(
    world, client_for, psg36, carried
):
    services.action_record_progress(
        actor=world.users["pmo"],
        action=carried,
        expected_version=1,
        status="ongoing",
        latest_update="First",
    )
    prefix = f"action-{carried.pk}"
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-action-progress", args=[carried.pk]),
        {
            f"{prefix}-version": 1,
            f"{prefix}-status": "closed",
            f"{prefix}-latest_update": "Second",
            "meeting": psg36.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert "Someone else saved this record" in response.content.decode()
    assert Action.objects.get(pk=carried.pk).latest_update == "First"


def test_bad_status_is_refused_with_a_message(world, client_for, psg36, carried):
    prefix = f"action-{carried.pk}"
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-action-progress", args=[carried.pk]),
        {f"{prefix}-version": 1, f"{prefix}-status": "finished", f"{prefix}-latest_update": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert "Select a valid choice" in response.content.decode()
    assert Action.objects.get(pk=carried.pk).status == "open"


def test_observer_and_participant_cannot_update_actions(world, client_for, carried):
    prefix = f"action-{carried.pk}"
    for key in ("observer", "participant", "steering"):
        response = client_for(world.users[key]).post(
            reverse("meeting-action-progress", args=[carried.pk]),
            {f"{prefix}-version": 1, f"{prefix}-status": "closed", f"{prefix}-latest_update": "x"},
        )
        assert response.status_code == 403
    assert Action.objects.get(pk=carried.pk).status == "open"


def test_pmo_opens_a_meeting_with_the_draft_agenda(world, client_for, agenda):
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-create"),
        {
            "forum": agenda.forum.pk,
            "date": "2024-10-02",
            "start_time": "10:00",
            "copy_agenda": "on",
        },
    )
    meeting = Meeting.objects.get(forum=agenda.forum, number=37)
    assert response["Location"] == reverse("meeting-detail", args=[meeting.pk])
    assert [i.title for i in meeting.agenda_items.order_by("position")] == [
        "Welcome",
        "Headline Report",
        "RAID Theme Slides",
    ]


def test_opening_a_duplicate_meeting_shows_why(world, client_for, psg36):
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-create"),
        {"forum": psg36.forum.pk, "number": 36, "date": "2024-10-02"},
    )
    assert response.status_code == 200
    assert "already has a meeting" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_pmo_raises_an_action_and_gets_the_next_reference(world, client_for, psg36):
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-action-add", args=[psg36.pk]),
        {
            "description": "Programme to circulate the plan",
            "owner_organisation": world.organisation.pk,
            "due_date": "2024-10-02",
            "status": "open",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.reference == "PSG36-01"
    assert action.owner_organisation == world.organisation


def test_action_without_owner_is_refused_in_the_form(world, client_for, psg36):
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-action-add", args=[psg36.pk]), {"description": "x", "status": "open"}
    )
    assert "An action needs an owner" in response.content.decode()
    assert not Action.objects.exists()


def test_action_page_shows_history_of_updates(world, client_for, carried):
    services.action_record_progress(
        actor=world.users["pmo"],
        action=carried,
        expected_version=1,
        status="ongoing",
        latest_update="Meeting booked",
    )
    body = (
        client_for(world.users["participant"])
        .get(reverse("meeting-action-detail", args=[carried.pk]))
        .content.decode()
    )
    assert "Meeting booked" in body and "Progress update" in body


def test_overdue_actions_are_flagged_in_the_log(world, client_for, psg35):
    services.action_raise(
        actor=world.users["pmo"],
        meeting=psg35,
        description="Late one",
        owner_text="PMO",
        due_date=datetime.date(2024, 1, 1),
    )
    body = (
        client_for(world.users["participant"])
        .get(reverse("meeting-action-list") + "?overdue=on")
        .content.decode()
    )
    assert "Late one" in body and "Overdue" in body


def test_hostile_markdown_is_cleaned_on_the_meeting_page(world, client_for, psg36):
    NarrativeSectionFactory(
        meeting=psg36,
        title="Testing update",
        body="Fine **text**\n\n<script>alert(1)</script><img src=x onerror=alert(2)>"
        "![t](https://evil.example/p.png)",
    )
    body = (
        client_for(world.users["participant"])
        .get(reverse("meeting-detail", args=[psg36.pk]))
        .content.decode()
    )
    assert "<strong>text</strong>" in body
    assert "alert(" not in body and "evil.example" not in body


def test_invited_participant_edits_own_draft_other_org_cannot(world, client_for, psg36):
    section = NarrativeSectionFactory(
        meeting=psg36, status="draft", contributor=world.organisation, body=""
    )
    url = reverse("meeting-narrative-edit", args=[section.pk])
    response = client_for(world.users["participant"]).post(
        url, {"version": 1, "body": "## Our delivery\n\nOn track."}
    )
    assert response.status_code == 302
    assert NarrativeSection.objects.get(pk=section.pk).body.startswith("## Our delivery")
    refused = client_for(world.users["other_participant"]).post(
        url, {"version": 2, "body": "Not yours"}
    )
    assert refused.status_code == 403
    # Drafts are not shown on the meeting page to other organisations.
    page = (
        client_for(world.users["other_participant"])
        .get(reverse("meeting-detail", args=[psg36.pk]))
        .content.decode()
    )
    assert "Our delivery" not in page


def test_meeting_list_filters_by_forum(world, client_for, psg36):
    other = MeetingFactory(forum__code="SITAG", number=None, date=datetime.date(2024, 8, 21))
    body = (
        client_for(world.users["observer"])
        .get(reverse("meeting-list") + "?forum=PSG")
        .content.decode()
    )
    assert "PSG 36" in body and str(other) not in body


def test_home_shows_open_actions_of_the_users_organisation(world, client_for, psg36):
    services.action_raise(
        actor=world.users["pmo"],
        meeting=psg36,
        description="Send figures",
        owner_organisation=world.organisation,
    )
    body = client_for(world.users["participant"]).get(reverse("home")).content.decode()
    assert "Your open actions" in body and "PSG36-01" in body
    other = client_for(world.users["other_participant"]).get(reverse("home")).content.decode()
    assert "PSG36-01" not in other


def test_nav_has_meetings(world, client_for):
    body = client_for(world.users["observer"]).get(reverse("home")).content.decode()
    assert f'href="{reverse("meeting-list")}"' in body


def test_pmo_edits_the_meeting_with_attendees_and_the_history_shows_it(world, client_for, psg36):
    member = world.users["steering"]
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-edit", args=[psg36.pk]),
        {
            "version": psg36.version,
            "number": 36,
            "date": "2024-09-04",
            "start_time": "10:00",
            "title": "Programme Steering Group #36",
            "status": "held",
            "location": "London, Room 4",
            "link": "https://meet.example.org/psg36",
            "attendees": [member.pk],
            "other_attendees": "Ofgem observer",
            "reason": "Minutes drafted",
        },
    )
    assert response.status_code == 302
    page = client_for(world.users["observer"]).get(reverse("meeting-detail", args=[psg36.pk]))
    body = page.content.decode()
    assert "London, Room 4" in body and str(member) in body and "Ofgem observer" in body
    assert "Minutes drafted" in body  # the history names the reason


def test_agenda_item_edit_that_overruns_the_day_is_refused(world, client_for, psg):
    meeting = MeetingFactory(forum=psg, start_time=datetime.time(23, 0))
    item = AgendaItemFactory(meeting=meeting, duration_minutes=30)
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-agenda-edit", args=[item.pk]),
        {"version": 1, "label": "1", "title": "Long", "duration_minutes": 120},
    )
    assert response.status_code == 200
    assert "midnight" in response.content.decode()
    item.refresh_from_db()
    assert item.duration_minutes == 30


def test_meeting_page_queries_do_not_grow_with_rows(world, client_for, psg35, psg36):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.models import Role
    from tests.factories import UserFactory

    psg36.attendees.add(*[UserFactory(role=Role.STEERING) for _ in range(3)])

    def grow(n):
        for _ in range(n):
            services.action_raise(actor=None, meeting=psg35, description="x", owner_text="PMO")
            AgendaItemFactory(meeting=psg36)
            NarrativeSectionFactory(meeting=psg36)

    client = client_for(world.users["pmo"])
    url = reverse("meeting-detail", args=[psg36.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    grow(2)
    client.get(url)
    few = queries()
    grow(25)
    assert queries() == few


def test_unknown_move_direction_changes_nothing(world, client_for, psg36):
    first = AgendaItemFactory(meeting=psg36, position=1)
    AgendaItemFactory(meeting=psg36, position=2)
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-agenda-move", args=[first.pk]), {"direction": "sideways"}, follow=True
    )
    assert "Choose whether to move the item up or down." in response.content.decode()
    first.refresh_from_db()
    assert first.position == 1


def test_bad_filter_on_the_actions_log_is_explained(world, client_for):
    response = client_for(world.users["observer"]).get(
        reverse("meeting-action-list") + "?status=maybe"
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_home_lists_sections_the_organisation_is_invited_to_write(world, client_for, psg36):
    section = NarrativeSectionFactory(
        meeting=psg36, status="draft", contributor=world.organisation, title="Supplier A report"
    )
    body = client_for(world.users["participant"]).get(reverse("home")).content.decode()
    assert "Sections to write" in body
    assert reverse("meeting-narrative-edit", args=[section.pk]) in body
    other = client_for(world.users["other_participant"]).get(reverse("home")).content.decode()
    assert "Supplier A report" not in other


def test_actions_log_exports_to_csv_and_xlsx(world, client_for, psg35, carried):
    import csv
    import io

    from openpyxl import load_workbook

    client = client_for(world.users["observer"])
    response = client.get(reverse("meeting-action-export") + "?forum=PSG&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["ref", "meeting", "action"]
    assert rows[1][:2] == ["PSG35-01", "PSG 35"] and rows[1][3] == "Elexon"
    xlsx = client.get(reverse("meeting-action-export") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == "PSG35-01"


def test_export_with_bad_filters_is_refused_with_the_reason(world, client_for):
    client = client_for(world.users["observer"])
    bad_status = client.get(reverse("meeting-action-export") + "?status=maybe")
    assert bad_status.status_code == 400 and b"status" in bad_status.content
    bad_format = client.get(reverse("meeting-action-export") + "?format=pdf")
    assert bad_format.status_code == 400 and b"csv or xlsx" in bad_format.content
