"""The pure rules of SIT progress and report text, table by table."""

from decimal import Decimal as D

import pytest

from delivery.report_text import markdown_list, printed_dates, split_dependency_on
from delivery.sit_importers import measure_problems
from delivery.sit_models import SitTargetMeasure
from delivery.sit_rules import (
    assessment_conflict,
    computed_status,
    format_achieved,
    format_threshold,
    measure_status,
    target_status,
)


@pytest.mark.parametrize(
    ("comparator", "threshold", "achieved", "achieved_to", "expected"),
    [
        ("gt", D(85), D(57), None, "not_met"),  # % Tests Executed > 85%, achieved 57%
        ("gt", D(60), D(54), None, "not_met"),  # % Tests Passed > 60%, achieved 54%
        ("gt", D(85), D(85), None, "not_met"),  # ">" is strict
        ("ge", D(85), D(85), None, "met"),
        ("gt", D(85), D("85.01"), None, "met"),
        ("ge", D(5), D(4), None, "not_met"),  # 4 of 5 CoA tests
        ("ge", D(4), D(4), None, "met"),
        ("ge", D(100), D(43), D(56), "not_met"),  # a range is judged by its weaker end
        ("ge", D(40), D(43), D(56), "met"),
        ("ge", D(50), D(43), D(56), "not_met"),  # partly above is not met
        ("le", D(10), D(2), D(8), "met"),  # for "<"/"≤" the upper end decides
        ("le", D(10), D(2), D(12), "not_met"),
        ("lt", D(3), D(3), None, "not_met"),
        ("eq", D(5), D(5), None, "met"),
        ("eq", D(5), D(5), D(6), "not_met"),  # "=" needs a single value
        ("", None, D(57), None, None),  # no threshold: the figures cannot decide
        ("gt", D(85), None, None, None),  # nothing achieved recorded
    ],
)
def test_computed_status(comparator, threshold, achieved, achieved_to, expected):
    assert (
        computed_status(
            comparator=comparator, threshold=threshold, achieved=achieved, achieved_to=achieved_to
        )
        == expected
    )


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        (SitTargetMeasure(comparator="gt", threshold=D(85), achieved=D(57)), "not_met"),
        (SitTargetMeasure(assessment="on_track"), "on_track"),  # stated where figures cannot
        # the figures win where they decide; the stated forecast is checked separately
        (
            SitTargetMeasure(comparator="ge", threshold=D(5), achieved=D(4), assessment="on_track"),
            "not_met",
        ),
        (SitTargetMeasure(), None),
    ],
)
def test_measure_status(measure, expected):
    assert measure_status(measure) == expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], None),
        ([None, None], None),
        (["met", "met"], "met"),
        (["met", "not_met"], "not_met"),
        (["on_track", "on_track"], "on_track"),  # MPRS: both measures on track
        (["met", "on_track"], "on_track"),
        (["on_track", "not_met", None], "not_met"),
        (["met", None], "met"),
    ],
)
def test_target_status_rolls_up_its_measures(statuses, expected):
    assert target_status(statuses) == expected


@pytest.mark.parametrize(
    ("achieved", "achieved_to", "out_of", "unit", "expected"),
    [
        (D("57.00"), None, None, "percent", "57%"),
        (D("43"), D("56"), None, "percent", "43%–56%"),
        (D("43"), D("43"), None, "percent", "43%"),
        (D("4"), None, 5, "count", "4 of 5"),
        (D("7"), None, 8, "count", "7 of 8"),
        (D("12.5"), None, None, "percent", "12.5%"),
        (D("3"), None, None, "count", "3"),
        (None, None, None, "percent", ""),
    ],
)
def test_format_achieved(achieved, achieved_to, out_of, unit, expected):
    assert format_achieved(
        achieved=achieved, achieved_to=achieved_to, out_of=out_of, unit=unit
    ) == (expected)


@pytest.mark.parametrize(
    ("comparator", "threshold", "unit", "expected"),
    [
        ("gt", D("85.00"), "percent", "> 85%"),
        ("ge", D(100), "percent", "≥ 100%"),
        ("ge", D(5), "count", "≥ 5"),
        ("", None, "percent", ""),
    ],
)
def test_format_threshold(comparator, threshold, unit, expected):
    assert format_threshold(comparator=comparator, threshold=threshold, unit=unit) == expected


