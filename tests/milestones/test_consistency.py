"""The milestone rules of the pre-publish check: table-driven, pure (milestones.consistency),
then the selector that feeds them the register (history, reforecasts, constant queries)."""

from dataclasses import replace
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from milestones import selectors, services
from milestones.consistency import (
    ForecastMove,
    MilestoneCheckRow,
    Status,
    classify,
    commentary_contradiction,
    milestone_findings,
    past_baseline_without_commentary,
    stale_commentary,
    without_owner,
)
from portal.findings import Severity
from tests.milestones.factories import MilestoneFactory

ON = date(2024, 8, 28)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


ROW = MilestoneCheckRow(
    reference="T3-QU-0001",
    title="Test data signed off",
    baseline_date=date(2024, 9, 30),
    forecast_date=date(2024, 9, 30),
    completed_on=None,
    responsible="Non-SIT LDSO",
    responsible_organisation="",
    commentary="",
    rag="G",
    rag_reason="Not yet due.",
    url="/milestones/1/",
)


@pytest.mark.parametrize(
    "text, status, words",
    [
        ("On track", Status.ON_TRACK, "On track"),
        ("on-track for 12/09", Status.ON_TRACK, "on-track"),
        ("Complete", Status.COMPLETE, "Complete"),
        ("Approved at QAG on 22/08/24", Status.COMPLETE, "Approved"),
        ("The milestone was achieved on 3 Sep", Status.COMPLETE, "milestone was achieved"),
        ("Date at risk due to lower test velocity", Status.AT_RISK, "at risk"),
        ("At-risk: DIP environment", Status.AT_RISK, "At-risk"),
        ("There is an increased risk to completion of SIT", Status.AT_RISK, "increased risk"),
        ("Test cases may not be ready in time", Status.AT_RISK, "may not be ready"),
        ("Status amber pending the CR", Status.AT_RISK, "Status amber"),
        ("Date will be missed due to deferral", Status.MISSED, "will be missed"),
        ("Date has been missed because of late input", Status.MISSED, "has been missed"),
        ("Date missed because of uncertainty", Status.MISSED, "missed"),
        ("Date not met because of re-planning", Status.MISSED, "not met"),
        ("Date will not be met due to scenario planning", Status.MISSED, "will not be met"),
        ("moved to a status of “Off Track”", Status.MISSED, "Off Track"),
        ("33/34 reviewed. Status red until all reviewed", Status.MISSED, "Status red"),
        ("RAG as red was requested by SRO", Status.MISSED, "RAG as red"),
        # Negations are read whole: the words inside them are not a status.
        ("Not on track: the date will not be met", Status.MISSED, "Not on track"),
        ("No longer at risk since the PIT reports arrived", Status.ON_TRACK, "No longer at risk"),
        ("Not yet complete; on track for 12/09", Status.ON_TRACK, "on track"),
        ("The first phrase wins: at risk, though on track last week", Status.AT_RISK, "at risk"),
    ],
)
def test_classify_reads_the_first_status_phrase(text, status, words):
    said = classify(text)
    assert (said.status, said.words) == (status, words)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Date re-forecast in line with short term scenario planning.",
        "Milestone date change was approved at QAG on 22/08/24",
        "Not yet complete",
        "Completion report to follow",  # "completion" is not "complete"
        "The date will not be missed",
        "There is no risk to the date",
        "Non-Functional tracking tool in place",
    ],
)
def test_classify_finds_no_status(text):
    assert classify(text) is None


