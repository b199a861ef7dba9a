"""The forward look: its pure placement rules (tables of cases) and the selector that feeds them
from engagement events, forum meetings and the working-day calendar."""

from datetime import date, time

import pytest

from meetings import forward_look as rules
from meetings.models import MeetingStatus
from meetings.selectors import forward_look
from tests.factories import ForumFactory, MeetingFactory
from tests.meetings.factories import EngagementEventFactory

MON = date(2024, 8, 26)  # the slide's first Monday (a bank holiday)


# Pure rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "weeks", "first", "last"),
    [
        (date(2024, 8, 28), 4, MON, date(2024, 9, 20)),  # the pack's reporting date, a Wednesday
        (MON, 4, MON, date(2024, 9, 20)),
        (date(2024, 9, 1), 1, MON, date(2024, 8, 30)),  # a Sunday belongs to the week before
        (date(2024, 12, 30), 2, date(2024, 12, 30), date(2025, 1, 10)),  # across the year
        (MON, 12, MON, date(2024, 11, 15)),
    ],
)
def test_window_runs_whole_weeks_monday_to_friday(start, weeks, first, last):
    window = rules.window(start, weeks)
    assert (window.start, window.end) == (first, last)


@pytest.mark.parametrize("weeks", [0, 13, -1, "4", 4.0, True, None])
def test_window_refuses_weeks_it_does_not_offer(weeks):
    with pytest.raises(ValueError, match="1 to 12 weeks"):
        rules.window(MON, weeks)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Late Summer Bank Holiday", "Late Summer Bank Holiday"),
        ("Christmas Day", "Christmas Day (Bank Holiday)"),
        ("Good Friday", "Good Friday (Bank Holiday)"),
    ],
)
def test_holiday_label_always_says_bank_holiday(name, label):
    assert rules.holiday_label(name) == label


@pytest.mark.parametrize(
    ("title", "names", "named"),
    [
        ("Avanade weekly catch up", ("Avanade (DIP)",), True),
        ("Elexon Account Meeting", ("Elexon Central Systems (Helix)",), True),
        ("QWG", ("QWG", "Qualification Working Group"), True),
        ("Change Board", ("CB", "Change Board"), True),
        ("Cohort F execution modelling meeting", ("Ofgem",), False),
        ("Present CR", ("CB", "Change Board"), False),
    ],
)
def test_named_in(title, names, named):
    assert rules.named_in(title, *names) is named


def entry(title, day, precision="day", end=None, category="code_bodies", **kw):
    return rules.Entry(
        title=title,
        date=day,
        precision=precision,
        end_date=end,
        category=category,
        category_label=category.replace("_", " ").title() if category else "",
        **kw,
    )


def _place(entries, *, start=MON, weeks=2, holidays=None):
    holidays = holidays or {}
    return rules.build(rules.window(start, weeks), entries, bank_holiday=holidays.get)


@pytest.mark.parametrize(
    ("item", "where"),
    [
        (entry("On a Tuesday", date(2024, 8, 27)), ("day", 0, 1)),
        (entry("On a Friday", date(2024, 9, 6)), ("day", 1, 4)),
        (entry("Week one", MON, "week"), ("week", 0)),
        (entry("Week two", date(2024, 9, 2), "week"), ("week", 1)),
        (entry("Saturday meeting", date(2024, 8, 31), meeting_id=7), ("week", 0)),
        (entry("Somewhere", MON, "period", date(2024, 9, 20)), ("undated",)),
        (entry("Overlaps the start", date(2024, 8, 1), "period", MON), ("undated",)),
        (entry("Before", date(2024, 8, 23)), None),
        (entry("After", date(2024, 9, 9)), None),
        (entry("Week after", date(2024, 9, 9), "week"), None),
        (entry("Period before", date(2024, 8, 1), "period", date(2024, 8, 23)), None),
    ],
)
def test_build_places_each_entry_by_its_precision(item, where):
    look = _place([item])
    found = []
    for w, week in enumerate(look.weeks):
        found += [("week", w) for e in week.entries if e is item]
        for d, day in enumerate(week.days):
            found += [("day", w, d) for e in day.entries if e is item]
    found += [("undated",) for _, entries in look.undated for e in entries if e is item]
    assert found == ([where] if where else [])
    assert look.has_content is (where is not None)


def test_build_marks_bank_holidays_and_holidays_alone_are_no_content():
    look = _place([], holidays={MON: "Late Summer Bank Holiday"})
    assert look.weeks[0].days[0].holiday == "Late Summer Bank Holiday"
    assert [d.holiday for d in look.weeks[0].days[1:]] == ["", "", "", ""]
    assert not look.has_content