@pytest.mark.parametrize(
    ("measure", "conflict"),
    [
        (
            SitTargetMeasure(comparator="gt", threshold=D(85), achieved=D(57), assessment="met"),
            "stated as met but the figures say not met",
        ),
        (
            SitTargetMeasure(
                comparator="gt", threshold=D(85), achieved=D(90), assessment="not_met"
            ),
            "stated as not met but the figures say met",
        ),
        (
            SitTargetMeasure(
                comparator="gt", threshold=D(85), achieved=D(57), assessment="on_track"
            ),
            None,
        ),
        (
            SitTargetMeasure(
                comparator="gt", threshold=D(85), achieved=D(57), assessment="not_met"
            ),
            None,
        ),
        (SitTargetMeasure(assessment="met"), None),
    ],
)
def test_assessment_conflict(measure, conflict):
    assert assessment_conflict(measure) == conflict


@pytest.mark.parametrize(
    ("values", "columns"),
    [
        ({"comparator": "gt", "threshold": D(85), "unit": "percent", "achieved": D(57)}, []),
        ({"comparator": "gt", "threshold": None, "unit": "percent"}, ["threshold"]),
        ({"comparator": "", "threshold": D(85), "unit": "percent"}, ["threshold"]),
        ({"unit": "percent", "achieved": D(56), "achieved_to": D(43)}, ["achieved_to"]),
        ({"unit": "percent", "achieved_to": D(43)}, ["achieved_to"]),
        ({"unit": "count", "achieved": D(4), "out_of": 5}, []),
        ({"unit": "count", "achieved": D(6), "out_of": 5}, ["achieved"]),
        ({"unit": "percent", "achieved": D(4), "out_of": 5}, ["out_of"]),
        ({"unit": "percent", "achieved": D(140)}, ["achieved"]),
        ({"unit": "count", "achieved": D(140)}, []),
    ],
)
def test_measure_problems(values, columns):
    assert [column for column, _ in measure_problems(values)] == columns


@pytest.mark.parametrize(
    ("items", "markdown"),
    [
        ([], ""),
        ([("", "One"), ("", "Two")], "- One\n- Two"),
        (
            [("REC", "R0044 done."), ("REC", "R0093"), ("Capacity", "Uplift")],
            "**REC**\n\n- R0044 done.\n- R0093\n\n**Capacity**\n\n- Uplift",
        ),
        ([("", "Costs/Operational *impact* [x]")], "- Costs/Operational \\*impact\\* \\[x\\]"),
    ],
)
def test_markdown_list(items, markdown):
    assert markdown_list(items) == markdown


def test_markdown_list_renders_as_printed():
    from meetings.markdown import render_markdown

    html = render_markdown(markdown_list([("SIT Participant", "P1_fix *now*"), ("Non-SIT", "B")]))
    assert "<strong>SIT Participant</strong>" in html
    assert "<li>P1_fix *now*</li>" in html and "<em>" not in html


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        (
            "NFT Tooling to manage volumes [Dependency On: NFT Tooling]",
            ("NFT Tooling to manage volumes", "NFT Tooling"),
        ),
        ("Plain dependency", ("Plain dependency", "")),
        ("A [note] in the middle", ("A [note] in the middle", "")),
    ],
)
def test_split_dependency_on(description, expected):
    assert split_dependency_on(description) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024-09-18 (SIT Operational Test Scenarios approved)",
            "18/09/24 (SIT Operational Test Scenarios approved)",
        ),
        ("(2024-07-12) 2024-09-27", "(12/07/24) 27/09/24"),
        ("Q3 2024", "Q3 2024"),
        ("-", ""),
    ],
)
def test_printed_dates(text, expected):
    assert printed_dates(text) == expected


def test_lines_ignore_blank_and_padded_lines():
    from delivery.sit_models import lines_of

    assert lines_of("  one \n\n two\n") == ["one", "two"]
