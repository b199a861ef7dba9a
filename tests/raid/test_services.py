"""RAID writes: validation, scoring, history, concurrency, conversion, mitigation steps."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.concurrency import StaleEdit
from raid import services
from raid.models import RaidItem, Status, StepState

pytestmark = pytest.mark.django_db


def create(reference="R1", type="risk", **extra):
    extra.setdefault("title", "A risk")
    return services.raid_item_create(reference=reference, type=type, **extra)


@pytest.mark.parametrize(
    ("reference", "type_", "ok"),
    [
        ("R849", "risk", True),
        ("i191", "issue", True),  # printed case is kept
        ("A12", "assumption", True),
        ("D3", "dependency", True),
        ("I849", "risk", False),
        ("849", "risk", False),
        ("R1", "issue", False),
    ],
)
def test_reference_prefix_matches_type(reference, type_, ok):
    if ok:
        assert create(reference, type_).reference == reference
    else:
        with pytest.raises(ValidationError):
            create(reference, type_)


def test_reference_unique_whatever_the_case():
    create("i191", "issue")
    with pytest.raises(ValidationError, match="already"):
        create("I191", "issue")
    # The database says the same, so no other write path can slip past.
    with pytest.raises(IntegrityError), transaction.atomic():
        RaidItem.objects.create(reference="I191", type="issue", title="x")


def test_score_comes_from_the_matrix_and_initial_is_kept():
    item = create(likelihood=4, impact=3)
    assert (item.current_score, item.initial_score, item.score_given_directly) == (17, 17, False)
    services.raid_item_rescore(item=item, expected_version=item.version, likelihood=2, impact=2)
    item.refresh_from_db()
    assert (item.current_score, item.initial_score) == (5, 17)


def test_score_given_directly_is_flagged():
    item = create(current_score=25)
    assert item.score_given_directly and item.likelihood is None
    banded = create("R2", stated_band="high")
    assert banded.score_given_directly and banded.current_score is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"likelihood": 3}, "both"),
        ({"likelihood": 3, "impact": 4, "current_score": 20}, "not 20"),
        ({"current_score": 25, "stated_band": "low"}, "not low"),
        ({"likelihood": 9, "impact": 9}, "no cell"),
    ],
)
def test_inconsistent_scores_are_refused(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        create(**kwargs)
    assert not RaidItem.objects.exists()


def test_writes_are_recorded_with_actor_and_reason(world):
    pmo = world.users["pmo"]
    item = create(actor=pmo, likelihood=3, impact=4)
    services.raid_item_rescore(
        actor=pmo,
        item=item,
        expected_version=item.version,
        likelihood=4,
        impact=5,
        reason="Supplier slipped",
    )
    latest = item.history.order_by("-history_id").first()
    assert latest.history_user == pmo
    assert latest.history_change_reason == "Supplier slipped"
    assert latest.current_score == 25
    assert item.history.count() == 2


def test_participant_cannot_write(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create(actor=world.users["participant"])
    with pytest.raises(PermissionDenied):
        create(actor=world.users["observer"])


def test_stale_edit_is_refused_and_names_the_change(world):
    pmo = world.users["pmo"]
    item = create(actor=pmo, likelihood=3, impact=4)
    opened = item.version
    services.raid_item_rescore(
        actor=pmo,
        item=RaidItem.objects.get(pk=item.pk),
        expected_version=opened,
        likelihood=5,
        impact=5,
    )
    with pytest.raises(StaleEdit, match="Someone else saved"):
        services.raid_item_update(
            actor=pmo,
            item=RaidItem.objects.get(pk=item.pk),
            expected_version=opened,
            title="Mine",
        )
    assert RaidItem.objects.get(pk=item.pk).title == "A risk"


def test_close_needs_a_reason():
    item = create()
    with pytest.raises(ValidationError):
        services.raid_item_close(item=item, expected_version=item.version, closure_reason=" ")
    services.raid_item_close(
        item=RaidItem.objects.get(pk=item.pk), expected_version=None, closure_reason="Done"
    )
    assert RaidItem.objects.get(pk=item.pk).status == Status.CLOSED


def test_convert_links_both_ways_and_carries_open_steps():
    risk = create(
        "R10",
        likelihood=4,
        impact=5,
        steps=[
            services.StepSpec("Open step"),
            services.StepSpec("Done step", state=StepState.DONE),
        ],
    )
    issue = services.raid_item_convert(
        item=risk, expected_version=risk.version, new_reference="I10", reason="It happened"
    )
    risk.refresh_from_db()
    assert risk.status == Status.CONVERTED and risk.converted_to == issue
    assert issue.converted_from == risk
    assert issue.type == "issue" and issue.current_score == 25
    assert [s.text for s in issue.steps.all()] == ["Open step"]
    with pytest.raises(ValidationError):
        services.raid_item_convert(item=issue, expected_version=None, new_reference="I11")


def test_steps_add_move_delete_keep_numbering():
    item = create()
    a = services.mitigation_step_add(item=item, text="A")
    b = services.mitigation_step_add(item=item, text="B")
    c = services.mitigation_step_add(item=item, text="C")
    services.mitigation_step_move(step=c, offset=-1)
    assert [s.text for s in item.steps.order_by("position")] == ["A", "C", "B"]
    services.mitigation_step_delete(step=a)
    assert [(s.position, s.text) for s in item.steps.order_by("position")] == [(1, "C"), (2, "B")]
    b.refresh_from_db()
    with pytest.raises(StaleEdit):
        services.mitigation_step_update(step=b, expected_version=b.version - 1, text="late")


def test_theme_names_are_unique_whatever_the_case():
    services.theme_create(name="SIT Execution")
    with pytest.raises(ValidationError):
        services.theme_create(name="sit execution")
