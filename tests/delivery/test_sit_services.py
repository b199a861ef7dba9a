"""SIT progress and report content: constraints, services, permissions and history."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from delivery import services, sit_services
from delivery.models import DeliveryDeliverable, DeliveryEscalation, DeliveryReport
from delivery.sit_models import (
    CohortTrialPlan,
    MvcGroup,
    MvcRole,
    SitDashboard,
    SitStageStatus,
    SitTarget,
    SitTargetMeasure,
    SitTargetSet,
)
from tests.delivery.factories import DeliveryReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pmo(world):
    return world.users["pmo"]


@pytest.fixture
def target_set(pmo):
    return sit_services.sit_target_set_save(
        actor=pmo,
        values={
            "stage": "SIT Functional",
            "cycle": "Cycle 2",
            "title": "SIT Functional Cycle 2 Completion Targets",
            "cut_off": datetime.date(2024, 8, 16),
            "sprint": "Sprint 4",
        },
    )


# Database constraints -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"comparator": "gt"},  # a comparison without a threshold
        {"threshold": D(85)},  # a threshold without a comparison
        {"achieved": D(56), "achieved_to": D(43)},  # a range upside down
        {"achieved_to": D(43)},  # a range with no lower end
        {"achieved": D(4), "out_of": 5, "unit": "percent"},  # "4 of 5" is a count
        {"achieved": D(4), "achieved_to": D(5), "out_of": 5, "unit": "count"},
    ],
)
def test_measure_constraints_hold_in_the_database(target_set, values):
    target = SitTarget.objects.create(target_set=target_set, number=1, statement="s")
    with pytest.raises(IntegrityError), transaction.atomic():
        SitTargetMeasure.objects.create(target=target, measure="m", **values)


def test_target_numbers_are_unique_and_positive(target_set):
    SitTarget.objects.create(target_set=target_set, number=1, statement="s")
    with pytest.raises(IntegrityError), transaction.atomic():
        SitTarget.objects.create(target_set=target_set, number=1, statement="again")
    with pytest.raises(IntegrityError), transaction.atomic():
        SitTarget.objects.create(target_set=target_set, number=0, statement="zero")


@pytest.mark.parametrize(
    "values",
    [
        {"organisations_reported": 9, "organisations_expected": 8},
        {"organisations_reported": 8, "organisations_expected": None},
        {"organisations_reported": 0, "organisations_expected": 0},
    ],
)
def test_report_counts_constraints(world, values):
    report = DeliveryReportFactory(organisation=None, constituency=world.organisation.constituency)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryReport.objects.filter(pk=report.pk).update(**values)


def test_only_a_constituency_report_counts_organisations(world):
    report = DeliveryReportFactory(organisation=world.organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryReport.objects.filter(pk=report.pk).update(
            organisations_reported=1, organisations_expected=1
        )


def test_escalation_and_deliverable_take_a_date_or_words_not_both(world):
    report = DeliveryReportFactory(organisation=world.organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryEscalation.objects.create(
            report=report,
            escalation="e",
            resolution_date=datetime.date(2024, 9, 1),
            resolution_note="ASAP",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryDeliverable.objects.create(
            report=report, deliverable="d", due_date=datetime.date(2024, 9, 1), due_note="30/08"
        )


# Report content through the party's own service ---------------------------------------------


def test_constituency_report_records_who_reported_and_its_escalations(world):
    report = DeliveryReportFactory(organisation=None, constituency=world.organisation.constituency)
    services.delivery_report_save(
        actor=world.users["participant"],
        report=report,
        expected_version=report.version,
        values={"organisations_reported": 6, "organisations_expected": 6},
        escalations=[
            {
                "escalation": "Plan needed",
                "to_whom": "MHHS Programme SI",
                "resolution_note": "ASAP",
                "owner": "MHHS Programme",
            }
        ],
        deliverables=[
            {
                "group": "SIT",
                "deliverable": "PIT for NFT",
                "due_date": datetime.date(2024, 10, 7),
                "programme_milestones": "M10",
            },
            {
                "deliverable": "Submission",
                "due_note": "30/08",
                "programme_milestones": "T3-QU-0076",
            },
        ],
    )
    report.refresh_from_db()
    assert (report.organisations_reported, report.organisations_expected) == (6, 6)
    assert report.escalations.get().resolution_note == "ASAP"
    assert [d.due_note for d in report.deliverables.all()] == ["", "30/08"]
    assert report.escalations.get().history.count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"organisations_reported": 9, "organisations_expected": 8},
            "More organisations cannot have reported",
        ),
        ({"organisations_reported": 3, "organisations_expected": None}, "or neither"),
    ],
)
def test_bad_counts_are_refused_with_a_reason(world, values, message):
    report = DeliveryReportFactory(organisation=None, constituency=world.organisation.constituency)
    with pytest.raises(ValidationError, match=message):
        services.delivery_report_save(
            actor=world.users["participant"],
            report=report,
            expected_version=report.version,
            values=values,
        )
    report.refresh_from_db()
    assert report.version == 1


def test_counts_on_an_organisations_report_are_refused(world):
    report = DeliveryReportFactory(organisation=world.organisation)
    with pytest.raises(ValidationError, match="Only a report compiled for a constituency"):
        services.delivery_report_save(
            actor=world.users["participant"],
            report=report,
            expected_version=report.version,
            values={"organisations_reported": 1, "organisations_expected": 1},
        )


def test_a_constituency_report_cannot_be_submitted_without_its_count(world):
    from tests.delivery.factories import complete_values

    report = DeliveryReportFactory(
        organisation=None,
        constituency=world.organisation.constituency,
        status="draft",
        **complete_values(),
    )
    assert "out of how many" in " ".join(services.submission_problems(report))


def test_escalation_with_a_date_and_words_is_refused(world):
    report = DeliveryReportFactory(organisation=world.organisation)
    with pytest.raises(ValidationError, match="not both"):
        services.delivery_report_save(
            actor=world.users["participant"],
            report=report,
            expected_version=report.version,
            values={},
            escalations=[
                {
                    "escalation": "e",
                    "resolution_date": datetime.date(2024, 9, 1),
                    "resolution_note": "ASAP",
                }
            ],
        )
    assert not DeliveryEscalation.objects.exists()


def test_requested_report_takes_its_category_and_the_next_position(pmo, world):
    first = services.delivery_report_request(
        actor=pmo,
        organisation=world.organisation,
        period=datetime.date(2030, 1, 1),
        due_date=datetime.date(2030, 1, 20),
        category="core",
        today=datetime.date(2029, 12, 1),
    )
    second = services.delivery_report_request(
        actor=pmo,
        organisation=world.other_organisation,
        period=datetime.date(2030, 1, 1),
        due_date=datetime.date(2030, 1, 20),
        category="core",
        today=datetime.date(2029, 12, 1),
    )
    assert (first.category, first.position, second.position) == ("core", 0, 1)


# Completion targets -------------------------------------------------------------------------


def test_target_with_measures_is_saved_and_edited_in_place(pmo, target_set):
    target = sit_services.sit_target_save(
        actor=pmo,
        target_set=target_set,
        values={"number": 2, "statement": "Design coverage", "notes": ""},
        measures=[
            {
                "measure": "% Tests Executed",
                "comparator": "gt",
                "threshold": D(85),
                "unit": "percent",
                "achieved": D(57),
            },
            {
                "measure": "% Tests Passed",
                "comparator": "gt",
                "threshold": D(60),
                "unit": "percent",
                "achieved": D(54),
            },
        ],
    )
    executed = target.measures.get(measure="% Tests Executed")
    sit_services.sit_target_save(
        actor=pmo,
        target_set=target_set,
        target=target,
        values={"number": 2, "statement": "Design coverage", "notes": ""},
        measures=[
            {
                "id": executed.pk,
                "measure": "% Tests Executed",
                "comparator": "gt",
                "threshold": D(85),
                "unit": "percent",
                "achieved": D(61),
            }
        ],
    )
    executed.refresh_from_db()
    assert executed.achieved == D(61) and target.measures.count() == 1
    assert executed.history.count() == 2  # created, then edited: one record kept its history


def test_duplicate_target_number_is_refused(pmo, target_set):
    values = {"number": 1, "statement": "s", "notes": ""}
    sit_services.sit_target_save(actor=pmo, target_set=target_set, values=values, measures=[])
    with pytest.raises(ValidationError, match="Target 1 already exists"):
        sit_services.sit_target_save(actor=pmo, target_set=target_set, values=values, measures=[])


def test_bad_measure_saves_nothing(pmo, target_set):
    with pytest.raises(ValidationError, match="Row 2"):
        sit_services.sit_target_save(
            actor=pmo,
            target_set=target_set,
            values={"number": 1, "statement": "s", "notes": ""},
            measures=[
                {"measure": "ok", "unit": "percent"},
                {"measure": "bad", "comparator": "gt", "unit": "percent"},
            ],
        )
    assert not SitTarget.objects.exists() and not SitTargetMeasure.objects.exists()


def test_stale_target_set_edit_is_refused(pmo, target_set):
    values = {
        "stage": "SIT Functional",
        "cycle": "Cycle 2",
        "title": "T",
        "cut_off": datetime.date(2024, 8, 16),
        "sprint": "",
    }
    sit_services.sit_target_set_save(
        actor=pmo, target_set=target_set, values=values, expected_version=1
    )
    stale = SitTargetSet.objects.get(pk=target_set.pk)
    stale.version = 1
    with pytest.raises(ValidationError, match="Someone else saved"):
        sit_services.sit_target_set_save(
            actor=pmo, target_set=stale, values=values, expected_version=1
        )


@pytest.mark.parametrize("role", ["participant", "observer", "steering"])
def test_only_the_pmo_writes_sit_progress(world, role):
    with pytest.raises(PermissionDenied):
        sit_services.sit_target_set_save(
            actor=world.users[role],
            values={
                "stage": "S",
                "cycle": "C",
                "title": "T",
                "cut_off": datetime.date(2024, 8, 16),
            },
        )
    with pytest.raises(PermissionDenied):
        sit_services.sit_dashboard_create(actor=world.users[role], as_of=datetime.date(2024, 8, 28))
    assert not SitTargetSet.objects.exists() and not SitDashboard.objects.exists()


# The SIT dashboard --------------------------------------------------------------------------


def test_new_status_starts_as_a_copy_of_the_latest(pmo):
    august = sit_services.sit_dashboard_create(actor=pmo, as_of=datetime.date(2024, 8, 28))
    sit_services.mvc_group_save(
        actor=pmo,
        dashboard=august,
        name="DNO, iDNO, LDSO",
        pps_confirmed=2,
        roles=[
            {"market_role": "UMSO", "required": 1, "confirmed": 2, "participants": "BUUK\nSSEN"}
        ],
    )
    sit_services.sit_stage_statuses_save(
        actor=pmo,
        dashboard=august,
        expected_version=august.version,
        rows=[
            {
                "stage": "CIT",
                "rag": "C",
                "comment": "SITAG approved the CIT completion report 11-Mar-24",
            }
        ],
    )
    september = sit_services.sit_dashboard_create(actor=pmo, as_of=datetime.date(2024, 9, 25))
    group = september.groups.get()
    assert group.roles.get().participant_names == ["BUUK", "SSEN"]
    assert september.stages.get().rag == "C"
    assert august.groups.get().pk != group.pk  # a copy: editing September leaves August alone
    with pytest.raises(ValidationError, match="already a SIT status"):
        sit_services.sit_dashboard_create(actor=pmo, as_of=datetime.date(2024, 9, 25))


def test_group_names_and_stage_names_are_unique_in_a_status(pmo):
    board = sit_services.sit_dashboard_create(actor=pmo, as_of=datetime.date(2024, 8, 28))
    sit_services.mvc_group_save(
        actor=pmo, dashboard=board, name="HHDC group", pps_confirmed=None, roles=[]
    )
    with pytest.raises(ValidationError, match="already a group"):
        sit_services.mvc_group_save(
            actor=pmo, dashboard=board, name="hhdc group", pps_confirmed=1, roles=[]
        )
    with pytest.raises(ValidationError, match="repeated: cit"):
        sit_services.sit_stage_statuses_save(
            actor=pmo,
            dashboard=board,
            expected_version=board.version,
            rows=[{"stage": "CIT"}, {"stage": "cit"}],
        )
    assert MvcGroup.objects.count() == 1 and not SitStageStatus.objects.exists()


def test_group_removal_takes_its_roles_and_is_recorded(pmo):
    board = sit_services.sit_dashboard_create(actor=pmo, as_of=datetime.date(2024, 8, 28))
    group = sit_services.mvc_group_save(
        actor=pmo,
        dashboard=board,
        name="G",
        pps_confirmed=1,
        roles=[{"market_role": "HHDC", "participants": "Callisto"}],
    )
    sit_services.mvc_group_delete(actor=pmo, group=group)
    assert not MvcRole.objects.exists()
    assert MvcRole.history.filter(history_type="-").count() == 1


# Cohort trials ------------------------------------------------------------------------------


def test_cohort_plan_with_trials(pmo):
    plan = sit_services.cohort_trial_plan_save(
        actor=pmo,
        sprint="Sprint 4.1",
        values={
            "objective": "Use the MVC to identify and prove ways to accelerate testing",
            "ethos": "A\nB",
        },
        trials=[
            {"kind": "single", "cohorts": "A", "target_test": "1 SIT Functional Target Test"},
            {"kind": "paired", "cohorts": "A & J", "target_test": "1 SIT Functional Target Test"},
        ],
    )
    assert plan.ethos_lines == ["A", "B"] and plan.trials.count() == 2
    with pytest.raises(ValidationError, match="already a cohort trial plan"):
        sit_services.cohort_trial_plan_save(actor=pmo, sprint="sprint 4.1", values={}, trials=[])
    with pytest.raises(ValidationError, match="repeated: A – 1 SIT Functional Target Test"):
        sit_services.cohort_trial_plan_save(
            actor=pmo,
            plan=plan,
            sprint="Sprint 4.1",
            values={},
            expected_version=plan.version,
            trials=[
                {"kind": "single", "cohorts": "A", "target_test": "1 SIT Functional Target Test"}
            ]
            * 2,
        )
    assert CohortTrialPlan.objects.get().trials.count() == 2