@pytest.mark.parametrize(
    "commentary, rag, forecast, code",
    [
        # Agreeing: nothing to report.
        ("On track", "G", None, None),
        ("On track", "C", None, None),  # completed since: not a contradiction
        ("Complete", "C", None, None),
        ("Date at risk", "A", None, None),
        ("Date at risk, re-forecast", "R", None, None),
        ("Date will be missed", "R", None, None),
        ("Date will be missed", "A", date(2024, 10, 4), None),  # the slip is in the forecast
        ("Date re-forecast in line with scenario planning", "R", None, None),  # no status
        # Contradicting.
        ("On track", "R", None, "milestone_commentary_contradicts_rag"),
        ("On track", "A", None, "milestone_commentary_contradicts_rag"),
        ("Complete", "R", None, "milestone_commentary_contradicts_rag"),
        ("Complete", "G", None, "milestone_commentary_contradicts_rag"),
        ("Date at risk", "G", None, "milestone_commentary_contradicts_rag"),
        ("Date at risk", "C", None, "milestone_commentary_contradicts_rag"),
        ("Date will be missed", "G", None, "milestone_commentary_contradicts_rag"),
        ("Not on track", "G", None, "milestone_commentary_contradicts_rag"),
        # Missed, flagged Amber, forecast still on the baseline: the new date is missing.
        ("Date will be missed", "A", None, "milestone_missed_without_new_forecast"),
    ],
)
def test_commentary_against_rag(commentary, rag, forecast, code):
    row = replace(ROW, commentary=commentary, rag=rag, forecast_date=forecast or ROW.forecast_date)
    finding = commentary_contradiction(row)
    assert (finding.code if finding else None) == code
    if finding:
        assert finding.subject == "T3-QU-0001" and finding.url == "/milestones/1/"
        expected = Severity.GAP if "missed_without" in code else Severity.CONTRADICTION
        assert finding.severity == expected
        assert "“" in finding.message  # quotes the words it read


def test_contradiction_message_names_the_rag_and_its_reason():
    row = replace(ROW, commentary="On track", rag="R", rag_reason="Baseline date has passed.")
    message = commentary_contradiction(row).message
    assert message.startswith("The commentary says “On track”, but its RAG is Red")
    assert "(Baseline date has passed)" in message


MOVED = ForecastMove(date(2024, 9, 30), date(2024, 10, 31), _at(date(2024, 8, 20)))


@pytest.mark.parametrize(
    "written, move, weeks, stale",
    [
        (date(2024, 7, 1), MOVED, 4, True),  # 8 weeks old, forecast moved after it
        (date(2024, 7, 31), MOVED, 4, True),  # exactly 4 weeks before the reporting date
        (date(2024, 8, 1), MOVED, 4, False),  # 27 days: not yet N weeks
        (date(2024, 7, 1), MOVED, 9, False),  # N configurable
        (date(2024, 8, 21), MOVED, 1, False),  # rewritten after the forecast moved
        (date(2024, 7, 1), None, 4, False),  # the forecast never moved
        (None, MOVED, 4, False),  # no history of the commentary
    ],
)
def test_stale_commentary(written, move, weeks, stale):
    row = replace(
        ROW,
        commentary="Date will be met",
        commentary_changed_at=_at(written) if written else None,
        last_reforecast=move,
    )
    finding = stale_commentary(row, reporting_date=ON, weeks=weeks)
    assert (finding is not None) == stale
    if finding:
        assert finding.code == "milestone_commentary_stale"
        assert "moved from 30/09/24 to 31/10/24 on 20/08/24" in finding.message


@pytest.mark.parametrize(
    "baseline, completed, commentary, expected",
    [
        (date(2024, 8, 22), None, "", True),
        (date(2024, 8, 22), None, "   ", True),
        (date(2024, 8, 22), date(2024, 8, 22), "", False),  # complete
        (date(2024, 8, 22), date(2024, 8, 30), "", True),  # completed after the date
        (date(2024, 8, 28), None, "", False),  # due today: not yet past
        (date(2024, 8, 22), None, "Waiting on PPs", False),
    ],
)
def test_past_baseline_without_commentary(baseline, completed, commentary, expected):
    row = replace(ROW, baseline_date=baseline, completed_on=completed, commentary=commentary)
    finding = past_baseline_without_commentary(row, reporting_date=ON)
    assert (finding is not None) == expected
    if finding:
        assert finding.code == "milestone_no_commentary" and finding.severity == Severity.GAP


