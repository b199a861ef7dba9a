"""The SIT progress page and the PMO's edit and import pages, through the browser's forms."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delivery import sit_services
from delivery.models import DeliveryReport
from delivery.sit_models import (
    SitDashboard,
    SitStageStatus,
    SitTarget,
    SitTargetMeasure,
    SitTargetSet,
)
from tests.delivery.factories import (
    DeliveryReportFactory,
    accepted_report,
    complete_values,
    empty_tables,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pmo_client(world, client_for):
    return client_for(world.users["pmo"])


def _measure_rows(*rows):
    data = {"m-TOTAL_FORMS": str(len(rows)), "m-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"m-{index}-{key}": value for key, value in row.items()})
    return data


def test_pmo_builds_a_target_set_and_the_page_shows_its_status(pmo_client, client_for, world):
    response = pmo_client.post(
        reverse("delivery-sit-target-set-new"),
        {
            "stage": "SIT Functional",
            "cycle": "Cycle 2",
            "title": "SIT Functional Cycle 2 Completion Targets",
            "cut_off": "2024-08-16",
            "sprint": "Sprint 4",
        },
    )
    target_set = SitTargetSet.objects.get()
    assert response.status_code == 302
    response = pmo_client.post(
        reverse("delivery-sit-target-new", args=[target_set.pk]),
        {
            "number": "2",
            "statement": "Design coverage has been progressed adequately",
            "notes": "",
            **_measure_rows(
                {
                    "measure": "% Tests Executed",
                    "comparator": "gt",
                    "threshold": "85",
                    "unit": "percent",
                    "achieved": "57",
                },
                {
                    "measure": "% Tests Passed",
                    "comparator": "gt",
                    "threshold": "60",
                    "unit": "percent",
                    "achieved": "54",
                },
            ),
        },
    )
    assert response.status_code == 302 and SitTargetMeasure.objects.count() == 2
    html = client_for(world.users["observer"]).get(reverse("delivery-sit")).content.decode()
    assert "SIT Functional Cycle 2 Completion Targets (to 16/08/24)" in html
    assert "57%" in html and "&gt; 85%" in html and "Not met" in html
    assert reverse("delivery-sit-target-set", args=[target_set.pk]) not in html  # no edit link


def test_bad_measure_is_shown_beside_the_form_and_nothing_is_saved(pmo_client):
    target_set = SitTargetSet.objects.create(
        stage="S", cycle="C", title="T", cut_off=datetime.date(2024, 8, 16)
    )
    response = pmo_client.post(
        reverse("delivery-sit-target-new", args=[target_set.pk]),
        {
            "number": "1",
            "statement": "s",
            **_measure_rows(
                {"measure": "m", "comparator": "gt", "unit": "percent", "achieved": "57"}
            ),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html and "Give the threshold together with its comparison" in html
    assert not SitTarget.objects.exists()


def test_import_with_a_bad_row_names_file_line_and_column_and_changes_nothing(pmo_client):
    content = (
        b"stage,cycle,kind,target,text,comparator,threshold,unit,achieved,cut_off\n"
        b"SIT Functional,Cycle 2,set,,Targets,,,,,2024-08-16\n"
        b"SIT Functional,Cycle 2,target,1,Statement,,,,,\n"
        b"SIT Functional,Cycle 2,measure,1,% Executed,>,,%,57,\n"
    )
    response = pmo_client.post(
        reverse("delivery-sit-import", args=["targets"]),
        {"file": SimpleUploadedFile("targets.csv", content, content_type="text/csv")},
    )
    html = response.content.decode()
    assert "targets.csv, line 4, column &#x27;threshold&#x27;" in html
    assert not SitTargetSet.objects.exists()
    good = content.replace(b">,,%", b">,85,%")
    response = pmo_client.post(
        reverse("delivery-sit-import", args=["targets"]),
        {"file": SimpleUploadedFile("targets.csv", good, content_type="text/csv")},
    )
    assert response.status_code == 302
    assert SitTargetMeasure.objects.get().threshold == 85


def test_unknown_import_kind_is_not_found(pmo_client):
    assert pmo_client.get(reverse("delivery-sit-import", args=["nonsense"])).status_code == 404


def test_stage_statuses_form_refuses_repeats_and_keeps_the_rest(pmo_client, world):
    board = sit_services.sit_dashboard_create(
        actor=world.users["pmo"], as_of=datetime.date(2024, 8, 28)
    )
    data = {
        "version": board.version,
        "s-TOTAL_FORMS": "2",
        "s-INITIAL_FORMS": "0",
        "s-0-stage": "CIT",
        "s-0-comment": "SITAG approved the CIT completion report 11-Mar-24",
        "s-1-stage": "CIT",
    }
    response = pmo_client.post(
        reverse("delivery-sit-stages-edit", args=[board.pk]), data, follow=True
    )
    assert "Each test stage may appear once" in response.content.decode()
    assert not SitStageStatus.objects.exists()
    data["s-1-stage"] = "Functional"
    data["s-1-rag"] = "A"
    pmo_client.post(reverse("delivery-sit-stages-edit", args=[board.pk]), data)
    html = pmo_client.get(reverse("delivery-sit")).content.decode()
    assert "SITAG approved the CIT completion report 11-Mar-24" in html
    assert (
        "Expected to meet programme plan if risk mitigation is successful" in html
    )  # the key, for A only
    assert "Unlikely to comply" not in html


def test_new_status_page_copies_the_latest(pmo_client, world):
    august = sit_services.sit_dashboard_create(
        actor=world.users["pmo"], as_of=datetime.date(2024, 8, 28)
    )
    sit_services.mvc_group_save(
        actor=world.users["pmo"], dashboard=august, name="UMSO", pps_confirmed=2, roles=[]
    )
    response = pmo_client.post(
        reverse("delivery-sit-status-new"), {"as_of": "2024-09-25", "copy": "on"}
    )
    september = SitDashboard.objects.get(as_of=datetime.date(2024, 9, 25))
    assert response["Location"].endswith(f"?status={september.pk}")
    assert september.groups.get().name == "UMSO"


def test_cohort_plan_form_saves_plan_and_trials(pmo_client):
    response = pmo_client.post(
        reverse("delivery-cohort-plan-new"),
        {
            "sprint": "Sprint 4.1",
            "objective": "Use the MVC to identify and prove ways to accelerate testing",
            "ethos": "‘Gloves off’ - challenge each other and ourselves\n"
            "Act in minutes and hours, not days and weeks",
            "t-TOTAL_FORMS": "1",
            "t-INITIAL_FORMS": "0",
            "t-0-kind": "paired",
            "t-0-cohorts": "A & J",
            "t-0-target_test": "1 SIT Functional Target Test",
        },
    )
    assert response.status_code == 302
    html = pmo_client.get(response["Location"]).content.decode()
    assert "Cohorts A &amp; J" in html and "Paired Cohorts’ Trials (to start in Sprint 4.1)" in html
    assert "<li>Act in minutes and hours, not days and weeks</li>" in html


def test_bad_page_parameter_is_not_found(client_for, world):
    response = client_for(world.users["observer"]).get(reverse("delivery-sit"), {"status": "x"})
    assert response.status_code == 404


# Report content on the party's form ---------------------------------------------------------


def test_constituency_report_form_asks_for_the_count_and_checks_it(world, client_for):
    report = DeliveryReportFactory(organisation=None, constituency=world.organisation.constituency)
    client = client_for(world.users["participant"])
    url = reverse("delivery-report-edit", args=[report.pk])
    assert "Organisations who reported" in client.get(url).content.decode()
    data = {"version": report.version, **complete_values(), **empty_tables()}
    response = client.post(
        url, {**data, "organisations_reported": "9", "organisations_expected": "8"}
    )
    assert "9 cannot have reported out of 8 expected" in response.content.decode()
    response = client.post(
        url,
        {
            **data,
            "organisations_reported": "8",
            "organisations_expected": "14",
            "esc-TOTAL_FORMS": "1",
            "esc-0-escalation": "Lack of published reporting requirements to be addressed",
            "esc-0-to_whom": "MHHS Programme SI",
            "esc-0-resolution_note": "ASAP",
            "esc-0-owner": "MHHS Programme",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.organisations_reported, report.organisations_expected) == (8, 14)
    assert report.escalations.get().to_whom == "MHHS Programme SI"


def test_organisations_report_form_has_no_count(world, client_for):
    report = DeliveryReportFactory(organisation=world.organisation)
    html = (
        client_for(world.users["participant"])
        .get(reverse("delivery-report-edit", args=[report.pk]))
        .content.decode()
    )
    assert "Organisations who reported" not in html


def test_escalation_with_date_and_words_is_refused_on_the_form(world, client_for):
    report = DeliveryReportFactory(organisation=world.organisation)
    response = client_for(world.users["participant"]).post(
        reverse("delivery-report-edit", args=[report.pk]),
        {
            "version": report.version,
            **empty_tables(),
            "esc-TOTAL_FORMS": "1",
            "esc-0-escalation": "e",
            "esc-0-resolution_date": "2024-09-01",
            "esc-0-resolution_note": "ASAP",
        },
    )
    assert "Give a date or words, not both." in response.content.decode()
    assert not report.escalations.exists()


def test_accepted_report_page_prints_only_what_it_has(world, client_for):
    report = accepted_report(
        organisation=world.other_organisation, progress_last_month="- Built **it**"
    )
    report.escalations.create(
        escalation="Plan needed", to_whom="MHHS Programme SI", resolution_note="ASAP"
    )
    html = (
        client_for(world.users["observer"])
        .get(reverse("delivery-report-detail", args=[report.pk]))
        .content.decode()
    )
    assert "<li>Built <strong>it</strong></li>" in html
    assert "Plan needed" in html and "ASAP" in html
    assert "Not given" not in html and "Owner</th>" not in html  # no owner given: no column
    assert "Decisions required" not in html and "RAG status by dimension" not in html
    assert DeliveryReport.objects.count() == 1
