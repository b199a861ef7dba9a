"""Factories for meetings' records; MeetingFactory itself lives in tests/factories.py."""

import datetime

import factory

from meetings.models import Action, AgendaItem, Decision, EngagementEvent, NarrativeSection
from tests.factories import MeetingFactory


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    label = factory.LazyAttribute(lambda o: str(o.position))
    title = factory.Sequence(lambda n: f"Item {n}")
    item_type = "information"
    leads = "Chair"
    duration_minutes = 10


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    meeting = factory.SubFactory(MeetingFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(
        lambda o: f"{o.meeting.forum.code}{o.meeting.number}-{o.sequence:02d}"
    )
    description = factory.Sequence(lambda n: f"Do thing {n}")
    owner_text = "Programme"
    status = "open"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    reference = factory.Sequence(lambda n: f"DEC-{n:03d}")
    summary = "Approve the thing"
    outcome = "approved"
    decided_on = factory.LazyAttribute(lambda o: o.meeting.date)


class NarrativeSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NarrativeSection

    meeting = factory.SubFactory(MeetingFactory)
    key = factory.Sequence(lambda n: f"section-{n}")
    title = factory.Sequence(lambda n: f"Section {n}")
    body = "Some **text**."
    status = "published"


class EngagementEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementEvent

    title = factory.Sequence(lambda n: f"Engagement {n}")
    date = datetime.date(2024, 9, 3)  # a Tuesday
    precision = "day"
    category = "central_parties"
    status = "planned"
