from datetime import date

import pytest

from milestones import tasks
from milestones.models import Milestone, Snapshot
from tests.milestones.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_weekly_snapshot_refreshes_cache_and_records_every_milestone():
    late = MilestoneFactory(baseline_date=date(2024, 8, 1), forecast_date=date(2024, 8, 1))
    MilestoneFactory(baseline_date=date(2024, 12, 2))
    snapshot_id = tasks.weekly_snapshot.delay(on="2024-08-28").get()
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    assert snapshot.taken_on == date(2024, 8, 28)
    assert dict(snapshot.rows.values_list("milestone__reference", "rag")) == {
        late.reference: "R",
        Milestone.objects.exclude(pk=late.pk).get().reference: "G",
    }
    assert Milestone.objects.get(pk=late.pk).rag_evaluated_on == date(2024, 8, 28)
    tasks.weekly_snapshot.delay(on="2024-08-28").get()  # a rerun replaces, never duplicates
    assert snapshot.rows.count() == 2 and Snapshot.objects.count() == 1


def test_recompute_task_defaults_to_the_reporting_date():
    from portal.models import Programme

    Programme.objects.create(pk=1, name="MHHS", reporting_date=date(2024, 8, 28))
    m = MilestoneFactory(baseline_date=date(2024, 8, 27), forecast_date=date(2024, 8, 27))
    assert tasks.recompute_rags.delay().get() == 1
    m.refresh_from_db()
    assert (m.rag, m.rag_evaluated_on) == ("R", date(2024, 8, 28))


def test_beat_schedule_uses_the_configured_weekday(settings):
    import importlib

    from milestones import schedule

    settings.MILESTONE_SNAPSHOT_WEEKDAY = "fri"
    reloaded = importlib.reload(schedule)
    entry = reloaded.BEAT_SCHEDULE["milestones-weekly-snapshot"]
    assert entry["task"] == "milestones.weekly_snapshot"
    assert entry["schedule"].day_of_week == {5}
    del settings.MILESTONE_SNAPSHOT_WEEKDAY
    assert importlib.reload(schedule).BEAT_SCHEDULE["milestones-weekly-snapshot"][
        "schedule"
    ].day_of_week == {3}
