"""The programme dashboard: what each role sees and counts, filters, exports, calendar feeds."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from change_requests.models import ResponseStatus, Stage
from dashboards import programme
from dashboards.programme_calendar import feed_token
from raid.models import Classification
from tests.change_requests.factories import ChangeRequestFactory, InvitationFactory, ResponseFactory
from tests.delivery.factories import DeliveryReportFactory, accepted_report
from tests.factories import ForumFactory, MeetingFactory
from tests.milestones.factories import MilestoneFactory
from tests.raid.factories import RaidItemFactory

pytestmark = pytest.mark.django_db
# The reporting date (no Programme row: today). RAID items count from their creation, now.
ON = timezone.localdate()


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mixed(world):
    """Public and Restricted risks; a draft and a submitted IA response; draft and accepted
    delivery reports of the other organisation."""
    RaidItemFactory(
        reference="R100", title="Public supplier risk", current_score=20, likelihood=4, impact=5
    )
    RaidItemFactory(
        reference="R200",
        title="Secret commercial risk",
        current_score=25,
        likelihood=5,
        impact=5,
        classification=Classification.RESTRICTED,
    )
    cr = ChangeRequestFactory(stage=Stage.IA_OPEN, ia_deadline=ON + timedelta(days=10))
    for org in (world.organisation, world.other_organisation):
        InvitationFactory(change_request=cr, organisation=org)
    ResponseFactory(
        change_request=cr, organisation=world.other_organisation, status=ResponseStatus.DRAFT
    )
    DeliveryReportFactory(organisation=world.other_organisation, title="Other draft report")
    accepted_report(organisation=world.other_organisation, title="Other accepted report")
    return cr


def _panel(panels, key):
    return next(p for p in panels if p.key == key)


def test_participant_sees_no_restricted_item_nor_counts_it(world, mixed, client_for):
    html = client_for(world.users["participant"]).get(reverse("programme-dashboard")).content
    html = html.decode()
    assert "Public supplier risk" in html
    assert "R200" not in html and "Secret commercial risk" not in html
    panels = programme.programme_dashboard(
        user=world.users["participant"], filters=programme.Filters(), on=ON
    )
    raid = _panel(panels, "raid")
    assert raid.extra["heat"].total == 1
    assert [row[0] for row in raid.rows] == ["R100"]
    # Steering members read Restricted items, and count them.
    steering = _panel(
        programme.programme_dashboard(
            user=world.users["steering"], filters=programme.Filters(), on=ON
        ),
        "raid",
    )
    assert steering.extra["heat"].total == 2
    assert [row[0] for row in steering.rows] == ["R200", "R100"]


def test_cached_results_follow_the_reader_and_the_data(world, mixed, client_for):
    url = reverse("programme-dashboard")
    assert b"Secret commercial risk" in client_for(world.users["steering"]).get(url).content
    # The steering member's cached RAID picture is never served to a participant.
    assert b"Secret commercial risk" not in client_for(world.users["participant"]).get(url).content
    # A new item shows at once: the write moved the data version on.
    RaidItemFactory(
        reference="R300", title="Fresh public risk", current_score=24, likelihood=4, impact=5
    )
    assert b"Fresh public risk" in client_for(world.users["participant"]).get(url).content


def test_restricted_item_absent_from_participant_export(world, mixed, client_for):
    client = client_for(world.users["observer"])
    body = client.get(reverse("programme-export", args=["raid", "csv"])).content.decode()
    assert "R100" in body and "R200" not in body


def test_draft_responses_and_reports_are_neither_shown_nor_counted(world, mixed, client_for):
    panels = programme.programme_dashboard(
        user=world.users["participant"], filters=programme.Filters(), on=ON
    )
    ia = _panel(panels, "ia-progress")
    assert ia.extra["progress"][0]["submitted"] == 0
    assert ia.extra["progress"][0]["invited"] == 2
    reports = _panel(panels, "delivery-reports")
    assert [row[0] for row in reports.rows] == ["Other accepted report"]
    html = client_for(world.users["participant"]).get(reverse("programme-dashboard")).content
    assert b"Other draft report" not in html
    assert b"Other accepted report" in html


def test_filters_persist_in_links_and_narrow_panels(world, client_for):
    sitag = ForumFactory(code="SITAG")
    qag = ForumFactory(code="QAG")
    MilestoneFactory(
        reference="T3-DB-0001", forum=sitag, baseline_date=ON, forecast_date=ON + timedelta(days=20)
    )
    MilestoneFactory(
        reference="T2-QU-0002", forum=qag, baseline_date=ON, forecast_date=ON + timedelta(days=10)
    )
    MeetingFactory(forum=sitag, date=ON + timedelta(days=7), title="SITAG meeting")
    client = client_for(world.users["participant"])
    response = client.get(reverse("programme-dashboard"), {"forum": "SITAG", "tier": "T3"})
    html = response.content.decode()
    assert "T3-DB-0001" in html and "T2-QU-0002" not in html
    assert "SITAG meeting" in html
    assert "forum=SITAG&amp;tier=T3" in html  # export links keep the filters
    assert reverse("milestone-list") + "?forum=SITAG&amp;tier=T3" in html
    body = client.get(
        reverse("programme-export", args=["look-ahead", "csv"]), {"forum": "QAG"}
    ).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Date", "What", "Title", "Forum"]
    assert [r[2].split()[0] for r in rows[1:]] == ["T2-QU-0002"]


def test_bad_filters_are_reported_and_ignored(world, client_for):
    response = client_for(world.users["observer"]).get(
        reverse("programme-dashboard"),
        {"forum": "NOPE", "workstream": "1234", "date_from": "2024-10-01", "date_to": "2024-09-01"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in html and "2 to 4 letters" in html


def test_every_panel_exports_csv_and_xlsx(world, client_for):
    client = client_for(world.users["pmo"])
    for key in programme.PANELS:
        built = programme.build_panel(
            key, user=world.users["pmo"], filters=programme.Filters(), on=ON
        )
        headers = built.download()[0]
        body = client.get(reverse("programme-export", args=[key, "csv"])).content.decode()
        assert next(csv.reader(io.StringIO(body))) == headers
        response = client.get(reverse("programme-export", args=[key, "xlsx"]))
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in next(sheet.iter_rows())] == headers
    assert client.get(reverse("programme-export", args=["nope", "csv"])).status_code == 404
    assert client.get(reverse("programme-export", args=["raid", "pdf"])).status_code == 404


def test_calendar_feed_by_token(world, client):
    psg = ForumFactory(code="PSG", name="Programme Steering Group", level=2)
    MilestoneFactory(
        reference="T1-RE-1000",
        forum=psg,
        baseline_date=ON,
        forecast_date=ON + timedelta(days=3),
        title="Code baselined",
    )
    MeetingFactory(forum=psg, number=37, date=ON + timedelta(days=28), title="PSG #37")
    user = world.users["participant"]
    url = reverse("programme-calendar", args=["PSG"])
    response = client.get(url, {"user": user.pk, "token": feed_token(user)})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body and "T1-RE-1000 Code baselined" in body
    assert "PSG #37" in body
    assert f"DTSTART;VALUE=DATE:{ON + timedelta(days=3):%Y%m%d}" in body
    assert client.get(url, {"user": user.pk, "token": "forged"}).status_code == 403
    assert client.get(url).status_code == 403
    # Changing the password revokes the link.
    token = feed_token(user)
    user.set_password("a-new-password-2024")
    user.save()
    assert client.get(url, {"user": user.pk, "token": token}).status_code == 403
    user.is_active = False
    user.save()
    assert client.get(url, {"user": user.pk, "token": feed_token(user)}).status_code == 403


def test_calendar_page_lists_personal_links(world, client_for):
    ForumFactory(code="PSG", name="Programme Steering Group", level=2)
    user = world.users["observer"]
    html = client_for(user).get(reverse("programme-calendar-feeds")).content.decode()
    assert f"user={user.pk}&amp;token={feed_token(user)}" in html
