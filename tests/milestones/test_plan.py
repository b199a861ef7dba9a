"""The plan's timeline activities: services (rules, history, versions), the import (all or
nothing, idempotent), the PMO pages and the demo plan of the M10 slide."""

import csv
import shutil
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from milestones import plan_selectors, plan_services
from milestones.models import PlanActivity
from portal.concurrency import StaleEdit
from portal.importing import ImportRejected
from portal.programme_loading import load_programme
from tests.milestones.factories import MilestoneFactory, PlanActivityFactory

pytestmark = pytest.mark.django_db

BASE = {
    "lane": "Change Request development",
    "title": "2-week impact assessment",
    "kind": "activity",
    "start_date": date(2024, 9, 23),
    "end_date": date(2024, 10, 4),
}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"end_date": date(2024, 9, 20)}, "end_date"),  # ends before it starts
        ({"kind": "milestone"}, "end_date"),  # a milestone is one day
        ({"approximate": True}, "date_basis"),  # approximate needs its basis
        ({"kind": "gantt"}, "kind"),
        ({"title": "  "}, "title"),
    ],
)
def test_create_refuses_what_the_plan_cannot_show(pmo, changes, field):
    with pytest.raises(ValidationError) as error:
        plan_services.plan_activity_create(actor=pmo, **{**BASE, **changes})
    assert field in error.value.message_dict
    assert not PlanActivity.objects.exists()


def test_create_points_and_open_bars(pmo):
    decision = plan_services.plan_activity_create(
        actor=pmo,
        **{**BASE, "kind": "decision", "title": "Change Board decision", "end_date": None},
    )
    assert decision.end_date == decision.start_date and decision.is_point
    open_bar = plan_services.plan_activity_create(
        actor=pmo, **{**BASE, "title": "SIT NF (SIT-B)", "end_date": None, "position": 5}
    )
    assert open_bar.end_date is None and open_bar.position == 5
    # Positions default to the end of the plan.
    assert decision.position < plan_services.plan_activity_create(actor=pmo, **BASE).position
    assert decision.history.first().history_user == pmo


def test_update_is_version_checked_and_recorded(pmo):
    activity = plan_services.plan_activity_create(actor=pmo, **BASE)
    plan_services.plan_activity_update(
        actor=pmo,
        activity=activity,
        expected_version=1,
        reason="CR issue moved",
        start_date=date(2024, 9, 30),
        end_date=date(2024, 10, 11),
    )
    record = activity.history.first()
    assert (record.start_date, record.history_change_reason) == (
        date(2024, 9, 30),
        "CR issue moved",
    )
    with pytest.raises(StaleEdit):
        plan_services.plan_activity_update(
            actor=pmo, activity=PlanActivity.objects.get(), expected_version=1, title="Late"
        )
    with pytest.raises(ValueError):
        plan_services.plan_activity_update(
            actor=pmo, activity=activity, expected_version=None, version=9
        )


def test_delete_needs_a_reason_and_keeps_history(pmo):
    activity = PlanActivityFactory()
    with pytest.raises(ValidationError):
        plan_services.plan_activity_delete(
            actor=pmo, activity=activity, expected_version=1, reason=" "
        )
    plan_services.plan_activity_delete(
        actor=pmo, activity=activity, expected_version=1, reason="Superseded by the CR plan"
    )
    assert not PlanActivity.objects.exists()
    gone = PlanActivity.history.filter(history_type="-").get()
    assert gone.history_change_reason == "Removed: Superseded by the CR plan"


def test_selector_window_lanes_and_order():
    late = PlanActivityFactory(lane="SIT Operational", start_date=date(2024, 10, 7), end_date=None)
    early = PlanActivityFactory(
        lane="Milestones", start_date=date(2024, 8, 7), end_date=date(2024, 8, 7), kind="decision"
    )
    PlanActivityFactory(lane="Milestones", start_date=date(2024, 6, 3), end_date=date(2024, 6, 7))
    shown = plan_selectors.plan_activities(date_from=date(2024, 7, 22), date_to=date(2024, 10, 20))
    assert list(shown) == [late, early]  # by position (creation order here)
    assert plan_selectors.plan_lanes() == ["SIT Operational", "Milestones"]
    assert list(plan_selectors.plan_activities(lanes=["Milestones"]).filter(pk=late.pk)) == []
    # The open-ended bar overlaps any later window.
    assert late in plan_selectors.plan_activities(date_from=date(2025, 6, 1))


# --- import -------------------------------------------------------------------------------

HEADER = "lane,title,kind,start_date,end_date,approximate,date_basis,source,milestone\n"


def _import(pmo, body: str):
    return plan_services.plan_activities_import(
        actor=pmo, filename="plan.csv", content=(HEADER + body).encode()
    )


