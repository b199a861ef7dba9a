from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from milestones import selectors, services
from milestones.models import Milestone, Reforecast, Snapshot
from portal.concurrency import StaleEdit
from portal.importing import ImportRejected
from tests.factories import ForumFactory
from tests.milestones.factories import MilestoneFactory

pytestmark = pytest.mark.django_db
ON = date(2024, 8, 28)


def test_create_sets_tier_and_workstream_and_validates_reference(pmo):
    forum = ForumFactory(code="SITAG")
    m = services.milestone_create(
        actor=pmo,
        reference="t2-te-0700",
        forum=forum,
        title="Prep",
        baseline_date=date(2024, 8, 26),
        forecast_date=date(2024, 9, 26),
    )
    assert (m.reference, m.tier, m.workstream) == ("T2-TE-0700", "T2", "TE")
    assert m.history.first().history_user == pmo
    with pytest.raises(ValidationError) as err:
        services.milestone_create(
            actor=pmo,
            reference="T4-XX-1",
            forum=forum,
            title="Bad",
            baseline_date=date(2024, 8, 26),
            forecast_date=date(2024, 9, 26),
        )
    assert "reference" in err.value.message_dict


def test_database_constraints_hold():
    m = MilestoneFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.filter(pk=m.pk).update(tier="T1")  # reference says T3
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.filter(pk=m.pk).update(rag_override="R", override_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.filter(pk=m.pk).update(reference="T3-bad")


def test_reforecast_records_old_new_who_when_why(pmo):
    m = MilestoneFactory(forecast_date=date(2024, 9, 30))
    with pytest.raises(ValidationError):
        services.milestone_reforecast(
            actor=pmo, milestone=m, forecast_date=date(2024, 10, 4), reason=" "
        )
    services.milestone_reforecast(
        actor=pmo,
        milestone=m,
        forecast_date=date(2024, 10, 4),
        reason="Supplier late",
        expected_version=1,
    )
    change = Reforecast.objects.get(milestone=m)
    assert (change.old_date, change.new_date, change.changed_by, change.reason) == (
        date(2024, 9, 30),
        date(2024, 10, 4),
        pmo,
        "Supplier late",
    )
    assert m.history.first().history_change_reason == "Reforecast: Supplier late"


def test_rebaseline_is_explicit_and_in_history(pmo):
    m = MilestoneFactory(baseline_date=date(2024, 9, 30))
    services.milestone_rebaseline(
        actor=pmo,
        milestone=m,
        baseline_date=date(2024, 10, 31),
        reason="CR054 approved",
        expected_version=1,
    )
    m.refresh_from_db()
    latest = m.history.first()
    assert m.baseline_date == date(2024, 10, 31)
    assert latest.history_change_reason == "Rebaselined: CR054 approved"
    assert latest.history_user == pmo
    with pytest.raises(ValidationError):
        services.milestone_rebaseline(
            actor=pmo, milestone=m, baseline_date=date(2024, 11, 1), reason=""
        )
    with pytest.raises(StaleEdit):
        services.milestone_rebaseline(
            actor=pmo,
            milestone=m,
            baseline_date=date(2024, 11, 1),
            reason="x",
            expected_version=1,
        )


def test_update_refuses_baseline_and_unknown_fields(pmo):
    m = MilestoneFactory()
    with pytest.raises(ValueError):
        services.milestone_update(
            actor=pmo, milestone=m, expected_version=1, baseline_date=date(2025, 1, 1)
        )


def test_second_of_two_concurrent_edits_is_refused_with_the_changes(world, pmo):
    m = MilestoneFactory(commentary="start")
    first = Milestone.objects.get(pk=m.pk)
    second = Milestone.objects.get(pk=m.pk)
    services.milestone_update(
        actor=pmo, milestone=first, expected_version=1, commentary="Alice's view"
    )
    with pytest.raises(StaleEdit) as err:
        services.milestone_update(
            actor=world.users["pmo"], milestone=second, expected_version=1, commentary="Bob's"
        )
    assert "Alice's view" in str(err.value.messages)
    m.refresh_from_db()
    assert m.commentary == "Alice's view"


def test_override_needs_a_reason(pmo):
    m = MilestoneFactory()
    with pytest.raises(ValidationError):
        services.milestone_update(actor=pmo, milestone=m, expected_version=1, rag_override="G")


def test_predecessor_cycle_refused(pmo):
    a, b = MilestoneFactory(), MilestoneFactory()
    services.milestone_update(actor=pmo, milestone=b, expected_version=1, predecessors=[a])
    a.refresh_from_db()
    with pytest.raises(ValidationError):
        services.milestone_update(actor=pmo, milestone=a, expected_version=1, predecessors=[b])


def test_recompute_is_set_based_and_reaches_downstream(pmo, django_assert_max_num_queries):
    a = MilestoneFactory(baseline_date=date(2024, 9, 30))
    b = MilestoneFactory(baseline_date=date(2024, 10, 30))
    c = MilestoneFactory(baseline_date=date(2024, 11, 29))
    b.predecessors.add(a)
    c.predecessors.add(b)
    others = MilestoneFactory.create_batch(30)
    assert services.milestones_recompute(on=ON) == 33
    assert services.milestones_recompute(on=ON) == 0  # idempotent
    Milestone.objects.filter(pk=a.pk).update(
        baseline_date=date(2024, 8, 1), forecast_date=date(2024, 8, 1)
    )
    with django_assert_max_num_queries(15):  # incl. savepoint, temp table, COPY
        changed = services.milestones_recompute(on=ON, milestone_ids=[a.pk])
    assert changed == 2  # a turns Red, b turns Amber; c stays Green
    rags = dict(Milestone.objects.values_list("reference", "rag"))
    assert (rags[a.reference], rags[b.reference], rags[c.reference]) == ("R", "A", "G")
    assert "Predecessor" in Milestone.objects.get(pk=b.pk).rag_reason
    assert {rags[o.reference] for o in others} == {"G"}


def test_services_schedule_recompute_after_commit(pmo, django_capture_on_commit_callbacks):
    m = MilestoneFactory(baseline_date=date(2030, 1, 31))
    with django_capture_on_commit_callbacks(execute=True):
        services.milestone_update(
            actor=pmo,
            milestone=m,
            expected_version=1,
            at_risk=True,
            at_risk_reason="Waiting on PP submissions",
        )
    m.refresh_from_db()
    assert m.rag == "A" and "at risk: Waiting on PP submissions" in m.rag_reason


def test_snapshot_and_previous_rag(pmo):
    m = MilestoneFactory(baseline_date=date(2024, 8, 27), forecast_date=date(2024, 8, 27))
    services.snapshot_take(on=date(2024, 8, 21))
    services.snapshot_take(on=date(2024, 8, 21))  # retaking replaces, never duplicates
    assert Snapshot.objects.get().rows.count() == 1
    board = selectors.dashboard(reporting_date=ON, next_steering_date=date(2024, 9, 4))
    row = board.rows[0]
    assert board.previous_date == date(2024, 8, 21)
    assert (row.previous.value, row.current.value, row.forecast.value) == ("G", "R", "R")
    assert row.reference == m.reference


def _csv(*lines):
    return (
        "ref,forum,title,baseline_date,forecast_date,responsible,commentary\n"
        + "\n".join(lines)
        + "\n"
    ).encode()


def test_import_all_or_nothing_reports_the_bad_row(pmo):
    ForumFactory(code="QAG")
    existing = MilestoneFactory(reference="T3-QU-0001", forum=ForumFactory(code="SITAG"))
    content = _csv(
        "T3-QU-0002,QAG (Non-SIT LDSO),Good one,2024-09-01,2024-09-01,PP,",
        "T3-QU-0001,QAG,Renamed,2024-09-30,2024-10-04,PP,moved",
        "T3-QU-0003,QAG,Bad date,2024-13-01,2024-09-01,PP,",
        "T3-QU-0004,QAG,Good too,2024-09-01,2024-09-01,PP,",
    )
    with pytest.raises(ImportRejected) as err:
        services.milestones_import(actor=pmo, filename="m.csv", content=content)
    problems = err.value.problems
    assert [(p.line, p.column) for p in problems] == [(4, "baseline_date")]
    assert Milestone.objects.count() == 1
    existing.refresh_from_db()
    assert existing.title != "Renamed" and not Reforecast.objects.exists()


def test_import_rejects_duplicate_and_malformed_references(pmo):
    ForumFactory(code="QAG")
    content = _csv(
        "T3-RE-0500,QAG,First,2024-09-01,2024-09-01,,",
        "T3-RE-0500,QAG,Second,2024-09-01,2024-09-01,,",
        "XX-1,QAG,Malformed,2024-09-01,2024-09-01,,",
        ",QAG,No ref,2024-09-01,2024-09-01,,",
        "T3-RE-0600,NOPE,Unknown forum,2024-09-01,2024-09-01,,",
    )
    with pytest.raises(ImportRejected) as err:
        services.milestones_import(actor=pmo, filename="m.csv", content=content)
    found = {(p.line, p.column) for p in err.value.problems}
    assert found == {(3, "ref"), (4, "ref"), (5, "ref"), (6, "forum")}
    assert "also on line 2" in str(err.value)
    assert not Milestone.objects.exists()


def test_import_applies_creates_updates_and_reforecasts(pmo):
    ForumFactory(code="QAG")
    MilestoneFactory(
        reference="T3-QU-0001",
        forum=ForumFactory(code="QAG"),
        baseline_date=date(2024, 9, 30),
        forecast_date=date(2024, 9, 30),
    )
    content = _csv(
        "T3-QU-0002,QAG (Non-SIT LDSO),New,2024-09-01,2024-09-01,PP,",
        "T3-QU-0001,QAG,Renamed,2024-09-30,2024-10-04,PP,moved",
    )
    result = services.milestones_import(actor=pmo, filename="m.csv", content=content)
    assert (result.created, result.updated) == (1, 1)
    new = Milestone.objects.get(reference="T3-QU-0002")
    assert (new.forum.code, new.forum_stream, new.forum_label) == (
        "QAG",
        "Non-SIT LDSO",
        "QAG (Non-SIT LDSO)",
    )
    change = Reforecast.objects.get()
    assert (change.new_date, change.reason) == (date(2024, 10, 4), "Imported from m.csv")
    again = services.milestones_import(actor=pmo, filename="m.csv", content=content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_import_refuses_baseline_change(pmo):
    MilestoneFactory(
        reference="T3-QU-0001", forum=ForumFactory(code="QAG"), baseline_date=date(2024, 9, 30)
    )
    with pytest.raises(ImportRejected) as err:
        services.milestones_import(
            actor=pmo,
            filename="m.csv",
            content=_csv("T3-QU-0001,QAG,X,2024-10-30,2024-10-30,,"),
        )
    assert err.value.problems[0].column == "baseline_date"


def test_reforecasts_between_lists_slips(pmo):
    m = MilestoneFactory(forecast_date=date(2024, 9, 30))
    t0 = timezone.make_aware(datetime(2024, 8, 10))
    services.milestone_reforecast(
        actor=pmo, milestone=m, forecast_date=date(2024, 10, 7), reason="late", when=t0
    )
    services.milestone_reforecast(
        actor=pmo,
        milestone=m,
        forecast_date=date(2024, 10, 1),
        reason="recovered",
        when=t0 + timedelta(days=20),
    )
    window = selectors.reforecasts_between(t0 - timedelta(days=1), t0 + timedelta(days=1))
    assert [(r.old_date, r.new_date, r.slip_days, r.changed_by) for r in window] == [
        (date(2024, 9, 30), date(2024, 10, 7), 7, pmo)
    ]
    trend = selectors.forecast_trend(m, selectors.forecast_history(m))
    assert [p["slip"] for p in trend] == [0, 7, 1]


def test_rag_counts_by_forum_and_tier_with_change(pmo):
    forum = ForumFactory(code="SITAG")
    late = MilestoneFactory(
        forum=forum, baseline_date=date(2024, 8, 27), forecast_date=date(2024, 8, 27)
    )
    MilestoneFactory(forum=forum, baseline_date=date(2024, 12, 2))
    services.snapshot_take(on=date(2024, 8, 21))
    services.snapshot_take(on=ON)
    table = selectors.rag_counts_by_forum_and_tier(on=ON)
    assert (table.snapshot_date, table.previous_date) == (ON, date(2024, 8, 21))
    (row,) = table.rows
    assert (row.forum, row.tier, row.counts, row.previous) == (
        "SITAG",
        "T3",
        {"R": 1, "G": 1},
        {"G": 2},
    )
    assert row.change == {"R": 1, "A": 0, "G": -1, "C": 0}
    older, newer = Snapshot.objects.order_by("taken_on")
    (change,) = selectors.rag_changes_between(older, newer)
    assert (change.reference, change.old, change.new) == (late.reference, "G", "R")


@pytest.mark.parametrize("size", [3, 40])
def test_dashboard_rows_take_a_fixed_number_of_queries(size, django_assert_num_queries):
    from tests.factories import MeetingFactory

    MeetingFactory(date=date(2024, 9, 4))
    chain = MilestoneFactory.create_batch(size, forum=ForumFactory(code="SITAG"))
    for before, after in zip(chain, chain[1:], strict=False):
        after.predecessors.add(before)
    services.snapshot_take(on=date(2024, 8, 21))
    # next meeting, previous snapshot, rows, upstream links, upstream milestones, snapshot rows
    with django_assert_num_queries(6):
        board = selectors.dashboard(reporting_date=ON, forum="SITAG")
    assert len(board.rows) == size and board.forecast_date == date(2024, 9, 4)
    assert all(row.previous is not None for row in board.rows)
