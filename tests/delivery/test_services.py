import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from delivery import services
from delivery.models import DeliveryMilestone, DeliveryReport, ReportStatus
from portal.concurrency import StaleEdit
from tests.delivery.factories import DeliveryReportFactory, complete_values

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _report(world, **kwargs):
    return DeliveryReportFactory(organisation=world.organisation, **kwargs)


def test_pmo_requests_a_report_for_a_month(world):
    report = services.delivery_report_request(
        actor=world.users["pmo"],
        organisation=world.organisation,
        period=datetime.date(2030, 3, 17),
        due_date=TODAY + datetime.timedelta(days=5),
    )
    assert report.period == datetime.date(2030, 3, 1)
    assert report.status == ReportStatus.REQUESTED
    assert report.history.first().history_user == world.users["pmo"]
    with pytest.raises(ValidationError, match="already been requested"):
        services.delivery_report_request(
            actor=world.users["pmo"],
            organisation=world.organisation,
            period=datetime.date(2030, 3, 1),
            due_date=TODAY,
        )


@pytest.mark.parametrize("role", ["participant", "steering", "observer", "chair"])
def test_only_pmo_requests(world, role):
    with pytest.raises(PermissionDenied):
        services.delivery_report_request(
            actor=world.users[role],
            organisation=world.organisation,
            period=datetime.date(2030, 3, 1),
            due_date=TODAY,
        )


def test_past_due_date_is_refused(world):
    with pytest.raises(ValidationError, match="past"):
        services.delivery_report_request(
            actor=world.users["pmo"],
            organisation=world.organisation,
            period=datetime.date(2030, 3, 1),
            due_date=TODAY - datetime.timedelta(days=1),
        )


def test_full_cycle_draft_submit_return_resubmit_accept_is_recorded(world):
    participant, pmo = world.users["participant"], world.users["pmo"]
    report = _report(world)
    services.delivery_report_save(
        actor=participant,
        report=report,
        expected_version=report.version,
        values=complete_values("A"),
        milestones=[
            {
                "title": "Build",
                "original_date": datetime.date(2030, 1, 1),
                "forecast_date": datetime.date(2030, 2, 1),
                "rag": "A",
                "commentary": "",
            }
        ],
        raid_items=[{"kind": "risk", "description": "Late supplier", "owner": "Ops"}],
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.milestones.get().slip_days == 31
    services.delivery_report_submit(
        actor=participant, report=report, expected_version=report.version
    )
    report.refresh_from_db()
    services.delivery_report_return(
        actor=pmo,
        report=report,
        expected_version=report.version,
        comments="Explain the amber plan.",
        due_date=TODAY + datetime.timedelta(days=3),
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    milestone_id = report.milestones.get().pk
    services.delivery_report_save(
        actor=participant,
        report=report,
        expected_version=report.version,
        values={"progress_last_month": "Built it; plan amber because of supplier."},
        milestones=[{"id": milestone_id, "title": "Build v2", "rag": "G"}],
    )
    assert report.milestones.get().pk == milestone_id  # updated in place, keeps its history
    assert DeliveryMilestone.history.filter(id=milestone_id).count() == 2
    report.refresh_from_db()
    services.delivery_report_submit(
        actor=participant, report=report, expected_version=report.version
    )
    report.refresh_from_db()
    services.delivery_report_accept(actor=pmo, report=report, expected_version=report.version)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    reasons = list(
        report.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[-1] == "Accepted"
    assert "Returned with comments" in reasons
    users = set(report.history.values_list("history_user", flat=True))
    assert {participant.pk, pmo.pk} <= users


@pytest.mark.parametrize("role", ["other_participant", "pmo", "steering", "observer"])
def test_only_the_organisation_writes_its_report(world, role):
    report = _report(world)
    with pytest.raises(PermissionDenied):
        services.delivery_report_save(
            actor=world.users[role],
            report=report,
            expected_version=report.version,
            values=complete_values(),
        )
    assert DeliveryReport.objects.get(pk=report.pk).version == report.version


def test_incomplete_report_cannot_be_submitted(world):
    report = _report(world)
    with pytest.raises(ValidationError) as refusal:
        services.delivery_report_submit(
            actor=world.users["participant"], report=report, expected_version=report.version
        )
    assert "Give a RAG for Overall." in refusal.value.messages
    assert DeliveryReport.objects.get(pk=report.pk).status == ReportStatus.REQUESTED


def test_late_input_is_refused_until_the_pmo_extends(world):
    report = _report(world, due_date=TODAY - datetime.timedelta(days=1), **complete_values())
    participant = world.users["participant"]
    with pytest.raises(ValidationError, match="was due on"):
        services.delivery_report_save(
            actor=participant, report=report, expected_version=report.version, values={}
        )
    with pytest.raises(ValidationError, match="was due on"):
        services.delivery_report_submit(actor=participant, report=report, expected_version=1)
    report.refresh_from_db()
    services.delivery_report_extend(
        actor=world.users["pmo"],
        report=report,
        expected_version=report.version,
        due_date=TODAY + datetime.timedelta(days=2),
    )
    report.refresh_from_db()
    services.delivery_report_submit(
        actor=participant, report=report, expected_version=report.version
    )
    assert DeliveryReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_submitted_report_cannot_be_edited_and_accepted_is_closed(world):
    report = _report(world, status="submitted", submitted_at=datetime.datetime.now(datetime.UTC))
    with pytest.raises(ValidationError, match="with the PMO"):
        services.delivery_report_save(
            actor=world.users["participant"],
            report=report,
            expected_version=report.version,
            values={},
        )


def test_return_needs_comments(world):
    report = _report(world, status="submitted", submitted_at=datetime.datetime.now(datetime.UTC))
    with pytest.raises(ValidationError):
        services.delivery_report_return(
            actor=world.users["pmo"],
            report=report,
            expected_version=report.version,
            comments="  ",
            due_date=TODAY,
        )
    assert DeliveryReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_second_of_two_edits_from_the_same_version_is_refused(world):
    report = _report(world)
    opened = report.version
    services.delivery_report_save(
        actor=world.users["participant"],
        report=report,
        expected_version=opened,
        values={"progress_last_month": "First"},
    )
    stale = DeliveryReport.objects.get(pk=report.pk)
    with pytest.raises(StaleEdit):
        services.delivery_report_save(
            actor=world.users["participant"],
            report=stale,
            expected_version=opened,
            values={"progress_last_month": "Second"},
        )
    assert DeliveryReport.objects.get(pk=report.pk).progress_last_month == "First"


def test_bad_child_row_saves_nothing(world):
    report = _report(world)
    with pytest.raises(ValidationError, match="Row 2"):
        services.delivery_report_save(
            actor=world.users["participant"],
            report=report,
            expected_version=report.version,
            values={"progress_last_month": "changed"},
            milestones=[{"title": "Fine"}, {"title": "x" * 400}],
        )
    report.refresh_from_db()
    assert report.progress_last_month == "" and report.milestones.count() == 0


def test_constituency_report_is_written_by_its_parties(world):
    report = DeliveryReportFactory(organisation=None, constituency=world.organisation.constituency)
    services.delivery_report_save(
        actor=world.users["participant"],
        report=report,
        expected_version=report.version,
        values={"progress_last_month": "- Built the thing"},
    )
    with pytest.raises(PermissionDenied):
        services.delivery_report_save(
            actor=world.users["other_participant"],
            report=report,
            expected_version=None,
            values={"progress_last_month": "Mine"},
        )
