from datetime import date

import factory

from milestones.models import Milestone
from tests.factories import ForumFactory


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    reference = factory.Sequence(lambda n: f"T3-DB-{n + 1:04d}")
    tier = factory.LazyAttribute(lambda m: m.reference[:2])
    workstream = factory.LazyAttribute(lambda m: m.reference.split("-")[1])
    forum = factory.SubFactory(ForumFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    baseline_date = date(2024, 9, 30)
    forecast_date = factory.LazyAttribute(lambda m: m.baseline_date)
    responsible = "SI Test"


class PlanActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "milestones.PlanActivity"

    lane = "Change Request development"
    title = factory.Sequence(lambda n: f"Activity {n}")
    kind = "activity"
    start_date = date(2024, 9, 23)
    end_date = date(2024, 10, 4)
    position = factory.Sequence(lambda n: (n + 1) * 10)
