"""The planned-engagement pages: the forward look for every reader, PMO's planning, refusals."""

import html
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import EngagementEvent
from portal.models import Programme
from tests.meetings.factories import EngagementEventFactory

pytestmark = pytest.mark.django_db

LOOK = reverse("meeting-forward-look")


@pytest.fixture
def slide(psg36):
    """The slide's first weeks: reporting as at Wed 28 Aug 2024, PSG 36 on Wed 4 Sep."""
    Programme.objects.update_or_create(
        pk=1, defaults={"name": "MHHS", "reporting_date": date(2024, 8, 28)}
    )
    return {
        "meeting": psg36,
        "ftig": EngagementEventFactory(
            title="FTIG", date=date(2024, 9, 2), precision="week", category="programme_governance"
        ),
        "cohort": EngagementEventFactory(
            title="Cohort F execution modelling meeting",
            date=date(2024, 8, 26),
            precision="period",
            end_date=date(2024, 9, 20),
            category="industry_engagement",
        ),
        "webinar": EngagementEventFactory(
            title="Change Request Webinar",
            date=date(2024, 9, 12),
            category="change_control",
            status="to_be_arranged",
            purpose="Present CR",
        ),
    }


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_a_participant_reads_the_forward_look_of_the_reporting_week(slide, world, client_for):
    response = client_for(world.users["participant"]).get(LOOK)
    assert response.status_code == 200
    page = text(response)
    assert "Mon 26/08/24 to Fri 20/09/24" in page
    assert "Late Summer Bank Holiday" in page
    for title in (
        "PSG 36",
        "FTIG",
        "Cohort F execution modelling meeting",
        "Change Request Webinar",
    ):
        assert title in page, title
    assert "To be arranged" in page and "Present CR" in page
    assert "Industry engagement" in page and "Change control" in page  # categories in words
    content = response.content.decode()
    assert reverse("meeting-detail", args=[slide["meeting"].pk]) in content  # meetings link on
    assert reverse("meeting-engagement-add") not in content
    assert reverse("meeting-engagement-edit", args=[slide["ftig"].pk]) not in content


def test_pmo_sees_planning_links(slide, world, client_for):
    content = client_for(world.users["pmo"]).get(LOOK).content.decode()
    assert reverse("meeting-engagement-add") in content
    assert reverse("meeting-engagement-import") in content
    assert reverse("meeting-engagement-edit", args=[slide["webinar"].pk]) in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("start=2024-09-11&weeks=2", "Mon 09/09/24 to Fri 20/09/24 (2 weeks)"),
        ("start=2024-09-09&weeks=1", "Mon 09/09/24 to Fri 13/09/24 (1 week)"),
        ("weeks=12", "Mon 26/08/24 to Fri 15/11/24 (12 weeks)"),
    ],
)
def test_window_controls(slide, world, client_for, query, expected):
    page = text(client_for(world.users["observer"]).get(f"{LOOK}?{query}"))
    assert expected in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("weeks=13", "less than or equal to 12"),
        ("weeks=0", "greater than or equal to 1"),
        ("weeks=four", "Enter a whole number"),
        ("start=2024-02-31", "Enter a valid date"),
    ],
)
def test_bad_window_controls_say_why_and_show_the_default(slide, world, client_for, query, message):
    response = client_for(world.users["observer"]).get(f"{LOOK}?{query}")
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "Mon 26/08/24 to Fri 20/09/24 (4 weeks)" in page


def test_an_empty_window_says_so(slide, world, client_for):
    page = text(client_for(world.users["observer"]).get(f"{LOOK}?start=2030-01-07"))
    assert "Nothing is planned in these weeks" in page


def test_pmo_plans_an_event_and_lands_on_its_week(slide, world, client_for):
    client = client_for(world.users["pmo"])
    response = client.post(
        reverse("meeting-engagement-add"),
        {
            "title": "RECCo Account Meeting",
            "precision": "week",
            "date": "2024-09-16",
            "category": "central_parties",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LOOK}?start=2024-09-16"
    assert "RECCo Account Meeting" in text(client.get(response["Location"]))


def test_a_bad_event_is_refused_on_the_form_and_nothing_is_saved(slide, world, client_for):
    before = EngagementEvent.objects.count()
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-engagement-add"),
        {
            "title": "Saturday session",
            "precision": "day",
            "date": "2024-08-31",
            "status": "planned",
        },
    )
    assert response.status_code == 200
    assert "The forward look runs Monday to Friday" in text(response)
    assert EngagementEvent.objects.count() == before


def test_edit_refuses_a_stale_version_and_keeps_the_other_edit(slide, world, client_for):
    event = slide["webinar"]
    url = reverse("meeting-engagement-edit", args=[event.pk])
    data = {
        "version": event.version,
        "title": "Change Request Webinar",
        "precision": "day",
        "date": "2024-09-12",
        "category": "change_control",
        "status": "planned",
    }
    client = client_for(world.users["pmo"])
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "title": "Stale title"})
    assert response.status_code == 200
    assert "Someone else saved this record" in text(response)
    event.refresh_from_db()
    assert (event.title, event.status, event.version) == ("Change Request Webinar", "planned", 2)


def test_delete_asks_first_then_removes(slide, world, client_for):
    event = slide["webinar"]
    url = reverse("meeting-engagement-delete", args=[event.pk])
    client = client_for(world.users["pmo"])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Delete “Change Request Webinar”?" in confirm.content.decode()
    assert EngagementEvent.objects.filter(pk=event.pk).exists()
    stale = client.post(url, {"version": event.version + 1})
    assert stale.status_code == 200 and "Someone else saved" in text(stale)
    assert EngagementEvent.objects.filter(pk=event.pk).exists()
    done = client.post(url, {"version": event.version})
    assert done.status_code == 302
    assert not EngagementEvent.objects.filter(pk=event.pk).exists()


def test_import_lists_every_problem_with_line_and_column_and_imports_nothing(world, client_for):
    content = (
        "key,title,date,precision,category,status\n"
        "ok,FTIG,2024-08-26,week,Programme governance,planned\n"
        "bad,FTIG,2024-08-27,week,Programme governance,planned\n"
        "worse,IPA,2024-08-27,day,Regulators,planned\n"
    )
    client = client_for(world.users["pmo"])
    response = client.post(
        reverse("meeting-engagement-import"),
        {"file": SimpleUploadedFile("plan.csv", content.encode(), "text/csv")},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was imported: 2 problems" in page
    assert "Line 3, column date : A week-precision event is dated by its week's Monday" in page
    assert "Line 4, column category : 'Regulators' is not one of" in page
    assert not EngagementEvent.objects.exists()

    good = "\n".join(content.splitlines()[:2]) + "\n"
    response = client.post(
        reverse("meeting-engagement-import"),
        {"file": SimpleUploadedFile("plan.csv", good.encode(), "text/csv")},
    )
    assert response.status_code == 302
    assert EngagementEvent.objects.get().key == "ok"


def test_import_refuses_a_file_that_is_not_a_table(world, client_for):
    response = client_for(world.users["pmo"]).post(
        reverse("meeting-engagement-import"),
        {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file." in text(response)
