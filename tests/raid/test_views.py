"""RAID pages: filters and sort, inline (htmx) re-scoring and steps, refusals, stale edits."""

import pytest
from django.urls import reverse

from raid import services
from raid.models import Classification, RaidItem
from tests.raid.factories import RaidItemFactory, ThemeFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def log(psg_meetings):
    theme = ThemeFactory(name="Migration")
    return {
        "high": RaidItemFactory(
            reference="R1",
            title="High one",
            likelihood=3,
            impact=5,
            current_score=24,
            theme=theme,
            owner_text="DCC",
        ),
        "low": RaidItemFactory(
            reference="R2", title="Low one", likelihood=1, impact=2, current_score=3
        ),
        "issue": RaidItemFactory(
            reference="I3", type="issue", title="An issue", likelihood=4, impact=5, current_score=25
        ),
    }


def titles(response):
    return [row["item"].title for row in response.context["rows"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["An issue", "High one", "Low one"]),
        ({"sort": "score"}, ["Low one", "High one", "An issue"]),
        ({"type": "issue"}, ["An issue"]),
        ({"band": "high"}, ["High one"]),
        ({"owner": "dcc"}, ["High one"]),
        ({"q": "low"}, ["Low one"]),
        ({"likelihood": 1, "impact": 2}, ["Low one"]),
        ({"status": "closed"}, []),
        ({"classification": "public"}, ["An issue", "High one", "Low one"]),
        ({"sort": "nonsense", "band": "purple"}, ["An issue", "High one", "Low one"]),
    ],
)
def test_log_filters_and_sort(log, world, client_for, params, expected):
    response = client_for(world.users["steering"]).get(reverse("raid-log"), params)
    assert response.status_code == 200
    assert titles(response) == expected


def test_theme_filter(log, world, client_for):
    theme = log["high"].theme
    response = client_for(world.users["pmo"]).get(reverse("raid-log"), {"theme": theme.pk})
    assert titles(response) == ["High one"]


def test_inline_rescore_with_htmx_returns_the_block(log, world, client_for):
    client = client_for(world.users["pmo"])
    url = reverse("raid-item-score", kwargs={"reference": "r1"})
    form = client.get(url, **HTMX)
    assert 'hx-post="/raid/items/R1/score/"' in form.content.decode()
    response = client.post(
        url, {"version": 1, "likelihood": 1, "impact": 1, "reason": "Mitigated"}, **HTMX
    )
    assert response.status_code == 200
    assert 'id="score-block"' in response.content.decode()
    item = RaidItem.objects.get(reference="R1")
    assert item.current_score == 1
    assert item.history.first().history_change_reason == "Mitigated"


def test_stale_inline_rescore_is_refused_and_explained(log, world, client_for):
    pmo = world.users["pmo"]
    item = log["high"]
    services.raid_item_rescore(
        actor=pmo, item=item, expected_version=item.version, likelihood=2, impact=2
    )
    response = client_for(pmo).post(
        reverse("raid-item-score", kwargs={"reference": "R1"}),
        {"version": 1, "likelihood": 5, "impact": 5},
        **HTMX,
    )
    body = response.content.decode()
    assert "Someone else saved this record" in body
    assert RaidItem.objects.get(reference="R1").current_score == 5


def test_stale_full_edit_is_refused(log, world, client_for):
    pmo = world.users["pmo"]
    item = log["high"]
    services.raid_item_update(actor=pmo, item=item, expected_version=1, title="Theirs")
    response = client_for(pmo).post(
        reverse("raid-item-edit", kwargs={"reference": "R1"}),
        {
            "version": 1,
            "reference": "R1",
            "type": "risk",
            "title": "Mine",
            "classification": "public",
        },
    )
    assert response.status_code == 200
    assert "Someone else saved" in response.content.decode()
    assert RaidItem.objects.get(reference="R1").title == "Theirs"


def test_rescore_without_htmx_redirects(log, world, client_for):
    response = client_for(world.users["pmo"]).post(
        reverse("raid-item-score", kwargs={"reference": "R1"}),
        {"version": 1, "score": 12},
    )
    assert response.status_code == 302
    item = RaidItem.objects.get(reference="R1")
    assert (item.current_score, item.score_given_directly) == (12, True)


