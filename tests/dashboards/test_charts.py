"""The SVG chart module: well-formed, accessible, never colour alone, no scripts or styles."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from dashboards import charts
from dashboards.charts import GanttItem, ProgressItem, Series, SlipItem

NS = "{http://www.w3.org/2000/svg}"

GANTT_ITEMS = [
    GanttItem("Milestones", "PSG update", date(2024, 9, 4), kind="decision"),
    GanttItem("Milestones", "Publish tactical plan", date(2024, 8, 6), kind="milestone"),
    GanttItem(
        "Change Request development",
        "2-week impact assessment",
        date(2024, 9, 23),
        date(2024, 10, 4),
    ),
    GanttItem(
        "Comms and Engagement",
        "Pre-CR engagement <governance> & co",
        date(2024, 8, 19),
        date(2024, 9, 20),
        kind="review",
        approximate=True,
    ),
    GanttItem("SIT Functional", "SIT(F) S3, C2", date(2024, 7, 8), date(2024, 8, 2), "dependency"),
    GanttItem("SIT Settlement", "SIT NF (SIT-B)", date(2024, 10, 7), None, "dependency"),
    GanttItem(
        "SITAG milestones",
        "T3-TE-0040 SIT Non-Functional Testing Start",
        date(2024, 10, 7),
        kind="milestone",
        status="R",
        baseline=date(2024, 9, 2),
    ),
    # Outside the window: left out.
    GanttItem("Milestones", "PSG 37 approval", date(2024, 11, 6), kind="decision"),
    GanttItem("Milestones", "Old activity", date(2024, 5, 1), date(2024, 6, 1)),
]

CHARTS = {
    "bar": lambda: charts.bar_chart(
        title="Budget by party",
        desc="MHHS over budget",
        categories=["MHHS", "DCC & co"],
        series=[Series("Budget", [23.58, 11.33]), Series("Actual/forecast", [23.58, None])],
    ),
    "stacked": lambda: charts.stacked_bar_chart(
        title="RAG by forum",
        desc="Mostly red",
        categories=["SITAG T3", "QAG T3"],
        series=[
            Series("Red", [14, 16], *charts.RAG_SERIES_STYLE["R"]),
            Series("Green", [5, 8], *charts.RAG_SERIES_STYLE["G"]),
        ],
    ),
    "slippage": lambda: charts.slippage_chart(
        title="Slippage",
        desc="Two slipped",
        items=[
            SlipItem("T2-TE-0800", date(2024, 10, 1), date(2024, 12, 29)),
            SlipItem("T1-RE-1000", date(2024, 8, 23), date(2024, 8, 23)),
        ],
    ),
    "line": lambda: charts.line_chart(
        title="Spend",
        desc="Rising",
        x_labels=["Apr", "May", "Jun"],
        series=[Series("Budget", [1, 2, 3]), Series("Actual", [1, None, 4])],
    ),
    "gantt": lambda: charts.gantt_chart(
        title="M10 plan",
        desc="CR issued 23/09",
        items=GANTT_ITEMS,
        start=date(2024, 7, 22),
        end=date(2024, 10, 20),
        today=date(2024, 8, 28),
    ),
    "progress": lambda: charts.progress_chart(
        title="Trials",
        desc="137 of 198",
        items=[ProgressItem("ST0030 A", 137, 198), ProgressItem("TC03 A", 100, 100, "100%")],
    ),
}


@pytest.mark.parametrize("name", CHARTS)
def test_chart_is_accessible_svg(name):
    svg = str(CHARTS[name]())
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert (
        "<script" not in svg
        and "style=" not in svg
        and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )


def test_series_differ_by_pattern_and_label_not_colour_alone():
    svg = str(CHARTS["stacked"]())
    assert "<pattern" in svg  # red is cross-hatched, green solid
    assert ">Red</text>" in svg and ">Green</text>" in svg
    assert ">14</text>" in svg  # segment counts are written


def test_values_and_slip_are_written_out():
    assert ">23.58</text>" in str(CHARTS["bar"]())
    slip = str(CHARTS["slippage"]())
    assert "+89 d" in slip and "on baseline" in slip
    progress = str(CHARTS["progress"]())
    assert "137/198 (69%)" in progress and ">100%</text>" in progress


def test_text_is_escaped_and_ids_are_unique_per_chart():
    svg = str(CHARTS["bar"]())
    assert "DCC &amp; co" in svg
    other = charts.bar_chart(title="Other", desc="d", categories=["x"], series=[Series("a", [1])])
    assert ET.fromstring(svg).find(f"{NS}title").get("id") != ET.fromstring(str(other)).find(
        f"{NS}title"
    ).get("id")


def test_empty_chart_says_so():
    svg = str(charts.bar_chart(title="Nothing", desc="none", categories=[], series=[]))
    assert "No data to chart." in svg


def test_gantt_draws_weeks_lanes_bars_and_marks():
    svg = str(CHARTS["gantt"]())
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{NS}text") if t.text]
    # Week columns headed "week commencing", Mondays from 22/07 to 14/10 (13 weeks).
    assert "Week commencing" in texts
    weeks = [t for t in texts if len(t) == 5 and t[2] == "/"]
    assert weeks[0] == "22/07" and weeks[-1] == "14/10" and len(weeks) == 13
    # Lanes in the order items first name them (a long name wraps), each drawn once.
    for lane in ("Milestones", "Comms and", "Functional", "Settlement"):  # names wrap
        assert texts.count(lane) == 1, lane
    assert texts.index("Milestones") < texts.index("Functional")
    # The real pack's key, the approximate mark and the reporting date.
    for key in (
        "Iterative review / engagement",
        "Decision / Approval / Meeting",
        "Milestone",
        "Dependency",
        "Key Activity",
        "≈ dates approximate",
        "Reporting date 28/08/24",
    ):
        assert key in texts, key
    titles = [t.text for t in root.iter(f"{NS}title") if t.text]
    assert any(t.startswith("PSG update: Decision / Approval / Meeting, 04/09/24") for t in titles)
    assert "Pre-CR engagement &lt;governance&gt; &amp; co ≈" in svg  # escaped, marked ≈
    assert any("about 19/08/24 to 20/09/24" in t for t in titles)
    assert any("SIT NF (SIT-B): Dependency, 07/10/24 onwards" in t for t in titles)
    # Items outside the window are left out.
    assert "PSG 37 approval" not in svg and "Old activity" not in svg


def test_gantt_marks_are_shapes_and_words_not_colour_alone():
    root = ET.fromstring(str(CHARTS["gantt"]()))
    paths = list(root.iter(f"{NS}path"))
    diamonds = [p for p in paths if p.find(f"{NS}title") is not None]
    assert len(diamonds) == 2  # the plan's milestone and the register milestone
    register = next(p for p in diamonds if "T3-TE-0040" in p.find(f"{NS}title").text)
    assert register.get("fill") == charts.RAG_SERIES_STYLE["R"][0]
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "R" in texts  # the RAG letter beside the diamond
    marked = [c.find(f"{NS}title") for c in root.iter(f"{NS}circle")]
    assert "Baseline 02/09/24" in [t.text for t in marked if t is not None]
    dashed = [r for r in root.iter(f"{NS}rect") if r.get("stroke-dasharray") == "3 2"]
    assert len(dashed) >= 2  # the approximate bar and its key
    # Bars cut by the window's edges end in chevrons: S3 began before, SIT NF runs on.
    chevrons = [p for p in paths if p.find(f"{NS}title") is None and p.get("fill") != "#fff"]
    assert len(chevrons) >= 2
    line = [x for x in root.iter(f"{NS}line") if x.get("stroke") == "#a4002a"]
    assert len(line) == 2  # the reporting-date line and its key


def test_gantt_with_nothing_in_the_window_says_so():
    svg = str(
        charts.gantt_chart(
            title="Empty",
            desc="none",
            items=[GanttItem("Lane", "Before", date(2024, 1, 1), date(2024, 1, 5))],
            start=date(2024, 7, 22),
            end=date(2024, 10, 20),
        )
    )
    assert "No data to chart." in svg
