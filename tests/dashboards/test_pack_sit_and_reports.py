"""The PSG 36 pack's SIT progress and party delivery report sections, from the demo data."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from dashboards.models import Edition
from dashboards.packs import registry
from dashboards.packs.render import build_context, render_edition
from meetings.selectors import meeting_by_name
from portal.programme_loading import load_programme

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    """The words a reader sees, cells and list items apart."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture(scope="module")
def sections(django_db_setup, django_db_blocker):
    """Every section of the demo pack's Full edition rendered once (HTML, no PDF), by title."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            load_programme(settings.DEMO_PROGRAMME_DIR)
            context = build_context(meeting_by_name("PSG 36"), version_label="v1.0")
            edition = render_edition(context, Edition.FULL)
            rendered = {s.title: s for s in edition.sections}
            transaction.set_rollback(True)
    return rendered


def test_sit_targets_print_the_real_figures(sections):
    text = _text(
        sections["SIT Progress vs. Cycle 2 Targets (SIT Functional and SIT Migration Testing)"].html
    )
    assert "SIT Functional Cycle 2 Completion Targets (to 16/08/24)" in text
    assert "SIT Migration Completion Targets (to 16/08/24)" in text
    for figure in (
        "> 85% 57% Not met",
        "> 60% 54% Not met",
        "43%–56%",
        "20%–32%",
        "38%–59%",
        "17%–35%",
        "7 of 8",
    ):
        assert figure in text, figure
    assert "≥ 5 4 of 5 Not met" in text and "≥ 4 2 of 4 Not met" in text
    assert "UMS on track to meet target. Coverage - 3 of 4 areas On track" in text
    assert "3 fastest Cohorts" in text


def test_mvc_status_and_stage_statuses(sections):
    mvc = _text(sections["SIT – MVC Status"].html)
    assert "As of 28/08/24" in mvc
    assert (
        "Supplier / Independent Agent 17 Advanced Data Services 2 9 Callisto, Energy Assets" in mvc
    )
    assert "Large, Medium, Small, I&C Supplier 8 Suppliers 2 8 British Gas, E, Edgware" in mvc
    assert "National Grid (ESO) 1 1 1 National Grid (ESO)" in mvc
    assert "CCP readiness key" not in mvc  # no readiness recorded: no key to explain
    stages = _text(sections["SIT Stage Statuses"].html)
    assert "CIT SITAG approved the CIT completion report 11-Mar-24" in stages
    assert "Cohort C is the most advanced currently at 83% steps passed" in stages
    assert "RAG" not in stages  # the colours are lost: no RAG column, none guessed


def test_cohort_trials_and_the_trial_update(sections):
    plan = _text(sections["Cohort Trial – Approach and Plan for Sprint 4.1"].html)
    assert "Objective: Use the MVC to identify and prove ways to accelerate testing" in plan
    assert "Single Cohorts’ Trials (to start in Sprint 4.1)" in plan
    assert "Cohorts B & F 1 SIT Functional Target Test" in plan
    assert "(detailed monitoring of existing ‘Settling Normally’ test)" in plan
    update = _text(sections["MVC Trial Update"].html)
    assert (
        "Evidence capture burden" in update
        and "Programme to socialise improvement proposals" in update
    )
    assert "137/198 (69%)" in update
    narrative = _text(sections["Testing Update"].html)
    assert "Emerging Themes" not in narrative and "Sprint 4.1 Progress" in narrative


def test_core_capability_provider_reports_in_the_real_packs_order(sections):
    html = sections["Core Capability Provider Delivery Reports"].html
    text = _text(html)
    order = [
        text.index(name)
        for name in (
            "(DIP)",
            "St Clements Services",
            "RECCo",
            "Data Communications Company",
            "(ElectraLink)",
        )
    ]
    assert order == sorted(order)
    assert "Helix" not in text  # requested and not received: left out (a finding says so)
    assert "IR8.1 PIT Execution Cycle 1 is completed with 97% pass rate" in text
    assert "<strong>New Requirements</strong>" in html  # DCC's own sub-headings
    assert re.search(r'<td class="ref">5 <span class="tag">NEW</span>', html)  # DCC prints 1-5
    assert "R-DCC" not in text


def test_ldso_updates_carry_counts_deliverables_and_four_escalations(sections):
    text = _text(sections["LDSO Delivery Updates"].html)
    assert "Number of organisations who reported: 6 of 6" in text
    assert "Number of organisations who reported: 8 of 14" in text
    assert text.index("8 of 14") < text.index(
        "6 of 6"
    )  # the heading-only IDNO report shares a page
    assert text.count("MHHS Programme SI ASAP MHHS Programme") == 4
    assert "Lack of published reporting requirements to be addressed" in text
    assert "Complete PIT for SIT Non-Functional" in text and "07/10/24 M10" in text
    assert "30/08 T3-QU-0076" in text
    assert "Dependency on" in text and "NFT Tooling" in text


@pytest.mark.parametrize(
    "title",
    [
        "SIT Progress vs. Cycle 2 Targets (SIT Functional and SIT Migration Testing)",
        "SIT – MVC Status",
        "SIT Stage Statuses",
        "Cohort Trial – Approach and Plan for Sprint 4.1",
        "MVC Trial Update",
        "Core Capability Provider Delivery Reports",
        "LDSO Delivery Updates",
    ],
)
def test_no_placeholder_iso_date_or_pipe_join(sections, title):
    text = _text(sections[title].html)
    for placeholder in ("Not given", "None.", "No summary", " – – ", "–</td>"):
        assert placeholder not in text, placeholder
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text)
    assert " | " not in text


@pytest.mark.parametrize(
    ("section_type", "params", "message"),
    [
        ("cohort_trials", {"sprint": "Sprint 9"}, "no cohort trial plan"),
        ("test_progress", {"sprint": "Sprint 9"}, "no cohort trial plan"),
        ("sit_targets", {"cycle": "Cycle 7"}, "no SIT completion targets for Cycle 7"),
        ("sit_mvc_status", {"as_of": "2024-01-01"}, "no SIT status as of 01/01/24"),
        ("sit_stage_status", {"as_of": "yesterday"}, "as_of must be a date"),
        ("delivery_reports", {"category": "helix"}, "category must be one of"),
    ],
)
def test_section_params_are_checked(db, section_type, params, message):
    with pytest.raises(ValidationError, match=message):
        registry.validate_params(section_type, params)


def test_sections_with_nothing_to_show_render_nothing(db):
    from datetime import date

    from tests.factories import MeetingFactory

    meeting = MeetingFactory(date=date(2024, 9, 4))
    context = build_context(meeting, version_label="v1.0")
    for section_type in (
        "sit_targets",
        "sit_mvc_status",
        "sit_stage_status",
        "cohort_trials",
        "test_progress",
        "delivery_reports",
    ):
        renderer = registry.renderer_for(section_type)
        section = registry.Section(section_type, section_type, section_type, "public")
        html = renderer.context(section, context)
        from django.template.loader import render_to_string

        assert (
            render_to_string(
                renderer.template, {"section": section, "pack": context, **html}
            ).strip()
            == ""
        )
