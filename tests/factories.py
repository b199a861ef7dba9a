"""factory_boy factories for the core; apps keep theirs in tests/<app>/factories.py."""

import datetime

import factory

from meetings.models import Meeting
from portal.models import Constituency, Forum, Organisation, Role, User

PASSWORD = "correct-horse-battery-staple"


class ConstituencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Constituency
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Constituency {n}")
    position = factory.Sequence(int)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Organisation {n:03d}")
    constituency = factory.SubFactory(ConstituencyFactory)
    is_programme_party = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.PARTICIPANT
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forum
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"F{n}")
    name = factory.LazyAttribute(lambda o: f"Forum {o.code}")
    level = 3


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    forum = factory.SubFactory(ForumFactory, code="PSG", name="Programme Steering Group", level=2)
    number = factory.Sequence(lambda n: n + 1)
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 3) + datetime.timedelta(weeks=4 * n))
    start_time = datetime.time(10, 0)
