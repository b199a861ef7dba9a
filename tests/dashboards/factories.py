"""Factories for the pack's records."""

import uuid

import factory

from dashboards.models import PackBuild, PackSection
from tests.factories import MeetingFactory


class PackSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PackSection

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: (n + 1) * 10)
    section_type = "summary"
    title = factory.Sequence(lambda n: f"Block {n}")
    classification = "public"
    params = factory.LazyFunction(dict)


class PackBuildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PackBuild

    meeting = factory.SubFactory(MeetingFactory)
    key = factory.LazyFunction(lambda: uuid.uuid4().hex)
    kind = "draft"
