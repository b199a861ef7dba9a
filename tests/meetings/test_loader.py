"""The PSG 36 agenda, actions log and narrative loaded from the demo programme's files."""

import datetime
import shutil

import pytest
from django.conf import settings

from meetings import selectors
from meetings.loaders import load_agenda_actions, load_meetings
from meetings.models import Action, AgendaItem, Meeting, NarrativeSection
from portal.importing import ImportRejected
from portal.programme_loading import LoadContext
from tests.factories import ForumFactory

pytestmark = pytest.mark.django_db

FILES = ["meeting.csv", "meetings.csv", "agenda.csv", "actions.csv", "narrative"]


@pytest.fixture
def programme_dir(tmp_path):
    """Only the files these loaders read, copied from the demo programme."""
    for code, level in [("PSG", 2), ("DAG", 3), ("SITAG", 3), ("CCAG", 3), ("QAG", 3)]:
        ForumFactory(
            code=code, name="Programme Steering Group" if code == "PSG" else code, level=level
        )
    source = settings.DEMO_PROGRAMME_DIR
    for name in FILES:
        if (source / name).is_dir():
            shutil.copytree(source / name, tmp_path / name)
        else:
            shutil.copy(source / name, tmp_path / name)
    return tmp_path


def _load(directory):
    context = LoadContext(directory)
    load_meetings(context)
    load_agenda_actions(context)
    return context.summary


def _state():
    return (
        Meeting.objects.count(),
        Meeting.history.count(),
        AgendaItem.objects.count(),
        AgendaItem.history.count(),
        Action.objects.count(),
        Action.history.count(),
        NarrativeSection.objects.count(),
        NarrativeSection.history.count(),
    )


def test_psg36_agenda_keeps_printed_labels_times_and_the_appendix(programme_dir):
    _load(programme_dir)
    meeting = selectors.meeting_by_name("PSG 36")
    rows = selectors.agenda_rows(meeting)
    printed = [
        (
            r.item.label,
            r.item.title,
            r.item.get_item_type_display(),
            r.item.leads,
            f"{r.start:%H:%M}-{r.end:%H:%M}" if r.start else "",
        )
        for r in rows
    ]
    assert printed == [
        ("1", "Welcome", "", "Chair", "10:00-10:05"),
        ("2", "Headline Report and Actions", "Decision", "Chair & Secretariat", "10:05-10:15"),
        ("3", "Update on M6", "Decision", "Programme (Chris Welby)", "10:15-10:20"),
        ("4", "Testing Update", "Information", "Programme (Keith Clark)", "10:20-10:40"),
        ("5", "M10 Planning Update", "Information", "Programme (Lewis Hall)", "10:40-10:55"),
        (
            "6",
            "Programme Change Requests",
            "Decision / Information",
            "Programme (PMO)",
            "10:55-11:00",
        ),
        ("7", "Delivery Dashboards", "Information", "Chair", "11:00-11:20"),
        ("8", "Summary and Next Steps", "Information", "Chair & Secretariat", "11:20-11:25"),
        ("Appendix", "RAID Theme Slides", "", "", ""),
    ]
    # Every printed time follows from the start and the durations: no item needed a fixed start.
    assert not AgendaItem.objects.filter(fixed_start__isnull=False).exists()
    assert rows[0].item.objective == ""  # the printed dash means "no objective"


