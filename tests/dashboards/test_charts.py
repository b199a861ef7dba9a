"""The SVG chart module: well-formed, accessible, never colour alone, no scripts or styles."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from dashboards import charts
from dashboards.charts import ProgressItem, Series, SlipItem

NS = "{http://www.w3.org/2000/svg}"

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
