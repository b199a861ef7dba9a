import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milestones import services
from milestones.models import Milestone, Reforecast
from tests.factories import ForumFactory, MeetingFactory
from tests.milestones.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def _register_queries(client, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(reverse("milestone-list"), {"forum": "SITAG", "sort": "forecast"})
    assert response.status_code == 200
    return response


def test_register_query_count_does_not_grow_with_rows(world, pmo_client, django_assert_num_queries):
    forum = ForumFactory(code="SITAG")
    org = world.organisation
    MilestoneFactory.create_batch(3, forum=forum, responsible_organisation=org)
    with CaptureQueriesContext(connection) as few:
        pmo_client.get(reverse("milestone-list"), {"forum": "SITAG", "sort": "forecast"})
    baseline = len(few.captured_queries)
    assert baseline <= 8
    MilestoneFactory.create_batch(45, forum=forum, responsible_organisation=org)
    response = _register_queries(pmo_client, django_assert_num_queries, baseline)
    assert response.content.count(b'id="milestone-row-') == 48


def test_register_shows_rag_with_reason_and_filters(world, client_for):
    forum = ForumFactory(code="QAG")
    late = MilestoneFactory(
        forum=forum,
        forum_stream="Non-SIT LDSO",
        title="Late one",
        baseline_date=date(2024, 8, 1),
        forecast_date=date(2024, 8, 1),
    )
    MilestoneFactory(forum=ForumFactory(code="SITAG"), title="Elsewhere")
    services.milestones_recompute(on=date(2024, 8, 28))
    client = client_for(world.users["observer"])
    page = client.get(reverse("milestone-list"), {"forum": "QAG", "rag": "R"}).content.decode()
    assert "Late one" in page and "Elsewhere" not in page
    assert "QAG (Non-SIT LDSO)" in page
    assert "Baseline date 01 Aug 2024 has passed" in page
    # Readers get no edit controls.
    assert reverse("milestone-inline", args=[late.pk, "forecast"]) not in page
    window = {"date_from": "2024-09-01", "date_to": "2024-08-01"}
    bad = client.get(reverse("milestone-list"), window)
    assert "must be on or before" in bad.content.decode()


def test_inline_reforecast_asks_for_a_reason_and_records_it(world, pmo_client):
    m = MilestoneFactory(forecast_date=date(2024, 9, 30))
    url = reverse("milestone-inline", args=[m.pk, "forecast"])
    form = pmo_client.get(url, HTTP_HX_REQUEST="true")
    assert b'name="reason"' in form.content and b"<tr" in form.content
    refused = pmo_client.post(
        url, {"version": 1, "forecast_date": "2024-10-04", "reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert b"This field is required" in refused.content
    assert Milestone.objects.get(pk=m.pk).forecast_date == date(2024, 9, 30)
    saved = pmo_client.post(
        url,
        {"version": 1, "forecast_date": "2024-10-04", "reason": "Vendor slip"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200
    assert b"Fri 04/10/24" in saved.content and b'name="reason"' not in saved.content
    change = Reforecast.objects.get(milestone=m)
    assert (change.reason, change.changed_by) == ("Vendor slip", world.users["pmo"])


def test_inline_commentary_and_at_risk(pmo_client):
    m = MilestoneFactory(baseline_date=date(2030, 1, 31))
    r = pmo_client.post(
        reverse("milestone-inline", args=[m.pk, "commentary"]),
        {"version": 1, "commentary": "Waiting on PPs"},
        HTTP_HX_REQUEST="true",
    )
    assert b"Waiting on PPs" in r.content
    # Flagging needs a reason: refused without one, nothing saved, the form says why.
    r = pmo_client.post(
        reverse("milestone-inline", args=[m.pk, "at_risk"]),
        {"version": 2, "at_risk": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert b"Say why the milestone is at risk." in r.content
    assert not Milestone.objects.get(pk=m.pk).at_risk
    r = pmo_client.post(
        reverse("milestone-inline", args=[m.pk, "at_risk"]),
        {"version": 2, "at_risk": "on", "at_risk_reason": "PP submissions late"},
        HTTP_HX_REQUEST="true",
    )
    m.refresh_from_db()
    assert m.at_risk and m.commentary == "Waiting on PPs"
    assert m.at_risk_reason == "PP submissions late"
    assert b"At risk" in r.content and m.rag == "A"
    # Without htmx the same post returns to the register.
    r = pmo_client.post(reverse("milestone-inline", args=[m.pk, "at_risk"]), {"version": 3})
    assert r.status_code == 302
    cleared = Milestone.objects.get(pk=m.pk)
    assert not cleared.at_risk and cleared.at_risk_reason == ""


def test_inline_stale_edit_is_refused_with_what_changed(world, pmo_client):
    m = MilestoneFactory(commentary="original")
    services.milestone_update(
        actor=world.users["pmo"], milestone=m, expected_version=1, commentary="Someone else's words"
    )
    r = pmo_client.post(
        reverse("milestone-inline", args=[m.pk, "commentary"]),
        {"version": 1, "commentary": "Mine"},
        HTTP_HX_REQUEST="true",
    )
    body = r.content.decode()
    assert "Someone else saved this record" in body and "Someone else&#x27;s words" in body
    assert Milestone.objects.get(pk=m.pk).commentary == "Someone else's words"
    assert 'name="version" value="2"' in body  # a deliberate second save is possible


def test_edit_form_stale_version_refused(world, pmo_client):
    m = MilestoneFactory(title="Old")
    url = reverse("milestone-edit", args=[m.pk])
    services.milestone_update(
        actor=world.users["pmo"], milestone=m, expected_version=1, title="Changed by Alice"
    )
    r = pmo_client.post(
        url,
        {
            "version": 1,
            "title": "Bob's title",
            "forum": m.forum_id,
            "forecast_date": m.forecast_date.isoformat(),
        },
    )
    assert r.status_code == 200
    assert "Changed by Alice" in r.content.decode()
    assert Milestone.objects.get(pk=m.pk).title == "Changed by Alice"


def test_edit_form_reforecast_needs_reason(pmo_client):
    m = MilestoneFactory(forecast_date=date(2024, 9, 30))
    url = reverse("milestone-edit", args=[m.pk])
    data = {"version": 1, "title": m.title, "forum": m.forum_id, "forecast_date": "2024-10-30"}
    r = pmo_client.post(url, data)
    assert "Say why the forecast date changes" in r.content.decode()
    r = pmo_client.post(
        url,
        {**data, "forecast_reason": "Replan", "rag_override": "G", "override_reason": "SRO call"},
    )
    assert r.status_code == 302
    m.refresh_from_db()
    assert (m.forecast_date, m.rag_override, m.version) == (date(2024, 10, 30), "G", 3)


def test_participant_cannot_post_inline(world, client_for):
    m = MilestoneFactory()
    client = client_for(world.users["other_participant"])
    r = client.post(
        reverse("milestone-inline", args=[m.pk, "commentary"]), {"version": 1, "commentary": "x"}
    )
    assert r.status_code == 403
    assert Milestone.objects.get(pk=m.pk).commentary == ""


def test_import_page_one_bad_row_changes_nothing(pmo_client):
    ForumFactory(code="QAG")
    content = (
        b"ref,forum,title,baseline_date,forecast_date\n"
        b"T3-QU-0001,QAG,Good,2024-09-01,2024-09-01\n"
        b"T3-QU-0002,QAG,Bad,01/09/2024,2024-09-01\n"
        b"T3-QU-0003,QAG,Good,2024-09-01,2024-09-01\n"
    )
    r = pmo_client.post(
        reverse("milestone-import"), {"file": SimpleUploadedFile("m.csv", content, "text/csv")}
    )
    body = r.content.decode()
    assert r.status_code == 400
    assert "Nothing was imported" in body and "Line 3" in body and "baseline_date" in body
    assert not Milestone.objects.exists()


def test_import_xlsx_round_trip_of_export(world, pmo_client):
    from openpyxl import load_workbook

    forum = ForumFactory(code="MCAG")
    MilestoneFactory(
        reference="T3-MI-0033",
        forum=forum,
        forum_stream="Transition",
        commentary="Awaiting code bodies",
    )
    MilestoneFactory(reference="T3-MI-0034", forum=ForumFactory(code="QAG"))
    r = pmo_client.get(reverse("milestone-export"), {"forum": "MCAG", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("ref", "forum", "title", "baseline_date", "forecast_date")
    assert [row[0] for row in rows[1:]] == ["T3-MI-0033"]
    assert rows[1][1] == "MCAG (Transition)"
    r = pmo_client.post(
        reverse("milestone-import"), {"file": SimpleUploadedFile("back.xlsx", r.content)}
    )
    assert r.status_code == 302
    assert Milestone.objects.get(reference="T3-MI-0033").forum_stream == "Transition"


def test_export_csv_is_filtered(world, client_for):
    MilestoneFactory(reference="T3-TE-0001", title="Alpha")
    MilestoneFactory(reference="T3-TE-0002", title="Beta")
    r = client_for(world.users["participant"]).get(reverse("milestone-export"), {"q": "Alpha"})
    text = r.content.decode()
    assert r["Content-Type"].startswith("text/csv")
    assert "T3-TE-0001" in text and "T3-TE-0002" not in text


def test_dashboard_headers_carry_the_three_dates(world, client_for):
    MeetingFactory(date=date(2024, 9, 4))
    MilestoneFactory(baseline_date=date(2024, 8, 27), forecast_date=date(2024, 8, 27))
    services.snapshot_take(on=date(2024, 8, 21))
    r = client_for(world.users["observer"]).get(
        reverse("milestone-dashboard"), {"on": "2024-08-28"}
    )
    body = r.content.decode()
    assert "Previous RAG 21/08/24" in body
    assert "Current RAG 28/08/24" in body
    assert "Forecast RAG 04/09/24" in body
    assert "rag--R" in body and "Baseline date 27 Aug 2024 has passed" in body


def test_detail_shows_reason_history_and_trend(world, client_for):
    m = MilestoneFactory(forecast_date=date(2024, 9, 30))
    p = MilestoneFactory(title="Upstream")
    m.predecessors.add(p)
    services.milestone_reforecast(
        actor=world.users["pmo"], milestone=m, forecast_date=date(2024, 10, 7), reason="Vendor slip"
    )
    body = (
        client_for(world.users["other_participant"])
        .get(reverse("milestone-detail", args=[m.pk]))
        .content.decode()
    )
    assert "Vendor slip" in body and "<polyline" in body and "Upstream" in body
    assert "Reforecast: Vendor slip" in body  # change history with its reason


def test_home_panel_counts_rags(world, client_for):
    MilestoneFactory(baseline_date=date(2024, 8, 1), forecast_date=date(2024, 8, 1))
    services.milestones_recompute(on=date(2024, 8, 28))
    body = client_for(world.users["observer"]).get(reverse("home")).content.decode()
    assert "1 in the register" in body and "Red: 1" in body


def test_create_and_rebaseline_pages(world, pmo_client):
    forum = ForumFactory(code="SITAG")
    r = pmo_client.post(
        reverse("milestone-create"),
        {
            "reference": "T2-TE-0700",
            "forum": forum.pk,
            "title": "Preparation complete",
            "baseline_date": "2024-08-26",
            "forecast_date": "2024-09-26",
        },
    )
    m = Milestone.objects.get(reference="T2-TE-0700")
    assert r.status_code == 302 and (m.tier, m.workstream) == ("T2", "TE")
    duplicate = pmo_client.post(
        reverse("milestone-create"),
        {
            "reference": "T2-TE-0700",
            "forum": forum.pk,
            "title": "Again",
            "baseline_date": "2024-08-26",
            "forecast_date": "2024-09-26",
        },
    )
    assert "already in the register" in duplicate.content.decode()
    url = reverse("milestone-rebaseline", args=[m.pk])
    r = pmo_client.post(url, {"version": 1, "baseline_date": "2024-09-26", "reason": ""})
    assert r.status_code == 200
    assert Milestone.objects.get(pk=m.pk).baseline_date == date(2024, 8, 26)
    r = pmo_client.post(url, {"version": 1, "baseline_date": "2024-09-26", "reason": "CR054"})
    assert r.status_code == 302
    assert Milestone.objects.get(pk=m.pk).history.first().history_change_reason == (
        "Rebaselined: CR054"
    )


def test_edit_sets_predecessors_by_reference_and_refuses_unknown_or_cycles(pmo_client):
    a = MilestoneFactory(reference="T3-DB-0153")
    b = MilestoneFactory(reference="T3-DB-0154")
    url = reverse("milestone-edit", args=[b.pk])
    data = {
        "version": 1,
        "title": b.title,
        "forum": b.forum_id,
        "forecast_date": b.forecast_date.isoformat(),
    }
    r = pmo_client.post(url, {**data, "predecessors": "t3-db-0153, T3-XX-0001"})
    assert "Not in the register: T3-XX-0001" in r.content.decode()
    r = pmo_client.post(url, {**data, "predecessors": "T3-DB-0154"})
    assert "cannot depend on itself" in r.content.decode()
    r = pmo_client.post(url, {**data, "predecessors": "t3-db-0153"})
    assert r.status_code == 302
    assert list(b.predecessors.all()) == [a]
    back = reverse("milestone-edit", args=[a.pk])
    r = pmo_client.post(
        back,
        {
            "version": 1,
            "title": a.title,
            "forum": a.forum_id,
            "forecast_date": a.forecast_date.isoformat(),
            "predecessors": "T3-DB-0154",
        },
    )
    assert "would make the milestone depend on itself" in r.content.decode()
    assert pmo_client.get(url).content.decode().count("T3-DB-0153") >= 1