def test_import_adds_then_changes_nothing_then_updates(pmo):
    MilestoneFactory(reference="T3-TE-0042")
    body = (
        "SIT Operational,SIT Operational,dependency,2024-10-07,,no,,M10 slide,T3-TE-0042\n"
        "Milestones,PSG update,Decision / approval / meeting,2024-09-04,,no,,M10 slide,\n"
        "Change Request development,IA analysis,activity,2024-10-07,2024-10-11,yes,"
        "after the IA closes,M10 slide,\n"
    )
    first = _import(pmo, body)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    linked = PlanActivity.objects.get(title="SIT Operational")
    assert linked.milestone.reference == "T3-TE-0042" and linked.end_date is None
    assert PlanActivity.objects.get(title="PSG update").end_date == date(2024, 9, 4)
    again = _import(pmo, body)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = _import(pmo, body.replace("2024-10-11,yes", "2024-10-18,yes"))
    assert (changed.created, changed.updated) == (0, 1)
    assert PlanActivity.objects.get(title="IA analysis").end_date == date(2024, 10, 18)


def test_import_by_id_moves_an_activity(pmo):
    activity = PlanActivityFactory(title="Draft Change Request")
    content = (
        "id,lane,title,kind,start_date,end_date\n"
        f"{activity.pk},Change Request development,Draft Change Request,activity,"
        "2024-09-09,2024-09-20\n"
    ).encode()
    result = plan_services.plan_activities_import(actor=pmo, filename="p.csv", content=content)
    assert (result.created, result.updated) == (0, 1)
    activity.refresh_from_db()
    assert (activity.start_date, activity.version) == (date(2024, 9, 9), 2)


@pytest.mark.parametrize(
    "body, problems",
    [
        ("Milestones,PSG update,meeting,2024-09-04,,no,,,\n", [(2, "kind")]),
        ("Milestones,PSG update,decision,04/09/24,,no,,,\n", [(2, "start_date")]),
        ("Milestones,PSG update,decision,2024-09-04,2024-09-05,no,,,\n", [(2, "end_date")]),
        ("CR,IA analysis,activity,2024-10-07,2024-10-01,no,,,\n", [(2, "end_date")]),
        ("CR,IA analysis,activity,2024-10-07,,yes,,,\n", [(2, "date_basis")]),
        ("CR,IA analysis,activity,2024-10-07,,no,,,T9-XX-1\n", [(2, "milestone")]),
        (",IA analysis,activity,2024-10-07,,no,,,\n", [(2, "lane")]),
        (
            "CR,IA analysis,activity,2024-10-07,,no,,,\n"
            "CR,IA analysis,activity,2024-10-07,,no,,,\n",
            [(3, "title")],
        ),
        # A good row and a bad one: nothing is imported.
        (
            "CR,Draft,activity,2024-09-02,2024-09-13,no,,,\nCR,IA,activity,2024-10-07,,maybe,,,\n",
            [(3, "approximate")],
        ),
    ],
)
def test_import_bad_rows_name_line_and_column_and_change_nothing(pmo, body, problems):
    with pytest.raises(ImportRejected) as rejected:
        _import(pmo, body)
    assert [(p.line, p.column) for p in rejected.value.problems] == problems
    assert not PlanActivity.objects.exists()


def test_import_refuses_unknown_id_and_missing_columns(pmo):
    with pytest.raises(ImportRejected) as rejected:
        plan_services.plan_activities_import(
            actor=pmo,
            filename="p.csv",
            content=b"id,lane,title,kind,start_date\n999,CR,X,activity,2024-09-02\n",
        )
    assert rejected.value.problems[0].column == "id"
    with pytest.raises(ImportRejected) as rejected:
        plan_services.plan_activities_import(actor=pmo, filename="p.csv", content=b"lane,title\n")
    assert {p.column for p in rejected.value.problems} == {"kind", "start_date"}


# --- pages --------------------------------------------------------------------------------


