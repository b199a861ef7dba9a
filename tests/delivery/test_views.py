import datetime

import pytest
from django.urls import reverse

from delivery.models import DeliveryReport, ReportStatus
from tests.delivery.factories import (
    DeliveryReportFactory,
    accepted_report,
    complete_values,
    empty_tables,
)

pytestmark = pytest.mark.django_db


def _form(report, **extra):
    data = {
        "version": report.version,
        **complete_values(),
        **empty_tables(),
        "ms-TOTAL_FORMS": "1",
        "ms-INITIAL_FORMS": "0",
        "ms-0-title": "Go live",
        "ms-0-original_date": "2030-01-01",
        "ms-0-forecast_date": "2030-01-15",
        "ms-0-rag": "A",
        "raid-TOTAL_FORMS": "1",
        "raid-INITIAL_FORMS": "0",
        "raid-0-kind": "risk",
        "raid-0-description": "Supplier late",
    }
    data.update(extra)
    return data


def test_participant_saves_and_submits_through_the_form(world, client_for):
    report = DeliveryReportFactory(organisation=world.organisation)
    client = client_for(world.users["participant"])
    url = reverse("delivery-report-edit", args=[report.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(report, submit="1"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.milestones.get().title == "Go live"
    assert report.raid_items.get().description == "Supplier late"


def test_invalid_form_saves_nothing(world, client_for):
    report = DeliveryReportFactory(organisation=world.organisation)
    client = client_for(world.users["participant"])
    response = client.post(
        reverse("delivery-report-edit", args=[report.pk]),
        _form(report, **{"ms-0-original_date": "not a date", "rag_overall": "X"}),
    )
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    report.refresh_from_db()
    assert report.version == 1 and report.milestones.count() == 0


def test_stale_form_is_refused_with_the_other_change(world, client_for):
    report = DeliveryReportFactory(organisation=world.organisation)
    client = client_for(world.users["participant"])
    url = reverse("delivery-report-edit", args=[report.pk])
    client.post(url, _form(report))
    response = client.post(url, _form(report, progress_last_month="Mine"), follow=True)
    assert "Someone else saved this record" in response.content.decode()
    report.refresh_from_db()
    assert report.progress_last_month == "Built the thing."


def test_pmo_review_return_then_accept(world, client_for):
    report = DeliveryReportFactory(
        organisation=world.organisation,
        status="submitted",
        submitted_at=datetime.datetime.now(datetime.UTC),
        **complete_values(),
    )
    client = client_for(world.users["pmo"])
    url = reverse("delivery-report-review", args=[report.pk])
    response = client.post(url, {"version": report.version, "decision": "return"}, follow=True)
    assert "Say what the organisation should change." in response.content.decode()
    assert DeliveryReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    client.post(url, {"version": report.version, "decision": "accept"})
    assert DeliveryReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED


def test_list_hides_other_organisations_unaccepted_reports(world, client_for):
    DeliveryReportFactory(organisation=world.other_organisation, title="Their draft")
    accepted_report(organisation=world.other_organisation, title="Their accepted")
    DeliveryReportFactory(organisation=world.organisation, title="Our draft")
    html = client_for(world.users["participant"]).get(reverse("delivery-home")).content.decode()
    assert "Our draft" in html and "Their accepted" in html
    assert "Their draft" not in html
    html = client_for(world.users["observer"]).get(reverse("delivery-home")).content.decode()
    assert "Their accepted" in html and "Our draft" not in html and "Their draft" not in html
    html = client_for(world.users["pmo"]).get(reverse("delivery-home")).content.decode()
    assert "Their draft" in html


def test_home_lists_reports_the_organisation_must_complete(world, client_for):
    DeliveryReportFactory(organisation=world.organisation, title="Our August report")
    DeliveryReportFactory(organisation=world.other_organisation, title="Their August report")
    html = client_for(world.users["participant"]).get(reverse("home")).content.decode()
    assert "Our August report" in html and "Their August report" not in html
    html = client_for(world.users["pmo"]).get(reverse("home")).content.decode()
    assert "Delivery reports to complete" not in html


def test_save_and_submit_of_an_incomplete_report_keeps_the_draft(world, client_for):
    report = DeliveryReportFactory(organisation=world.organisation)
    client = client_for(world.users["participant"])
    response = client.post(
        reverse("delivery-report-edit", args=[report.pk]),
        _form(report, submit="1", rag_budget="", progress_next_month=""),
        follow=True,
    )
    html = response.content.decode()
    assert "saved but not submitted" in html and "Give a RAG for Budget." in html
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.milestones.count() == 1
