"""RAG rules: every branch and date boundary, each with its reason in words."""

from datetime import date

import pytest

from milestones.rag import (
    MilestoneFacts,
    Node,
    PredecessorFacts,
    displayed,
    evaluate,
    evaluate_all,
    tolerances,
)

TOL = {"T1": 0, "T2": 5, "T3": 10}
# Wed 28 Aug 2024 is the demo's reporting date; Mon 26 Aug 2024 was the summer bank holiday.
ON = date(2024, 8, 28)


def facts(**kw):
    base = {
        "reference": "T3-DB-0001",
        "tier": "T3",
        "baseline_date": date(2024, 9, 30),
        "forecast_date": date(2024, 9, 30),
    }
    base.update(kw)
    return MilestoneFacts(**base)


def pred(ref="T3-DB-0002", forecast=date(2024, 9, 20), completed=None, rag="G"):
    return PredecessorFacts(ref, forecast, completed, rag)


@pytest.mark.parametrize(
    "case, kw, expected, reason_part",
    [
        # C: completed on or before the evaluation date (boundary: on the date itself).
        ("completed before", {"completed_on": date(2024, 8, 1)}, "C", "Completed on 01 Aug 2024"),
        ("completed on the day", {"completed_on": ON}, "C", "Completed on 28 Aug 2024"),
        (
            "completed after the date is not complete yet",
            {
                "completed_on": date(2024, 8, 29),
                "baseline_date": date(2024, 8, 20),
                "forecast_date": date(2024, 8, 20),
            },
            "R",
            "has passed",
        ),
        (
            "complete wins over a passed baseline",
            {
                "completed_on": date(2024, 8, 27),
                "baseline_date": date(2024, 5, 30),
                "forecast_date": date(2024, 5, 30),
            },
            "C",
            "Completed",
        ),
        # R: baseline passed (boundary: baseline on the evaluation date has not passed).
        (
            "baseline yesterday",
            {"baseline_date": date(2024, 8, 27), "forecast_date": date(2024, 8, 27)},
            "R",
            "Baseline date 27 Aug 2024 has passed",
        ),
        ("baseline today", {"baseline_date": ON, "forecast_date": ON}, "G", "Not yet due"),
        # T3 tolerance 10 working days (baseline Mon 30 Sep 2024).
        (
            "T3 10 working days late",
            {"forecast_date": date(2024, 10, 14)},
            "A",
            "10 working days after baseline 30 Sep 2024, within the T3 tolerance of 10",
        ),
        (
            "T3 11 working days late",
            {"forecast_date": date(2024, 10, 15)},
            "R",
            "11 working days after baseline 30 Sep 2024, beyond the T3 tolerance of 10",
        ),
        # T2 tolerance 5 working days.
        (
            "T2 5 late",
            {"tier": "T2", "reference": "T2-DB-0001", "forecast_date": date(2024, 10, 7)},
            "A",
            "within the T2 tolerance of 5",
        ),
        (
            "T2 6 late",
            {"tier": "T2", "reference": "T2-DB-0001", "forecast_date": date(2024, 10, 8)},
            "R",
            "beyond the T2 tolerance of 5",
        ),
        # T1 tolerance 0: one working day late is Red; a weekend-only slip is 0 days, Amber.
        (
            "T1 1 late",
            {"tier": "T1", "reference": "T1-RE-1000", "forecast_date": date(2024, 10, 1)},
            "R",
            "1 working day after baseline 30 Sep 2024, beyond the T1 tolerance of 0",
        ),
        (
            "T1 Fri to Sat",
            {
                "tier": "T1",
                "reference": "T1-RE-1000",
                "baseline_date": date(2024, 9, 27),
                "forecast_date": date(2024, 9, 28),
            },
            "A",
            "0 working days after baseline 27 Sep 2024, within the T1 tolerance of 0",
        ),
        # Forecast earlier than baseline: Green.
        ("forecast early", {"forecast_date": date(2024, 9, 20)}, "G", "on or before baseline"),
        # A: the PMO's flag.
        ("at risk", {"at_risk": True}, "A", "PMO has flagged it at risk"),
        # A: a predecessor forecast after this forecast (boundary: the same day is fine).
        (
            "predecessor later",
            {"predecessors": (pred(forecast=date(2024, 10, 1)),)},
            "A",
            "Predecessor T3-DB-0002 is forecast for 01 Oct 2024, "
            "after this forecast of 30 Sep 2024",
        ),
        (
            "predecessor same day",
            {"predecessors": (pred(forecast=date(2024, 9, 30)),)},
            "G",
            "Not yet due",
        ),
        (
            "completed predecessor's late forecast does not count",
            {
                "predecessors": (
                    pred(forecast=date(2024, 10, 1), completed=date(2024, 8, 1), rag="C"),
                )
            },
            "G",
            "Not yet due",
        ),
        # A: a predecessor is Red.
        (
            "predecessor red",
            {"predecessors": (pred(rag="R"),)},
            "A",
            "Predecessor T3-DB-0002 is Red",
        ),
        ("predecessor amber is not enough", {"predecessors": (pred(rag="A"),)}, "G", "Not yet due"),
        # Red keeps the amber reasons too, so nothing is hidden.
        (
            "red and at risk",
            {"baseline_date": date(2024, 8, 1), "forecast_date": date(2024, 8, 1), "at_risk": True},
            "R",
            "PMO has flagged it at risk",
        ),
    ],
)
def test_rule(case, kw, expected, reason_part):
    result = evaluate(facts(**kw), ON, TOL)
    assert result.value == expected, (case, result)
    assert reason_part in result.reason, (case, result.reason)


