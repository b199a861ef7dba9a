"""Writes: opening meetings, agenda edits, actions and their carry-forward, decisions,
narrative; each recorded in history and refused on a stale version."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meetings import selectors, services
from meetings.models import Action, AgendaItem, Decision, Meeting, NarrativeSection
from portal.concurrency import StaleEdit
from portal.models import Role
from tests.factories import ForumFactory, MeetingFactory, OrganisationFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def pmo(db):
    return UserFactory(role=Role.PMO, full_name="Priya Morgan")


def _raise(pmo, meeting, **kwargs):
    kwargs.setdefault("description", "Do something")
    kwargs.setdefault("owner_text", "Programme")
    return services.action_raise(actor=pmo, meeting=meeting, **kwargs)


def test_opening_a_meeting_copies_the_last_agenda_and_takes_the_next_number(pmo, psg35):
    AgendaItemFactory(meeting=psg35, position=1, label="1", title="Welcome", duration_minutes=5)
    AgendaItemFactory(
        meeting=psg35,
        position=2,
        label="2",
        title="Actions",
        item_type="decision",
        leads="Chair & Secretariat",
        duration_minutes=10,
    )
    meeting = services.meeting_open(
        actor=pmo, forum=psg35.forum, date=D(2024, 9, 4), start_time=datetime.time(10, 0)
    )
    assert meeting.number == 36
    assert meeting.title == "Programme Steering Group #36"
    copied = list(meeting.agenda_items.order_by("position"))
    assert [(i.label, i.title, i.item_type, i.leads, i.duration_minutes) for i in copied] == [
        ("1", "Welcome", "information", "Chair", 5),
        ("2", "Actions", "decision", "Chair & Secretariat", 10),
    ]
    assert copied[1].history.first().history_change_reason == "Draft agenda copied from PSG 35"
    assert psg35.agenda_items.count() == 2  # the original is untouched


def test_opening_without_copy_and_duplicate_number_is_refused(pmo, psg35):
    AgendaItemFactory(meeting=psg35)
    meeting = services.meeting_open(
        actor=pmo, forum=psg35.forum, date=D(2024, 9, 4), start_time=None, copy_agenda=False
    )
    assert meeting.agenda_items.count() == 0
    with pytest.raises(ValidationError, match="already has a meeting"):
        services.meeting_open(
            actor=pmo, forum=psg35.forum, date=D(2024, 10, 2), start_time=None, number=35
        )
    assert Meeting.objects.count() == 2


def test_only_pmo_opens_meetings(psg):
    observer = UserFactory(role=Role.OBSERVER)
    with pytest.raises(PermissionDenied):
        services.meeting_open(actor=observer, forum=psg, date=D(2024, 9, 4), start_time=None)
    assert not Meeting.objects.exists()


def test_meeting_update_with_stale_version_changes_nothing(pmo, psg36):
    opened_at = psg36.version
    fields = {
        "date": psg36.date,
        "start_time": psg36.start_time,
        "number": 36,
        "status": "planned",
        "location": "",
        "link": "",
    }
    services.meeting_update(
        actor=pmo, meeting=psg36, expected_version=opened_at, title="First", **fields
    )
    stale = Meeting.objects.get(pk=psg36.pk)
    with pytest.raises(StaleEdit):
        services.meeting_update(
            actor=pmo, meeting=stale, expected_version=opened_at, title="Second", **fields
        )
    assert Meeting.objects.get(pk=psg36.pk).title == "First"


def test_meeting_attendees_are_recorded(pmo, psg36):
    member = UserFactory(role=Role.STEERING)
    services.meeting_update(
        actor=pmo,
        meeting=psg36,
        expected_version=psg36.version,
        date=psg36.date,
        start_time=psg36.start_time,
        number=36,
        title="",
        status="held",
        attendees=[member],
        other_attendees="Ofgem observer",
    )
    assert list(psg36.attendees.all()) == [member]
    assert Meeting.objects.get(pk=psg36.pk).other_attendees == "Ofgem observer"


def test_agenda_items_append_move_and_delete(pmo, psg36):
    first = services.agenda_item_create(
        actor=pmo, meeting=psg36, label="1", title="Welcome", duration_minutes=5
    )
    second = services.agenda_item_create(
        actor=pmo, meeting=psg36, label="2", title="Actions", duration_minutes=10
    )
    assert (first.position, second.position) == (1, 2)
    services.agenda_item_move(actor=pmo, item=second, up=True)
    assert [i.title for i in psg36.agenda_items.order_by("position")] == ["Actions", "Welcome"]
    rows = selectors.agenda_rows(psg36)
    assert [(r.start, r.end) for r in rows] == [
        (datetime.time(10, 0), datetime.time(10, 10)),
        (datetime.time(10, 10), datetime.time(10, 15)),
    ]
    services.agenda_item_move(actor=pmo, item=AgendaItem.objects.get(pk=second.pk), up=True)
    assert [i.title for i in psg36.agenda_items.order_by("position")] == ["Actions", "Welcome"]
    services.agenda_item_delete(actor=pmo, item=AgendaItem.objects.get(pk=first.pk))
    assert AgendaItem.history.filter(id=first.pk, history_type="-").exists()


def test_agenda_that_runs_past_midnight_is_refused(pmo, psg):
    meeting = MeetingFactory(forum=psg, start_time=datetime.time(22, 0))
    services.agenda_item_create(
        actor=pmo, meeting=meeting, label="1", title="Long", duration_minutes=90
    )
    with pytest.raises(ValidationError, match="midnight"):
        services.agenda_item_create(
            actor=pmo, meeting=meeting, label="2", title="Longer", duration_minutes=60
        )
    assert meeting.agenda_items.count() == 1


def test_agenda_item_stale_edit_is_refused(pmo, psg36):
    item = AgendaItemFactory(meeting=psg36)
    values = {
        "label": "1",
        "objective": "",
        "item_type": "",
        "leads": "",
        "duration_minutes": 5,
        "fixed_start": None,
    }
    services.agenda_item_update(actor=pmo, item=item, expected_version=1, title="A", **values)
    with pytest.raises(StaleEdit):
        services.agenda_item_update(
            actor=pmo,
            item=AgendaItem.objects.get(pk=item.pk),
            expected_version=1,
            title="B",
            **values,
        )


def test_action_references_are_assigned_per_meeting(pmo, psg35, psg36):
    a = _raise(pmo, psg35)
    b = _raise(pmo, psg35)
    c = _raise(pmo, psg36)
    assert [a.reference, b.reference, c.reference] == ["PSG35-01", "PSG35-02", "PSG36-01"]


def test_action_needs_an_owner(pmo, psg36):
    with pytest.raises(ValidationError, match="owner"):
        services.action_raise(actor=pmo, meeting=psg36, description="Orphan")
    assert not Action.objects.exists()


def test_open_actions_carry_forward_to_the_next_meeting_of_the_forum(pmo, psg35, psg36):
    other_forum_meeting = MeetingFactory(forum=ForumFactory(code="SITAG"), date=D(2024, 8, 21))
    open_one = _raise(pmo, psg35, due_date=D(2024, 9, 4))
    late = _raise(pmo, psg35, due_date=D(2024, 8, 20), status="ongoing")
    done_before = _raise(pmo, psg35)
    services.action_record_progress(
        actor=pmo,
        action=done_before,
        expected_version=done_before.version,
        status="closed",
        latest_update="Done",
    )
    Action.objects.filter(pk=done_before.pk).update(
        closed_at=timezone.make_aware(datetime.datetime(2024, 8, 20, 12))
    )
    _raise(pmo, other_forum_meeting)
    raised_here = _raise(pmo, psg36)

    rows = selectors.meeting_action_rows(psg36)
    by_ref = {row.action.reference: row for row in rows}
    assert list(by_ref) == ["PSG36-01", "PSG35-01", "PSG35-02"]
    assert by_ref["PSG36-01"].carried_forward is False
    assert by_ref[open_one.reference].carried_forward is True
    assert by_ref[late.reference].overdue is True
    assert by_ref[open_one.reference].overdue is False
    assert raised_here.reference == "PSG36-01"


def test_an_action_closed_at_the_meeting_still_shows_on_it(pmo, psg35, psg36):
    action = _raise(pmo, psg35)
    services.action_record_progress(
        actor=pmo,
        action=action,
        expected_version=action.version,
        status="closed",
        latest_update="Closed at PSG 36",
    )
    Action.objects.filter(pk=action.pk).update(
        closed_at=timezone.make_aware(datetime.datetime(2024, 9, 4, 11))
    )
    assert [r.action.reference for r in selectors.meeting_action_rows(psg36)] == ["PSG35-01"]
    psg37 = MeetingFactory(forum=psg36.forum, number=37, date=D(2024, 10, 2))
    assert selectors.meeting_action_rows(psg37) == []


def test_progress_updates_keep_their_history_and_closing_stamps_the_time(pmo, psg36):
    action = _raise(pmo, psg36)
    services.action_record_progress(
        actor=pmo, action=action, expected_version=1, status="ongoing", latest_update="Started"
    )
    services.action_record_progress(
        actor=pmo, action=action, expected_version=2, status="closed", latest_update="Finished"
    )
    action.refresh_from_db()
    assert action.closed_at is not None
    updates = list(action.history.order_by("history_id").values_list("latest_update", flat=True))
    assert updates == ["", "Started", "Finished"]
    assert action.history.first().history_user == pmo
    services.action_record_progress(
        actor=pmo, action=action, expected_version=3, status="ongoing", latest_update="Reopened"
    )
    action.refresh_from_db()
    assert action.closed_at is None


def test_two_people_updating_one_action_the_second_is_refused(pmo, psg36):
    action = _raise(pmo, psg36)
    colleague = UserFactory(role=Role.PMO, full_name="Second PMO")
    services.action_record_progress(
        actor=colleague, action=action, expected_version=1, status="ongoing", latest_update="Mine"
    )
    with pytest.raises(StaleEdit) as refusal:
        services.action_record_progress(
            actor=pmo,
            action=Action.objects.get(pk=action.pk),
            expected_version=1,
            status="closed",
            latest_update="Theirs",
        )
    assert "Second PMO" in refusal.value.messages[0]
    assert Action.objects.get(pk=action.pk).latest_update == "Mine"


def test_participant_cannot_update_an_action(psg36, pmo):
    action = _raise(pmo, psg36)
    participant = UserFactory()
    with pytest.raises(PermissionDenied):
        services.action_record_progress(
            actor=participant, action=action, expected_version=1, status="closed", latest_update="x"
        )


def test_actions_opened_and_closed_between(pmo, psg35, psg36):
    window = (
        timezone.make_aware(datetime.datetime(2024, 8, 7)),
        timezone.make_aware(datetime.datetime(2024, 9, 4)),
    )
    inside = _raise(pmo, psg35, opened_at=timezone.make_aware(datetime.datetime(2024, 8, 7, 10)))
    _raise(pmo, psg35, opened_at=timezone.make_aware(datetime.datetime(2024, 7, 3, 10)))
    closed = _raise(pmo, psg35, opened_at=timezone.make_aware(datetime.datetime(2024, 6, 5, 10)))
    services.action_record_progress(
        actor=pmo, action=closed, expected_version=1, status="closed", latest_update=""
    )
    Action.objects.filter(pk=closed.pk).update(
        closed_at=timezone.make_aware(datetime.datetime(2024, 8, 30))
    )
    assert selectors.actions_opened_between(*window) == [inside]
    assert [a.pk for a in selectors.actions_closed_between(*window)] == [closed.pk]
    assert selectors.actions_closed_between(*window, forum_code="SITAG") == []


def test_decisions_get_portal_references_and_history(pmo, psg36):
    first = services.decision_record(
        actor=pmo, meeting=psg36, summary="Approve M6", outcome="approved", rationale="Criteria met"
    )
    second = services.decision_record(
        actor=pmo, meeting=psg36, summary="Note report", outcome="noted"
    )
    assert (first.reference, second.reference) == ("PSG36-D01", "PSG36-D02")
    assert first.decided_on == psg36.date
    services.decision_update(
        actor=pmo,
        decision=first,
        expected_version=1,
        summary="Approve M6 as complete",
        outcome="approved",
        rationale="Criteria met",
        decided_on=psg36.date,
        decided_by=None,
    )
    assert first.history.count() == 2
    assert selectors.meeting_decisions(psg36) == [first, second]
    with pytest.raises(StaleEdit):
        services.decision_update(
            actor=pmo,
            decision=Decision.objects.get(pk=first.pk),
            expected_version=1,
            summary="x",
            outcome="rejected",
            rationale="",
            decided_on=psg36.date,
            decided_by=None,
        )


def test_invited_organisation_writes_its_draft_and_nobody_else(pmo, psg36):
    invited = OrganisationFactory(name="Large Supplier 01")
    writer = UserFactory(organisation=invited)
    outsider = UserFactory(organisation=OrganisationFactory(name="Other Supplier"))
    observer = UserFactory(role=Role.OBSERVER, organisation=invited)
    section = services.narrative_section_create(
        actor=pmo,
        meeting=psg36,
        key="ls01-report",
        title="Large Supplier 01 report",
        contributor=invited,
    )
    services.narrative_section_write(
        actor=writer, section=section, expected_version=1, body="We are **on track**."
    )
    for refused in (outsider, observer):
        with pytest.raises(PermissionDenied):
            services.narrative_section_write(
                actor=refused, section=section, expected_version=2, body="Hijack"
            )
    # Drafts are visible to PMO and the invited organisation only.
    assert [b.section for b in selectors.narrative_blocks(psg36, user=writer)] == [section]
    assert selectors.narrative_blocks(psg36, user=outsider) == []
    assert selectors.narrative_blocks(psg36) == []
    services.narrative_section_configure(
        actor=pmo,
        section=section,
        expected_version=2,
        title=section.title,
        agenda_item=None,
        contributor=invited,
        position=1,
        status="published",
        body=section.body,
    )
    section.refresh_from_db()
    blocks = selectors.narrative_blocks(psg36)
    assert "<strong>on track</strong>" in blocks[0].html
    # Once published, only PMO changes it.
    with pytest.raises(PermissionDenied):
        services.narrative_section_write(
            actor=writer, section=section, expected_version=3, body="Later change"
        )
    assert NarrativeSection.objects.get(pk=section.pk).body == "We are **on track**."


def test_narrative_key_is_unique_per_meeting(pmo, psg36):
    services.narrative_section_create(actor=pmo, meeting=psg36, key="testing", title="Testing")
    with pytest.raises(ValidationError, match="already has a section"):
        services.narrative_section_create(actor=pmo, meeting=psg36, key="testing", title="Again")


def test_narrative_agenda_item_must_be_of_the_same_meeting(pmo, psg35, psg36):
    item = AgendaItemFactory(meeting=psg35)
    with pytest.raises(ValidationError, match="another meeting"):
        services.narrative_section_create(
            actor=pmo, meeting=psg36, key="x", title="X", agenda_item=item
        )


def test_open_actions_for_a_user_and_their_organisation(pmo, psg36):
    person = UserFactory()
    mine = _raise(pmo, psg36, owner_user=person)
    ours = _raise(pmo, psg36, owner_organisation=person.organisation)
    _raise(pmo, psg36, owner_text="Ofgem")
    closed = _raise(pmo, psg36, owner_user=person)
    services.action_record_progress(
        actor=pmo, action=closed, expected_version=1, status="closed", latest_update=""
    )
    assert {a.pk for a in selectors.open_actions_for(person)} == {mine.pk, ours.pk}