@pytest.mark.parametrize(
    "responsible, organisation, completed, expected",
    [
        ("", "", None, True),
        (" ", "", None, True),
        ("SI Test", "", None, False),
        ("", "Elexon", None, False),
        ("", "", date(2024, 8, 1), False),  # complete: nothing left to own
    ],
)
def test_without_owner(responsible, organisation, completed, expected):
    row = replace(
        ROW, responsible=responsible, responsible_organisation=organisation, completed_on=completed
    )
    finding = without_owner(row, reporting_date=ON)
    assert (finding is not None) == expected


def test_findings_in_row_order_and_weeks_validated():
    rows = [
        replace(ROW, reference="T3-QU-0001", commentary="On track", rag="R"),
        replace(ROW, reference="T3-QU-0002", responsible="", baseline_date=date(2024, 8, 1)),
    ]
    found = milestone_findings(rows=rows, reporting_date=ON)
    assert [(f.subject, f.code) for f in found] == [
        ("T3-QU-0001", "milestone_commentary_contradicts_rag"),
        ("T3-QU-0002", "milestone_no_commentary"),
        ("T3-QU-0002", "milestone_no_owner"),
    ]
    with pytest.raises(ValueError):
        milestone_findings(rows=rows, reporting_date=ON, stale_weeks=0)


# --- the selector -------------------------------------------------------------------------


@pytest.mark.django_db
def test_check_rows_read_history_and_reforecasts(pmo):
    m = MilestoneFactory(commentary="Date will be met", baseline_date=date(2024, 9, 30))
    m.history.update(history_date=_at(date(2024, 6, 3)))
    services.milestone_reforecast(
        actor=pmo,
        milestone=m,
        forecast_date=date(2024, 10, 31),
        reason="CR055",
        when=_at(date(2024, 8, 20)),
    )
    # The reforecast writes a history row too, with the same commentary: not a change.
    (row,) = selectors.check_rows(reporting_date=ON)
    assert row.commentary_changed_at.date() == date(2024, 6, 3)
    assert (row.last_reforecast.old_date, row.last_reforecast.new_date) == (
        date(2024, 9, 30),
        date(2024, 10, 31),
    )
    assert row.rag == "R" and row.url == f"/milestones/{m.pk}/"
    codes = [f.code for f in selectors.prepublish_findings(reporting_date=ON)]
    assert codes == ["milestone_commentary_stale"]
    # Rewriting the commentary answers it.
    services.milestone_update(
        actor=pmo, milestone=m, expected_version=None, commentary="Moved by CR055 to 31 Oct"
    )
    assert selectors.prepublish_findings(reporting_date=ON) == []


@pytest.mark.django_db
def test_check_rows_queries_do_not_grow_with_the_register():
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            selectors.check_rows(reporting_date=ON)
        return len(captured)

    for i in range(3):
        MilestoneFactory(commentary=f"note {i}")
    small = count()
    for i in range(30):
        m = MilestoneFactory(commentary=f"more {i}")
        m.predecessors.add(m.__class__.objects.order_by("id").first())
    assert count() == small <= 5


@pytest.mark.django_db
def test_demo_check_lists_only_what_the_pack_leaves_open():
    """On the demo, after milestone_facts.csv, the check reports exactly these (each one a
    real gap or contradiction of the pack's text: docs/milestones-rag.md says why)."""
    call_command("load_programme")
    found = {(f.subject, f.code) for f in selectors.prepublish_findings()}
    assert found == {
        ("T3-QU-0077", "milestone_no_commentary"),
        ("T3-TE-0044", "milestone_commentary_contradicts_rag"),
        ("T3-TE-0042", "milestone_commentary_contradicts_rag"),
        ("T3-QU-0113", "milestone_missed_without_new_forecast"),
        ("T2-QU-0550", "milestone_missed_without_new_forecast"),
        ("T3-QU-0007", "milestone_missed_without_new_forecast"),
        ("T3-QU-0076", "milestone_missed_without_new_forecast"),
        ("T3-TE-0082", "milestone_missed_without_new_forecast"),
    }
