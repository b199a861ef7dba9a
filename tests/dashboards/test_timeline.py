"""The timeline: the view of the register (filters, link from the register page) and the pack's
`timeline` section (parameters, page-sized charts, the same partial as the web page)."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dashboards import charts
from dashboards.packs.registry import PackContext, Section, renderer_for, validate_params
from dashboards.timeline import PACK_ROWS, build_timeline, default_window, window
from meetings.selectors import meeting_by_name
from tests.factories import ForumFactory
from tests.meetings.factories import MeetingFactory
from tests.milestones.factories import MilestoneFactory, PlanActivityFactory

pytestmark = pytest.mark.django_db
ON = date(2024, 8, 28)


@pytest.fixture
def reporting(monkeypatch):
    monkeypatch.setattr("dashboards.timeline_views.reporting_date", lambda: ON)
    return ON


@pytest.fixture
def observer(world, client_for):
    return client_for(world.users["observer"])


@pytest.mark.parametrize(
    "date_from, date_to, expected",
    [
        (None, None, (date(2024, 7, 22), date(2024, 10, 20))),
        (date(2024, 9, 2), None, (date(2024, 9, 2), date(2024, 12, 1))),
        (None, date(2024, 12, 1), (date(2024, 9, 2), date(2024, 12, 1))),
        (date(2024, 1, 1), date(2024, 2, 1), (date(2024, 1, 1), date(2024, 2, 1))),
    ],
)
def test_window(date_from, date_to, expected):
    assert window(ON, date_from, date_to) == expected
    assert default_window(ON) == (date(2024, 7, 22), date(2024, 10, 20))


def test_view_draws_register_and_plan_filtered_like_the_register(reporting, observer):
    sitag, qag = ForumFactory(code="SITAG"), ForumFactory(code="QAG")
    MilestoneFactory(
        reference="T3-TE-0040",
        forum=sitag,
        title="SIT Non-Functional Testing Start",
        baseline_date=date(2024, 9, 2),
        forecast_date=date(2024, 10, 7),
    )
    MilestoneFactory(reference="T3-QU-0113", forum=qag, baseline_date=date(2024, 9, 3))
    MilestoneFactory(reference="T3-QU-0999", forum=qag, baseline_date=date(2025, 6, 1))
    PlanActivityFactory(title="2-week impact assessment")
    page = observer.get(reverse("milestone-timeline")).content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "T3-TE-0040" in page and "T3-QU-0113" in page and "T3-QU-0999" not in page
    assert "2-week impact assessment" in page and "SITAG milestones" in page
    assert "Week commencing 22/07/24 to 20/10/24" in page
    only_sitag = observer.get(reverse("milestone-timeline"), {"forum": "SITAG"}).content.decode()
    assert "T3-TE-0040" in only_sitag and "T3-QU-0113" not in only_sitag
    register_only = observer.get(reverse("milestone-timeline"), {"show": "register"}).content
    assert b"2-week impact assessment" not in register_only
    plan_only = observer.get(reverse("milestone-timeline"), {"show": "plan"}).content
    assert b"T3-TE-0040" not in plan_only and b"2-week impact assessment" in plan_only


def test_view_lanes_and_bad_filters(reporting, observer):
    PlanActivityFactory(
        lane="Milestones", title="PSG update", kind="decision", end_date=date(2024, 9, 23)
    )
    PlanActivityFactory(lane="SIT Functional", title="Sprint 4.1", kind="dependency")
    page = observer.get(reverse("milestone-timeline"), {"lanes": ["SIT Functional"]}).content
    assert b"Sprint 4.1" in page and b"PSG update</text>" not in page
    bad = observer.get(
        reverse("milestone-timeline"), {"date_from": "2024-10-01", "date_to": "2024-09-01"}
    )
    assert bad.status_code == 200 and b"must be on or before" in bad.content
    too_long = observer.get(
        reverse("milestone-timeline"), {"date_from": "2020-01-01", "date_to": "2024-01-01"}
    )
    assert b"at most 104 weeks" in too_long.content
    assert observer.get(reverse("milestone-timeline"), {"lanes": ["Nope"]}).status_code == 200
    nothing = observer.get(reverse("milestone-timeline"), {"date_from": "2030-01-06"})
    assert b"Nothing in this window" in nothing.content


def test_register_and_plan_pages_link_to_the_timeline_with_their_filters(observer):
    page = observer.get(reverse("milestone-list"), {"forum": "QAG", "tier": "T3"}).content.decode()
    assert f'href="{reverse("milestone-timeline")}?forum=QAG&amp;tier=T3"' in page
    plan = observer.get(reverse("plan-list"), {"date_from": "2024-08-01"}).content.decode()
    assert f'href="{reverse("milestone-timeline")}"' in plan


def test_anonymous_is_sent_to_sign_in(client_for):
    response = client_for(None).get(reverse("milestone-timeline"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- the pack section ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, message",
    [
        ({"lanes": "Nope"}, "no plan lane Nope"),
        ({"register": "XYZ"}, "not a forum code"),
        ({"from": "22/07/2024"}, "a date like"),
        ({"weeks_before": "x"}, "whole number"),
        ({"colour": "red"}, "unknown parameter colour"),
    ],
)
def test_section_params_are_checked(params, message):
    PlanActivityFactory(lane="Milestones")
    with pytest.raises(ValidationError, match=message):
        validate_params("timeline", params)


def test_section_params_accepted():
    PlanActivityFactory(lane="Milestones")
    ForumFactory(code="SITAG")
    validate_params("timeline", {"lanes": "Milestones", "register": "sitag", "from": "2024-07-22"})
    validate_params("timeline", {"register": "all", "weeks_before": "5", "weeks_after": "8"})


def _render(meeting, params, title="M10 Planning Update: plan timeline"):
    renderer = renderer_for("timeline")
    section = Section("section-1", "timeline", title, "public", params)
    ctx = PackContext(
        meeting=meeting,
        as_of=timezone.make_aware(datetime(2024, 8, 30)),
        reporting_date=ON,
        previous_meeting=None,
        next_meeting=None,
        version_label="v1.0",
    )
    context = renderer.context(section, ctx)
    return context, render_to_string(renderer.template, {"section": section, **context})


def test_demo_section_is_the_m10_slide_on_pages_that_fit():
    call_command("load_programme")
    meeting = meeting_by_name("PSG 36")
    context, html = _render(meeting, {"from": "2024-07-22", "to": "2024-10-20"})
    timeline = context["timeline"]
    assert len(timeline.activities) == 43 and not timeline.milestone_rows
    assert len(timeline.charts) == 2  # 43 rows do not fit one landscape page
    for number, chart in enumerate(timeline.charts, start=1):
        assert f"M10 Planning Update: plan timeline ({number} of 2)" in chart
        labels = chart.count(f'<text x="{charts.GANTT_LANE_WIDTH + 4}"')  # one per row
        assert 0 < labels <= PACK_ROWS
    assert html.count("<svg") == 2 and "timeline-table" in html
    # Each basis of the dates is written once, as a numbered note the rows point at.
    rows, notes = timeline.basis_notes
    assert len(rows) == 43 and len(notes) == len(set(notes)) < 43
    sprint = next(n for a, n in rows if a.title == "SIT Migration Completion Sprint 4.1")
    assert sprint == next(n for a, n in rows if a.title == "SIT Functional Completion Sprint 4.1")
    assert f'id="section-1-note-{sprint}"' in html and f'href="#section-1-note-{sprint}"' in html
    assert "Week commencing 22/07/24 to 20/10/24" in html
    assert "≈ 16/09/24" in html  # approximate dates are shown as such in the table
    assert "<script" not in html
    # With the register's SITAG milestones added.
    context, html = _render(meeting, {"register": "SITAG", "lanes": "Milestones"})
    assert {r.forum_code for r in context["timeline"].milestone_rows} == {"SITAG"}
    assert "T3-TE-0040" in html and "Register milestones shown" in html


def test_section_with_nothing_to_show_renders_nothing():
    meeting = MeetingFactory(date=date(2024, 9, 4))
    _, html = _render(meeting, {"from": "2030-01-07", "to": "2030-03-31"})
    assert html.strip() == ""
    timeline = build_timeline(
        title="x", start=date(2030, 1, 7), end=date(2030, 3, 31), reporting_date=ON
    )
    assert timeline.is_empty and timeline.charts == []