@pytest.mark.parametrize("role", ["participant", "observer", "steering"])
def test_only_pmo_rescores(log, world, client_for, role):
    response = client_for(world.users[role]).post(
        reverse("raid-item-score", kwargs={"reference": "R1"}),
        {"version": 1, "likelihood": 1, "impact": 1},
        **HTMX,
    )
    assert response.status_code == 403
    assert RaidItem.objects.get(reference="R1").current_score == 24


def test_steps_inline_add_edit_and_move(log, world, client_for):
    client = client_for(world.users["pmo"])
    add = reverse("raid-step-add", kwargs={"reference": "R1"})
    client.post(add, {"new-text": "First", "new-state": "not_started"}, **HTMX)
    response = client.post(add, {"new-text": "Second", "new-state": "in_progress"}, **HTMX)
    assert 'id="steps"' in response.content.decode()
    steps = list(log["high"].steps.order_by("position"))
    assert [s.text for s in steps] == ["First", "Second"]
    second = steps[1]
    edit = reverse("raid-step-edit", kwargs={"pk": second.pk})
    response = client.post(
        edit,
        {
            f"step{second.pk}-version": second.version,
            f"step{second.pk}-text": "Second, done",
            f"step{second.pk}-state": "done",
        },
        **HTMX,
    )
    assert "1 of 2 steps done (50%)" in response.content.decode()
    client.post(reverse("raid-step-move", kwargs={"pk": second.pk}), {"direction": "up"}, **HTMX)
    assert [s.text for s in log["high"].steps.order_by("position")] == ["Second, done", "First"]


def test_empty_step_is_refused(log, world, client_for):
    response = client_for(world.users["pmo"]).post(
        reverse("raid-step-add", kwargs={"reference": "R1"}), {"new-text": ""}, **HTMX
    )
    assert response.status_code == 200
    assert not log["high"].steps.exists()


def test_item_page_shows_movement_history_and_links(log, world, client_for):
    response = client_for(world.users["pmo"]).get(
        reverse("raid-item-detail", kwargs={"reference": "R1"})
    )
    body = response.content.decode()
    assert "Movement since PSG" in body or "Movement (no earlier PSG)" in body
    assert "History" in body and "Mitigation plan" in body and "Milestones" in body


def test_convert_through_the_page(log, world, client_for):
    response = client_for(world.users["pmo"]).post(
        reverse("raid-item-convert", kwargs={"reference": "R1"}),
        {"version": 1, "new_reference": "I77", "reason": "Happened"},
    )
    assert response.status_code == 302
    issue = RaidItem.objects.get(reference="I77")
    assert issue.converted_from.reference == "R1"
    page = (
        client_for(world.users["pmo"])
        .get(reverse("raid-item-detail", kwargs={"reference": "I77"}))
        .content.decode()
    )
    assert "Converted from risk" in page


def test_create_rejects_mismatched_prefix(world, client_for):
    response = client_for(world.users["pmo"]).post(
        reverse("raid-item-create"),
        {"reference": "I1", "type": "risk", "title": "x", "classification": "public"},
    )
    assert response.status_code == 200
    assert "starts with R" in response.content.decode()
    assert not RaidItem.objects.exists()


def test_heatmap_cells_link_to_the_filtered_log(log, world, client_for):
    body = client_for(world.users["pmo"]).get(reverse("raid-heatmap")).content.decode()
    assert "?likelihood=3&amp;impact=5&amp;status=open" in body
    assert "score 24 (High), 1 item" in body


def test_restricted_classification_filter_absent_for_participants(log, world, client_for):
    RaidItemFactory(reference="R9", classification=Classification.RESTRICTED)
    response = client_for(world.users["participant"]).get(reverse("raid-log"))
    assert "classification" not in response.context["form"].fields


def test_inline_edits_work_without_javascript(log, world, client_for):
    client = client_for(world.users["pmo"])
    page = client.get(reverse("raid-item-score", kwargs={"reference": "R1"}))
    body = page.content.decode()
    assert "<html" in body and "Re-score R1" in body and 'name="likelihood"' in body
    bad = client.post(
        reverse("raid-item-score", kwargs={"reference": "R1"}), {"version": 1, "likelihood": 2}
    )
    assert "<html" in bad.content.decode() and "Give both likelihood and impact" in (
        bad.content.decode()
    )
    assert RaidItem.objects.get(reference="R1").current_score == 24