def test_tolerances_configurable(settings):
    settings.MILESTONE_TOLERANCE_WORKING_DAYS = {"T3": 2}
    assert tolerances() == {"T1": 0, "T2": 5, "T3": 2}
    late = facts(forecast_date=date(2024, 10, 3))  # 3 working days late
    assert evaluate(late, ON).value == "R"
    settings.MILESTONE_TOLERANCE_WORKING_DAYS = {}
    assert evaluate(late, ON).value == "A"


def test_override_is_shown_with_computed_value_and_reason():
    computed = evaluate(facts(baseline_date=date(2024, 8, 1), forecast_date=date(2024, 8, 1)), ON)
    shown = displayed(computed, "A", "SRO asked for Amber pending the CR")
    assert (shown.value, shown.is_override, shown.computed.value) == ("A", True, "R")
    assert "SRO asked for Amber pending the CR" in shown.reason
    assert "computed Red" in shown.reason
    plain = displayed(computed)
    assert (plain.value, plain.is_override) == ("R", False)


def _node(ref, *, baseline, forecast=None, preds=(), override="", reason="", completed=None):
    return Node(
        ref,
        ref[:2],
        baseline,
        forecast or baseline,
        completed,
        False,
        override,
        reason,
        tuple(preds),
    )


def test_graph_red_propagates_as_amber_downstream():
    nodes = {
        1: _node("T3-DB-0001", baseline=date(2024, 8, 1)),  # red: baseline passed
        2: _node("T3-DB-0002", baseline=date(2024, 9, 30), preds=[1]),
        3: _node("T3-DB-0003", baseline=date(2024, 10, 30), preds=[2]),
    }
    results = evaluate_all(nodes, ON, TOL)
    assert [results[k].value for k in (1, 2, 3)] == ["R", "A", "G"]
    assert "Predecessor T3-DB-0001 is Red" in results[2].reason


def test_graph_override_of_predecessor_counts():
    nodes = {
        1: _node("T3-DB-0001", baseline=date(2024, 8, 1), override="G", reason="Agreed"),
        2: _node("T3-DB-0002", baseline=date(2024, 9, 30), preds=[1]),
    }
    results = evaluate_all(nodes, ON, TOL)
    assert results[1].value == "G" and results[1].computed.value == "R"
    assert results[2].value == "G"


