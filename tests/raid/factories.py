"""RAID factories: items are created through the service so history and scores are real."""

import factory

from raid.models import Classification, MitigationStep, RaidItem, RaidType, Theme


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Theme {n}")
    summary = "What this theme is about"
    mitigation_approach = "How it is being mitigated"


class RaidItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RaidItem
        django_get_or_create = ["reference"]

    type = RaidType.RISK
    reference = factory.Sequence(lambda n: f"R{1000 + n}")
    title = factory.Sequence(lambda n: f"Risk number {n}")
    description = "There is a risk that something slips."
    classification = Classification.PUBLIC
    likelihood = 3
    impact = 4
    current_score = 18
    initial_score = 18


class MitigationStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MitigationStep

    item = factory.SubFactory(RaidItemFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "Do something about it"