def test_build_orders_meetings_first_then_by_the_keys_order_and_groups_the_undated():
    tuesday = date(2024, 8, 27)
    items = [
        entry("Webinar", tuesday, category="change_control"),
        entry("Ofgem catch up", tuesday, category="ofgem_ipa"),
        entry(
            "PSG 36", tuesday, category="programme_governance", meeting_id=1, start_time=time(10)
        ),
        entry("Present CR", MON, "period", date(2024, 9, 6), category=""),
        entry("Engage St Clements", MON, "period", date(2024, 9, 6), category="central_parties"),
        entry("IPA", MON, "period", date(2024, 9, 6), category="ofgem_ipa"),
    ]
    look = _place(items)
    assert [e.title for e in look.weeks[0].days[1].entries] == [
        "PSG 36",
        "Ofgem catch up",
        "Webinar",
    ]
    assert [(label, [e.title for e in es]) for label, es in look.undated] == [
        ("Ofgem Ipa", ["IPA"]),
        ("Central Parties", ["Engage St Clements"]),
        (rules.UNCATEGORISED, ["Present CR"]),
    ]
    assert [value for value, _ in look.categories] == [
        "ofgem_ipa",
        "central_parties",
        "programme_governance",
        "change_control",
    ]


def test_statuses_list_only_the_marks_shown():
    look = _place(
        [
            entry("A", MON, "week", status="complete", status_label="Complete"),
            entry("B", MON, "week", status="to_be_arranged", status_label="To be arranged"),
            entry("C", MON, "week"),
        ]
    )
    assert look.statuses == ["To be arranged", "Complete"]
    assert look.has_week_entries


# The selector --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_selector_reads_events_meetings_and_the_bank_holiday_from_the_calendar():
    psg = ForumFactory(code="PSG", name="Programme Steering Group", level=2)
    held = MeetingFactory(forum=psg, number=35, date=date(2024, 8, 28), status=MeetingStatus.HELD)
    MeetingFactory(forum=psg, number=36, date=date(2024, 9, 4))
    MeetingFactory(forum=psg, number=37, date=date(2024, 10, 2))  # after the window
    EngagementEventFactory(title="Webinar", date=date(2024, 9, 3), category="change_control")
    EngagementEventFactory(title="FTIG", date=date(2024, 9, 9), precision="week")
    EngagementEventFactory(
        title="Engage St Clements", date=MON, precision="period", end_date=date(2024, 9, 20)
    )
    EngagementEventFactory(title="Too late", date=date(2024, 9, 23))

    look = forward_look(start=date(2024, 8, 28), weeks=4)

    assert (look.window.start, look.window.end) == (MON, date(2024, 9, 20))
    # No data says 26 Aug is a holiday: the calendar does.
    assert look.weeks[0].days[0].holiday == "Late Summer Bank Holiday"
    wednesday = look.weeks[0].days[2].entries
    assert [(e.title, e.status, e.meeting_id) for e in wednesday] == [
        ("PSG 35", "complete", held.pk)
    ]
    assert [e.title for e in look.weeks[1].days[2].entries] == ["PSG 36"]
    assert look.weeks[1].days[2].entries[0].category == "programme_governance"
    assert [e.title for e in look.weeks[1].days[1].entries] == ["Webinar"]
    assert [e.title for e in look.weeks[2].entries] == ["FTIG"]
    assert [[e.title for e in es] for _, es in look.undated] == [["Engage St Clements"]]
    titles = [e.title for week in look.weeks for day in week.days for e in day.entries]
    assert "Too late" not in titles and "PSG 37" not in titles


@pytest.mark.django_db
def test_selector_names_the_party_only_when_the_title_does_not():
    from tests.factories import OrganisationFactory

    ofgem = OrganisationFactory(name="Ofgem")
    EngagementEventFactory(title="Ofgem follow up meeting", organisation=ofgem)
    EngagementEventFactory(title="Present proposed model", organisation=ofgem)
    look = forward_look(start=MON, weeks=2)
    shown = {e.title: e.with_whom for e in look.weeks[1].days[1].entries}
    assert shown == {"Ofgem follow up meeting": "", "Present proposed model": "Ofgem"}


@pytest.mark.django_db
def test_selector_refuses_a_window_it_does_not_offer():
    with pytest.raises(ValueError, match="1 to 12 weeks"):
        forward_look(start=MON, weeks=13)