def test_graph_survives_a_cycle_and_a_long_chain():
    cyc = {
        1: _node("T3-DB-0001", baseline=date(2024, 9, 30), preds=[2]),
        2: _node("T3-DB-0002", baseline=date(2024, 9, 30), preds=[1]),
    }
    assert set(evaluate_all(cyc, ON, TOL)) == {1, 2}
    chain = {
        i: _node(f"T3-DB-{i:04d}", baseline=date(2024, 9, 30), preds=[i - 1] if i else [])
        for i in range(5000)
    }
    chain[0] = _node("T3-DB-0000", baseline=date(2024, 8, 1))
    results = evaluate_all(chain, ON, TOL)
    assert results[1].value == "A" and results[4999].value == "G"


# Forecast RAG: evaluated at the PSG (4 Sep) from the data as of the reporting date (28 Aug).
PSG = date(2024, 9, 4)
DUE_29 = {"baseline_date": date(2024, 8, 29), "forecast_date": date(2024, 8, 29)}


@pytest.mark.parametrize(
    "label, kw, projected_from, value, reason",
    [
        ("on track, due before the PSG", DUE_29, ON, "C", "Projected complete on 29 Aug 2024"),
        (
            "due on the reporting date",
            {"baseline_date": ON, "forecast_date": ON},
            ON,
            "C",
            "Projected complete on 28 Aug 2024",
        ),
        (
            "due on the PSG day",
            {"baseline_date": PSG, "forecast_date": PSG},
            ON,
            "C",
            "Projected complete on 04 Sep 2024",
        ),
        (
            "late but forecast before the PSG",
            {"baseline_date": date(2024, 8, 23), "forecast_date": date(2024, 9, 2), "tier": "T1"},
            ON,
            "C",
            "Projected complete on 02 Sep 2024",
        ),
        (
            "flagged at risk: not projected",
            {**DUE_29, "at_risk": True, "at_risk_reason": "will be missed"},
            ON,
            "R",
            "PMO has flagged it at risk: will be missed.",
        ),
        (
            "forecast after the PSG",
            {"baseline_date": date(2024, 9, 5), "forecast_date": date(2024, 9, 5)},
            ON,
            "G",
            "Not yet due",
        ),
        (
            "stale forecast, before the reporting date",
            {"baseline_date": date(2024, 8, 22), "forecast_date": date(2024, 8, 22)},
            ON,
            "R",
            "Baseline date 22 Aug 2024 has passed",
        ),
        ("no projection asked", DUE_29, None, "R", "Baseline date 29 Aug 2024 has passed"),
        ("same day: nothing to project", DUE_29, PSG, "R", "has passed"),
        (
            "completed before the reporting date",
            {**DUE_29, "completed_on": date(2024, 8, 27)},
            ON,
            "C",
            "Completed on 27 Aug 2024.",
        ),
        (
            "waits on a predecessor forecast later",
            {**DUE_29, "predecessors": (pred(forecast=date(2024, 9, 10), rag="G"),)},
            ON,
            "R",
            "Predecessor T3-DB-0002 is forecast for 10 Sep 2024",
        ),
        (
            "predecessor itself projected complete",
            {**DUE_29, "predecessors": (pred(forecast=date(2024, 9, 2), rag="C"),)},
            ON,
            "C",
            "Projected complete on 29 Aug 2024",
        ),
    ],
)
def test_forecast_rag_projects_on_track_milestones_due_by_then(
    label, kw, projected_from, value, reason
):
    result = evaluate(facts(**kw), PSG, TOL, projected_from=projected_from)
    assert result.value == value, label
    assert reason in result.reason, label


def test_graph_projection_reaches_successors():
    nodes = {
        1: _node("T3-DB-0001", baseline=date(2024, 8, 29)),
        2: _node("T3-DB-0002", baseline=date(2024, 8, 30), preds=[1]),
        3: _node("T3-DB-0003", baseline=date(2024, 9, 20), preds=[2]),
    }
    results = evaluate_all(nodes, PSG, TOL, projected_from=ON)
    assert [results[k].value for k in (1, 2, 3)] == ["C", "C", "G"]
    assert [r.value for r in evaluate_all(nodes, PSG, TOL).values()] == ["R", "R", "A"]
