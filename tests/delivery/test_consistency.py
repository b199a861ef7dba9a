"""Pre-publish rules for delivery reports and SIT progress, table by table (no database)."""

import re
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from delivery.consistency import EscalationFacts, ReportFacts, report_findings, sit_findings
from delivery.sit_models import (
    SitDashboard,
    SitStageStatus,
    SitTarget,
    SitTargetMeasure,
    SitTargetSet,
)
from delivery.sit_rules import measure_view
from delivery.sit_selectors import DashboardView, TargetSetView, TargetView

TODAY = date(2024, 9, 2)
AUG = date(2024, 8, 1)


def _report(**kwargs):
    values = {"subject": "DIP", "period": AUG, "status": "accepted", "due_date": date(2024, 8, 23)}
    return ReportFacts(**{**values, **kwargs})


ESCALATION = EscalationFacts(
    "Lack of published reporting requirements", "MHHS Programme SI", "MHHS Programme"
)


@pytest.mark.parametrize(
    ("report", "codes"),
    [
        (_report(), []),
        (_report(status="requested"), ["delivery_report.not_received"]),  # Helix
        (_report(status="draft"), ["delivery_report.not_received"]),
        (_report(status="returned"), ["delivery_report.not_received"]),
        (_report(status="submitted"), ["delivery_report.not_accepted"]),
        (_report(has_content=False), ["delivery_report.no_content"]),
        (_report(escalations=(ESCALATION,)), []),
        (
            _report(escalations=(EscalationFacts("Plan needed", "MHHS Programme SI", " "),)),
            ["delivery_report.escalation_without_owner"],
        ),
        (
            _report(escalations=(EscalationFacts("Plan needed", "", ""),)),
            [
                "delivery_report.escalation_without_owner",
                "delivery_report.escalation_without_recipient",
            ],
        ),
        (  # iDNOs: 8 of 14 reported, the register has 13
            _report(
                organisations_expected=14,
                organisations_reported=8,
                register_parties=13,
                constituency="iDNOs",
            ),
            ["delivery_report.count_differs_from_register"],
        ),
        (_report(organisations_expected=6, organisations_reported=6, register_parties=6), []),
        (_report(organisations_expected=6, organisations_reported=6), []),  # no register count
        # an unreceived report's content is not judged: it is not printed
        (
            _report(
                status="requested", has_content=False, escalations=(EscalationFacts("x", "", ""),)
            ),
            ["delivery_report.not_received"],
        ),
    ],
)
def test_report_findings(report, codes):
    assert [f.code for f in report_findings(reports=[report], today=TODAY)] == codes


@pytest.mark.parametrize(
    ("due", "status", "words"),
    [
        (date(2024, 8, 23), "requested", "has not been submitted and is overdue"),
        (date(2024, 9, 10), "requested", "has not been submitted;"),
        (date(2024, 8, 23), "returned", "was returned for rework"),
    ],
)
def test_not_received_says_why_and_whether_late(due, status, words):
    (finding,) = report_findings(reports=[_report(status=status, due_date=due)], today=TODAY)
    assert words in finding.message and "the pack leaves it out" in finding.message
    assert finding.severity == "gap"


def _set(*targets, cut_off=date(2024, 8, 16)):
    target_set = SitTargetSet(title="SIT Migration Completion Targets", cut_off=cut_off)
    view = TargetSetView(target_set)
    for number, measures in enumerate(targets, start=1):
        views = [measure_view(m) for m in measures]
        view.targets.append(TargetView(SitTarget(number=number, statement="s"), views, None))
    return view


@pytest.mark.parametrize(
    ("measures", "reporting_date", "codes"),
    [
        (
            [
                SitTargetMeasure(
                    measure="% Executed", comparator="gt", threshold=D(85), achieved=D(57)
                )
            ],
            date(2024, 8, 28),
            [],
        ),
        (
            [
                SitTargetMeasure(
                    measure="% Executed",
                    comparator="gt",
                    threshold=D(85),
                    achieved=D(57),
                    assessment="met",
                )
            ],
            date(2024, 8, 28),
            ["sit_target.assessment_contradicts_figures"],
        ),
        (
            [SitTargetMeasure(measure="UMS", result="UMS on track to meet target.")],
            date(2024, 8, 28),
            [],
        ),
        ([SitTargetMeasure(measure="UMS", assessment="on_track")], date(2024, 8, 28), []),
        ([SitTargetMeasure(measure="UMS")], date(2024, 8, 28), ["sit_target.no_outcome"]),
        ([SitTargetMeasure(measure="UMS")], date(2024, 8, 10), []),  # before the cut-off
    ],
)
def test_sit_target_findings(measures, reporting_date, codes):
    findings = sit_findings(
        target_sets=[_set(measures)], dashboard=None, reporting_date=reporting_date
    )
    assert [f.code for f in findings] == codes


class _Roles(list):
    def all(self):
        return self


def _group(name, pps, *roles):
    # The rule reads a group's name, PP count and prefetched roles (group.roles.all()).
    return SimpleNamespace(name=name, pps_confirmed=pps, roles=_Roles(roles))


def _role(market_role, confirmed, names):
    from delivery.sit_models import MvcRole

    return MvcRole(market_role=market_role, confirmed=confirmed, participants="\n".join(names))


@pytest.mark.parametrize(
    ("groups", "stages", "as_of", "codes"),
    [
        (
            [_group("DNO, iDNO, LDSO", 2, _role("UMSO", 2, ["BUUK", "SSEN"]))],
            [("CIT", "C")],
            date(2024, 8, 28),
            [],
        ),
        (  # Managed Service Providers: 8 PPs confirmed, 7 named
            [
                _group(
                    "Managed Service Providers",
                    8,
                    _role(
                        "",
                        None,
                        ["C&C", "ENSEK", "ESG", "Kraken", "SeaGlass", "Utiliteam", "Wheatley"],
                    ),
                )
            ],
            [],
            date(2024, 8, 28),
            ["sit_mvc.pps_differ_from_names"],
        ),
        (
            [_group("Suppliers", 2, _role("Suppliers", 3, ["British Gas", "E"]))],
            [],
            date(2024, 8, 28),
            ["sit_mvc.confirmed_differs_from_names"],
        ),
        ([_group("No names yet", 4, _role("HHDC", 1, []))], [], date(2024, 8, 28), []),
        ([], [("CIT", ""), ("Functional", "G")], date(2024, 8, 28), ["sit_stage.no_rag"]),
        ([], [], date(2024, 6, 1), ["sit_status.out_of_date"]),
    ],
)
def test_sit_status_findings(groups, stages, as_of, codes):
    board = DashboardView(
        SitDashboard(as_of=as_of),
        groups,
        [SitStageStatus(stage=name, rag=rag) for name, rag in stages],
    )
    findings = sit_findings(target_sets=[], dashboard=board, reporting_date=date(2024, 8, 28))
    assert [f.code for f in findings] == codes


def test_stage_finding_names_the_stages_without_rag():
    board = DashboardView(
        SitDashboard(as_of=date(2024, 8, 28)),
        [],
        [SitStageStatus(stage="CIT"), SitStageStatus(stage="Migration", rag="A")],
    )
    (finding,) = sit_findings(target_sets=[], dashboard=board, reporting_date=date(2024, 8, 28))
    assert "1 of 2 test stages have no RAG (CIT)" in finding.message


def test_every_rule_has_a_name_for_the_pack_page():
    import inspect

    from delivery import consistency

    codes = set(re.findall(r'"((?:delivery_report|sit_\w+)\.\w+)"', inspect.getsource(consistency)))
    assert codes == set(consistency.RULES)
