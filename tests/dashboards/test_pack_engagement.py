"""The pack's "engagement" section: its parameters, what it prints, and the demo's real slide."""

import io
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from dashboards.packs.registry import validate_params
from dashboards.packs.render import build_context, render_edition, render_pack
from meetings.selectors import meeting_by_name
from portal.models import Programme
from portal.programme_loading import load_programme
from tests.dashboards.factories import PackSectionFactory
from tests.factories import MeetingFactory
from tests.meetings.factories import EngagementEventFactory


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"weeks": "0"}, "whole number from 1 to 12, not '0'"),
        ({"weeks": "13"}, "whole number from 1 to 12"),
        ({"weeks": "four"}, "whole number from 1 to 12, not 'four'"),
        ({"from": "26/08/2024"}, "from must be a date like 2024-09-04"),
        ({"week": "4"}, "week: not a parameter of the forward look (it takes weeks, from, note)"),
        ({"note": "x" * 301}, "note must be text of at most 300 characters"),
    ],
)
def test_bad_params_are_refused_at_entry_with_a_message(params, message):
    with pytest.raises(ValidationError) as error:
        validate_params("engagement", params)
    assert message in " ".join(error.value.messages)


@pytest.mark.parametrize(
    "params", [{}, {"weeks": "12"}, {"from": "2024-08-26", "weeks": "1"}, {"note": "As usual"}]
)
def test_good_params_pass(params):
    validate_params("engagement", params)


@pytest.fixture
def meeting(db):
    Programme.objects.update_or_create(
        pk=1, defaults={"name": "MHHS", "reporting_date": date(2024, 8, 28)}
    )
    return MeetingFactory(number=36, date=date(2024, 9, 4), title="Programme Steering Group #36")


def _section_html(meeting, edition="full"):
    rendered = render_edition(build_context(meeting, version_label="v1.0"), edition)
    found = [s for s in rendered.sections if s.section_type == "engagement"]
    return (found[0].html if found else None), rendered


def test_defaults_to_four_weeks_from_the_monday_of_the_reporting_week(meeting):
    PackSectionFactory(
        meeting=meeting,
        section_type="engagement",
        title="Planned engagement – 4-week forward look",
        params={"note": "Engagement will continue as normal"},
    )
    EngagementEventFactory(title="Elexon Account Meeting", date=date(2024, 9, 10))
    EngagementEventFactory(title="Beyond the look", date=date(2024, 9, 23))
    html, _ = _section_html(meeting)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "26/08/24" in text and "20/09/24" in text and "23/09/24" not in text
    assert "Late Summer Bank Holiday" in text
    assert "PSG 36" in text and "Elexon Account Meeting" in text
    assert "Beyond the look" not in text
    assert "Central Parties" in text  # the category in words, not colour alone
    assert "Engagement will continue as normal" in text
    assert "<a " not in html  # the PDF's boxes are not links to portal pages
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # never an ISO date


def test_from_and_weeks_move_the_window(meeting):
    PackSectionFactory(
        meeting=meeting, section_type="engagement", params={"from": "2024-09-11", "weeks": "1"}
    )
    EngagementEventFactory(title="In the week", date=date(2024, 9, 13))
    EngagementEventFactory(title="The week before", date=date(2024, 9, 6))
    html, _ = _section_html(meeting)
    assert "In the week" in html and "The week before" not in html
    assert "09/09/24" in html and "16/09/24" not in html


def test_a_window_with_nothing_in_it_is_left_out_not_printed_empty(meeting):
    section = PackSectionFactory(
        meeting=meeting, section_type="engagement", params={"from": "2030-01-07"}
    )
    html, rendered = _section_html(meeting, edition="public")
    assert html is None
    assert [s.key for s in rendered.empty] == [section.key]


@pytest.mark.slow
def test_the_demo_pack_prints_the_real_forward_look_in_both_editions(db, settings):
    load_programme(settings.DEMO_PROGRAMME_DIR)
    pack = render_pack(meeting_by_name("PSG 36"), version_label="v1.0")
    for edition, rendered in pack.editions.items():
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(rendered.pdf)).pages]
        [page] = [p for p in pages if "Within the period 26/08/24 to 20/09/24" in p]
        text = re.sub(r"\s+", " ", page)
        assert "Planned engagement – 4-week forward look" in text, edition
        for expected in (
            "Bank Holiday",
            "PSG 36",
            "Cohort F execution modelling meeting",
            "Change Board",
            "Avanade weekly catch up",
            "FTIG",
            "Ofgem follow up meeting",
            "Present outcome of Code Body meeting",
            "Engage St Clements",
            "Engagement will continue as normal through PPC bilateral sessions and "
            "governance groups where required",
        ):
            assert expected in text, (edition, expected)
        assert text.count("FTIG") >= 4 and text.count("Avanade weekly catch up") == 4