def test_pmo_adds_edits_and_removes_through_the_pages(pmo_client):
    response = pmo_client.post(
        reverse("plan-create"),
        {**{k: str(v) for k, v in BASE.items()}, "approximate": "on"},
    )
    assert response.status_code == 200  # approximate without a basis: refused, form shown
    assert b"Say how the approximate dates were arrived at." in response.content
    assert not PlanActivity.objects.exists()
    response = pmo_client.post(reverse("plan-create"), {k: str(v) for k, v in BASE.items()})
    assert response.status_code == 302
    activity = PlanActivity.objects.get()
    page = pmo_client.get(reverse("plan-list"))
    assert b"2-week impact assessment" in page.content and b"23/09/24" in page.content
    response = pmo_client.post(
        reverse("plan-edit", args=[activity.pk]),
        {**{k: str(v) for k, v in BASE.items()}, "version": 1, "milestone": "T9-NOPE-1"},
    )
    assert b"T9-NOPE-1 is not in the register." in response.content
    response = pmo_client.post(
        reverse("plan-edit", args=[activity.pk]),
        {**{k: str(v) for k, v in BASE.items()}, "version": 1, "title": "Impact assessment"},
    )
    assert response.status_code == 302
    assert PlanActivity.objects.get().title == "Impact assessment"
    # A stale version is refused with what changed; nothing is saved.
    response = pmo_client.post(
        reverse("plan-edit", args=[activity.pk]),
        {**{k: str(v) for k, v in BASE.items()}, "version": 1, "title": "Other"},
    )
    assert b"Someone else saved this record" in response.content
    response = pmo_client.post(
        reverse("plan-delete", args=[activity.pk]), {"version": 2, "reason": "Not needed"}
    )
    assert response.status_code == 302 and not PlanActivity.objects.exists()


def test_import_page_lists_problems_and_an_observer_is_refused(pmo_client, world, client_for):
    upload = SimpleUploadedFile("plan.csv", (HEADER + ",,activity,x,,,,,\n").encode())
    response = pmo_client.post(reverse("plan-import"), {"file": upload})
    assert response.status_code == 400
    assert b"Nothing was imported" in response.content and b"start_date" in response.content
    observer = client_for(world.users["observer"])
    assert observer.get(reverse("plan-list")).status_code == 200
    assert observer.post(reverse("plan-create"), {}).status_code == 403


def test_export_round_trips_through_the_import(pmo, pmo_client):
    PlanActivityFactory(approximate=True, date_basis="after the CR issue", title="IA")
    exported = pmo_client.get(reverse("plan-export"))
    assert exported["Content-Type"] == "text/csv"
    result = plan_services.plan_activities_import(
        actor=pmo, filename="plan-activities.csv", content=exported.content
    )
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


# --- demo ---------------------------------------------------------------------------------


def test_demo_plan_of_the_m10_slide():
    call_command("load_programme")
    activities = list(plan_selectors.plan_activities())
    assert len(activities) == 43
    assert plan_selectors.plan_lanes() == [
        "Milestones",
        "Programme activities",
        "Planning scenario development",
        "Comms and Engagement",
        "Change Request development",
        "SIT Functional",
        "SIT Migration",
        "SIT Settlement",
        "SIT Operational",
    ]
    assert all(a.source for a in activities)
    assert all(a.date_basis for a in activities if a.approximate)
    assessment = next(a for a in activities if a.title == "2-week impact assessment")
    assert (assessment.start_date, assessment.end_date, assessment.approximate) == (
        date(2024, 9, 23),
        date(2024, 10, 4),
        False,
    )
    sit_ops = next(a for a in activities if a.title == "SIT Operational")
    assert sit_ops.milestone.reference == "T3-TE-0042" and sit_ops.end_date is None
    call_command("load_programme")
    assert PlanActivity.objects.count() == 43 and PlanActivity.history.count() == 43


def test_demo_plan_with_a_bad_row_loads_nothing(tmp_path):
    directory = tmp_path / "psg36"
    shutil.copytree(settings.DEMO_PROGRAMME_DIR, directory)
    path = directory / "plan_activities.csv"
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[5][4] = "2024-13-01"  # line 6: start_date
    rows[7][8] = ""  # line 8: no source
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    with pytest.raises(ImportRejected) as rejected:
        load_programme(directory)
    assert ("plan_activities.csv", 8, "source") in {
        (p.file, p.line, p.column) for p in rejected.value.problems
    }
    assert not PlanActivity.objects.exists()


def test_reasons_fit_the_history(pmo):
    """The history keeps a reason in 100 characters: a longer one is refused, never a 500."""
    activity = PlanActivityFactory()
    with pytest.raises(ValidationError, match="Keep the reason to 91 characters"):
        plan_services.plan_activity_delete(
            actor=pmo, activity=activity, expected_version=1, reason="x" * 92
        )
    assert PlanActivity.objects.filter(pk=activity.pk).exists()
    with pytest.raises(ValidationError, match="Keep the reason to 100 characters"):
        plan_services.plan_activity_update(
            actor=pmo, activity=activity, expected_version=1, reason="y" * 101, title="New"
        )
    # A long file name is cut in the history's reason, and the import goes through.
    result = plan_services.plan_activities_import(
        actor=pmo,
        filename="a-very-long-name-" * 8 + ".csv",
        content=(HEADER + "CR,IA analysis,activity,2024-10-07,,no,,,\n").encode(),
    )
    assert result.created == 1
    record = PlanActivity.objects.get(title="IA analysis").history.first()
    assert len(record.history_change_reason) == 100
