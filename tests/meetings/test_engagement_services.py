"""Engagement events: the model's named constraints, the services (permission, validation, stale
edits, history) and the import shared by the PMO's upload and the programme loader."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from meetings.engagement_services import (
    engagement_event_create,
    engagement_event_delete,
    engagement_event_update,
    engagement_events_import,
)
from meetings.models import EngagementEvent
from portal.concurrency import StaleEdit
from portal.importing import ImportRejected
from tests.factories import ForumFactory, OrganisationFactory
from tests.meetings.factories import EngagementEventFactory

pytestmark = pytest.mark.django_db

TUESDAY = date(2024, 9, 3)
MONDAY = date(2024, 9, 2)


def _fields(**overrides):
    fields = {
        "title": "Elexon Account Meeting",
        "date": TUESDAY,
        "precision": "day",
        "end_date": None,
        "category": "central_parties",
        "status": "planned",
        "purpose": "",
        "forum": None,
        "organisation": None,
        "source_note": "",
    }
    fields.update(overrides)
    return fields


# Named database constraints ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"title": ""}, "engagement_event_has_title"),
        ({"precision": "month"}, "engagement_event_precision_valid"),
        ({"status": "maybe"}, "engagement_event_status_valid"),
        ({"category": "press"}, "engagement_event_category_valid"),
        ({"precision": "period"}, "engagement_event_period_has_end"),
        ({"precision": "period", "end_date": date(2024, 9, 1)}, "engagement_event_period_has_end"),
        ({"end_date": date(2024, 9, 20)}, "engagement_event_period_has_end"),
    ],
)
def test_database_refuses_what_the_model_forbids(values, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        EngagementEvent.objects.create(**{**_fields(), **values})


def test_keys_are_unique_but_may_be_empty():
    EngagementEvent.objects.create(**_fields(), key="")
    EngagementEvent.objects.create(**_fields(), key="")
    EngagementEvent.objects.create(**_fields(), key="psg36-fl-ipa")
    with pytest.raises(IntegrityError, match="engagement_event_unique_key"), transaction.atomic():
        EngagementEvent.objects.create(**_fields(), key="psg36-fl-ipa")


# Services ------------------------------------------------------------------------------------


def test_pmo_plans_an_event_and_history_records_who(world):
    pmo = world.users["pmo"]
    event = engagement_event_create(actor=pmo, **_fields(purpose="Present CR for approval"))
    assert event.version == 1 and event.when == "03/09/24"
    record = event.history.get()
    assert record.history_user == pmo and record.history_change_reason == "Engagement planned"


@pytest.mark.parametrize("role", ["participant", "observer", "steering", "chair"])
def test_only_pmo_may_write(world, role):
    user = world.users[role]
    event = EngagementEventFactory()
    with pytest.raises(PermissionDenied):
        engagement_event_create(actor=user, **_fields())
    with pytest.raises(PermissionDenied):
        engagement_event_update(actor=user, event=event, expected_version=1, **_fields())
    with pytest.raises(PermissionDenied):
        engagement_event_delete(actor=user, event=event, expected_version=1)
    assert EngagementEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"date": date(2024, 9, 7)}, "date", "Monday to Friday"),
        ({"precision": "week"}, "date", "week's Monday"),
        ({"precision": "period"}, "end_date", "period's last day"),
        ({"precision": "period", "end_date": MONDAY}, "end_date", "cannot end before"),
        ({"end_date": date(2024, 9, 20)}, "end_date", "Only an event within a period"),
        ({"title": ""}, "title", "cannot be blank"),
        ({"category": "press"}, "category", "not a valid choice"),
    ],
)
def test_bad_values_are_refused_with_a_message_and_nothing_is_saved(world, values, field, message):
    with pytest.raises(ValidationError) as error:
        engagement_event_create(actor=world.users["pmo"], **_fields(**values))
    assert message in " ".join(error.value.message_dict[field])
    assert not EngagementEvent.objects.exists()


def test_a_duplicate_key_is_refused_in_words(world):
    engagement_event_create(actor=world.users["pmo"], key="ipa", **_fields())
    with pytest.raises(ValidationError, match="already has this key"):
        engagement_event_create(actor=world.users["pmo"], key="ipa", **_fields())


def test_update_records_the_change_and_refuses_a_stale_edit(world):
    pmo = world.users["pmo"]
    event = engagement_event_create(actor=pmo, **_fields())
    engagement_event_update(
        actor=pmo,
        event=event,
        expected_version=1,
        reason="Moved to the week",
        **_fields(date=MONDAY, precision="week", status="to_be_arranged"),
    )
    event.refresh_from_db()
    assert (event.version, event.precision, event.when) == (2, "week", "week of 02/09/24")
    assert event.history.first().history_change_reason == "Moved to the week"

    stale = EngagementEvent.objects.get(pk=event.pk)
    with pytest.raises(StaleEdit, match="your version 1, now 2"):
        engagement_event_update(
            actor=pmo, event=stale, expected_version=1, **_fields(title="Overwritten")
        )
    with pytest.raises(StaleEdit):
        engagement_event_delete(actor=pmo, event=stale, expected_version=1)
    event.refresh_from_db()
    assert event.title == "Elexon Account Meeting"


def test_delete_leaves_a_history_record(world):
    pmo = world.users["pmo"]
    event = engagement_event_create(actor=pmo, **_fields())
    pk = event.pk
    engagement_event_delete(actor=pmo, event=event, expected_version=1)
    assert not EngagementEvent.objects.filter(pk=pk).exists()
    removed = EngagementEvent.history.filter(id=pk).first()
    assert removed.history_type == "-" and removed.history_user == pmo


# Import --------------------------------------------------------------------------------------

HEADER = (
    "key,title,date,precision,end_date,category,status,purpose,forum,organisation,source,"
    "date_basis\n"
)
GOOD = HEADER + (
    "cb,Change Board,2024-08-26,period,2024-09-20,Change control,planned,,CB,,Slide X,"
    "within the period\n"
    "ftig-1,FTIG,2024-08-26,week,,Programme governance,planned,,,,Slide X,runs weekly\n"
    "ipa,IPA,2024-09-03,day,,ofgem_ipa,to be arranged,Walkthrough,,IPA,,\n"
)


def test_import_adds_then_updates_by_key_and_a_second_run_changes_nothing(world):
    ForumFactory(code="CB", name="Change Board")
    ipa = OrganisationFactory(name="IPA")
    pmo = world.users["pmo"]
    result = engagement_events_import(actor=pmo, filename="e.csv", content=GOOD.encode())
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    board = EngagementEvent.objects.get(key="cb")
    assert board.forum.code == "CB" and board.end_date == date(2024, 9, 20)
    assert board.source_note == "Slide X. Date: within the period"
    walk = EngagementEvent.objects.get(key="ipa")
    assert (walk.organisation, walk.status, walk.category) == (ipa, "to_be_arranged", "ofgem_ipa")
    assert walk.history.get().history_change_reason == "Imported from e.csv"

    again = engagement_events_import(actor=pmo, filename="e.csv", content=GOOD.encode())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert EngagementEvent.history.count() == 3

    moved = GOOD.replace("2024-09-03,day", "2024-09-04,day")
    third = engagement_events_import(actor=pmo, filename="e.csv", content=moved.encode())
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    assert EngagementEvent.objects.get(key="ipa").date == date(2024, 9, 4)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("x,FTIG,2024-08-27,week,,,planned,,,,,", "date", "week's Monday"),
        ("x,FTIG,2024-08-31,day,,,planned,,,,,", "date", "Monday to Friday"),
        ("x,FTIG,2024-08-26,period,,,planned,,,,,", "end_date", "period's last day"),
        ("x,FTIG,26/08/24,day,,,planned,,,,,", "date", "YYYY-MM-DD"),
        ("x,FTIG,2024-08-26,month,,,planned,,,,,", "precision", "is not one of"),
        ("x,FTIG,2024-08-26,day,,Press,planned,,,,,", "category", "is not one of"),
        ("x,FTIG,2024-08-26,day,,,maybe,,,,,", "status", "is not one of"),
        ("x,FTIG,2024-08-26,day,,,planned,,NOPE,,,", "forum", "not a forum code"),
        ("x,FTIG,2024-08-26,day,,,planned,,,Nobody Ltd,,", "organisation", "not a known"),
        ("x y,FTIG,2024-08-26,day,,,planned,,,,,", "key", "letters, digits"),
        ("cb,FTIG,2024-08-26,day,,,planned,,,,,", "key", "also on line 2"),
        (",FTIG,2024-08-26,day,,,planned,,,,,", "key", "is required"),
        ("x,,2024-08-26,day,,,planned,,,,,", "title", "is required"),
    ],
)
def test_import_is_all_or_nothing_and_names_line_and_column(world, row, column, message):
    ForumFactory(code="CB", name="Change Board")
    content = GOOD.splitlines()[0] + "\n" + GOOD.splitlines()[1] + "\n" + row + "\n"
    with pytest.raises(ImportRejected) as rejected:
        engagement_events_import(
            actor=world.users["pmo"], filename="e.csv", content=content.encode()
        )
    [problem] = rejected.value.problems
    assert (problem.file, problem.line, problem.column) == ("e.csv", 3, column)
    assert message in problem.message
    assert not EngagementEvent.objects.exists()


def test_import_refuses_a_missing_column_an_empty_file_and_a_participant(world):
    with pytest.raises(ImportRejected, match="column is missing"):
        engagement_events_import(
            actor=world.users["pmo"], filename="e.csv", content=b"key,title\nx,FTIG\n"
        )
    with pytest.raises(ImportRejected, match="no rows"):
        engagement_events_import(
            actor=world.users["pmo"], filename="e.csv", content=HEADER.encode()
        )
    with pytest.raises(PermissionDenied):
        engagement_events_import(
            actor=world.users["participant"], filename="e.csv", content=GOOD.encode()
        )
    assert not EngagementEvent.objects.exists()