def test_psg36_actions_log_with_derived_earlier_meetings(programme_dir):
    _load(programme_dir)
    meeting = selectors.meeting_by_name("PSG 36")
    rows = selectors.meeting_action_rows(meeting)
    assert [r.action.reference for r in rows] == [
        "PSG35-01",
        "PSG35-02",
        "PSG35-03",
        "PSG35-04",
        "PSG34-01",
        "PSG34-02",
        "PSG33-01",
    ]
    assert all(r.carried_forward for r in rows)
    by_ref = {r.action.reference: r for r in rows}
    assert by_ref["PSG35-01"].action.get_status_display() == "Recommend closed"
    assert by_ref["PSG35-04"].action.status == "ongoing"
    assert by_ref["PSG34-01"].action.owner_display == "Programme / Elexon"
    # Due at PSG 35 and still ongoing at PSG 36: overdue there.
    assert by_ref["PSG34-01"].overdue and not by_ref["PSG35-04"].overdue
    # PSG 33 and 34 are dated on the first-Wednesday pattern; each action falls due at the
    # next meeting, as printed.
    psg33 = Meeting.objects.get(forum__code="PSG", number=33)
    psg34 = Meeting.objects.get(forum__code="PSG", number=34)
    assert (psg33.date, psg34.date) == (datetime.date(2024, 6, 5), datetime.date(2024, 7, 3))
    assert by_ref["PSG33-01"].action.due_date == psg34.date
    assert {psg33.status, psg34.status} == {"held"}
    assert meeting.status == "papers_published"


def test_psg36_narrative_sections_are_published_and_attached(programme_dir):
    _load(programme_dir)
    meeting = selectors.meeting_by_name("PSG 36")
    blocks = selectors.narrative_blocks(meeting)
    assert [b.section.key for b in blocks] == [
        "headline-report",
        "m6-code-baselined",
        "testing-update",
        "m10-planning-update",
        "summary-next-steps",
    ]
    testing = blocks[2]
    assert testing.section.agenda_item.label == "4"
    assert "Sprint 4.1 is a Cycle 2 completion Sprint" in testing.html
    planning = blocks[3].html
    assert "The new target date is 23-Sep-24." in planning
    assert "<table>" in planning and "Regression testing" in planning
    assert "Next PSG meeting: 02 October 2024 10:00 – 12:30" in blocks[4].html


def test_second_load_changes_nothing(programme_dir):
    _load(programme_dir)
    before = _state()
    _load(programme_dir)
    assert _state() == before


def test_an_edited_seed_updates_in_place(programme_dir):
    _load(programme_dir)
    actions = programme_dir / "actions.csv"
    actions.write_text(
        actions.read_text().replace(
            "ONGOING,Awaiting response from Ofgem.", "RECOMMEND CLOSED,Ofgem responded."
        )
    )
    _load(programme_dir)
    action = Action.objects.get(reference="PSG35-04")
    assert (action.status, action.latest_update) == ("recommend_closed", "Ofgem responded.")
    assert Action.objects.count() == 7


@pytest.mark.parametrize(
    ("filename", "old", "new", "expected"),
    [
        ("agenda.csv", "10:05,10:15,10", "10:05,10:15,12", "agenda.csv, line 3, column 'minutes'"),
        (
            "agenda.csv",
            ",Decision,Chair & Secretariat",
            ",Decree,Chair & Secretariat",
            "agenda.csv, line 3, column 'type'",
        ),
        ("actions.csv", "PSG35-03,", "PSG-35-03,", "actions.csv, line 4, column 'ref'"),
        (
            "actions.csv",
            "ONGOING,Awaiting",
            "MAYBE,Awaiting",
            "actions.csv, line 5, column 'status'",
        ),
        ("actions.csv", ",2024-08-07,", ",07/08/2024,", "column 'due_date'"),
        ("narrative/sections.csv", "testing-update.md", "../secret.md", "column 'file'"),
        ("narrative/sections.csv", "testing-update,", "testing update,", "column 'key'"),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_loaded(programme_dir, filename, old, new, expected):
    path = programme_dir / filename
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ImportRejected) as error:
        _load(programme_dir)
    assert expected in str(error.value)


def test_narrative_pointing_at_a_missing_agenda_item_is_refused(programme_dir):
    path = programme_dir / "narrative" / "sections.csv"
    path.write_text(path.read_text().replace("Testing Update,4,", "Testing Update,44,"))
    with pytest.raises(ImportRejected, match="no agenda item '44'"):
        _load(programme_dir)


def test_whole_demo_programme_loads_twice_without_touching_meetings_records(db):
    from django.core.management import call_command

    call_command("load_programme")
    before = _state()
    call_command("load_programme")
    assert _state() == before
    assert before[2:8:2] == (9, 7, 5)  # agenda items, actions, narrative sections
