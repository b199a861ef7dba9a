"""Section parameters, the milestone window and the pack-layout loader."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dashboards.pack_forms import format_params, parse_params
from dashboards.packs.registry import validate_params
from dashboards.packs.sections import milestone_window


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("cr=CR054", {"cr": "CR054"}),
        (" cr = CR054 ; ", {"cr": "CR054"}),
        ("weeks_before=13; weeks_after=23", {"weeks_before": "13", "weeks_after": "23"}),
        ("keys=testing-update, planning", {"keys": ["testing-update", "planning"]}),
    ],
)
def test_parse_params(text, expected):
    assert parse_params(text) == expected
    assert parse_params(format_params(expected)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("keys", "is not name=value"), ("=x", "is not name=value"), ("a=1; a=2", "given twice")],
)
def test_parse_params_refuses(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_params(text)


@pytest.mark.parametrize(
    ("section_type", "params", "message"),
    [
        ("pie_chart", {}, "is not a pack section type"),
        ("narrative", {}, "names its sections"),
        ("cr_ia_summary", {}, "Name the change request"),
        ("milestone_dashboard", {"weeks_before": "x"}, "whole number"),
        ("milestone_dashboard", {"weeks_after": "999"}, "between 0 and 520"),
        ("milestone_dashboard", {"from": "04/09/2024"}, "a date like"),
        ("finances", {"year": "last"}, "a year"),
        ("raid_key_items", {"limit": "0"}, "positive"),
    ],
)
def test_validate_params_refuses(section_type, params, message):
    with pytest.raises(ValidationError, match=message):
        validate_params(section_type, params)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, (None, None)),
        ({"from": "2024-05-30", "to": "2025-01-31"}, (date(2024, 5, 30), date(2025, 1, 31))),
        ({"weeks_before": "2", "weeks_after": "1"}, (date(2024, 8, 14), date(2024, 9, 4))),
        ({"from": "2024-01-01", "weeks_before": "2"}, (date(2024, 1, 1), None)),
    ],
)
def test_milestone_window(params, expected):
    assert milestone_window(params, date(2024, 8, 28)) == expected


def test_pack_layout_loads_once_and_reports_bad_rows(db, tmp_path):
    from dashboards.models import PackSection
    from dashboards.packs.loaders import load_pack_sections
    from portal.importing import ImportRejected
    from portal.programme_loading import LoadContext
    from tests.factories import MeetingFactory
    from tests.meetings.factories import AgendaItemFactory

    meeting = MeetingFactory(number=36)
    AgendaItemFactory(meeting=meeting, position=1, label="2")
    header = "meeting,agenda_item,position,section_type,title,classification,params\n"
    good = "PSG 36,2,10,actions,Actions,Public,\nPSG 36,,90,what_changed,Changes,Restricted,\n"
    (tmp_path / "pack_sections.csv").write_text(header + good)
    for _ in range(2):
        load_pack_sections(LoadContext(tmp_path))
    assert PackSection.objects.filter(meeting=meeting).count() == 2
    assert PackSection.objects.get(position=90).classification == "restricted"

    bad = (
        "PSG 36,9,20,actions,,Public,\nPSG 99,,30,summary,,Public,\nPSG 36,,40,narrative,,Secret,\n"
    )
    (tmp_path / "pack_sections.csv").write_text(header + good + bad)
    with pytest.raises(ImportRejected) as refused:
        load_pack_sections(LoadContext(tmp_path))
    problems = str(refused.value)
    assert "has no agenda item '9'" in problems
    assert "'PSG 99' is not a meeting" in problems
    assert "names its sections" in problems and "'Secret' is not one of" in problems
    assert PackSection.objects.filter(meeting=meeting).count() == 2
