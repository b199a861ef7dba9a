import datetime

import pytest

from tests.factories import ForumFactory, MeetingFactory


@pytest.fixture
def psg(db):
    return ForumFactory(code="PSG", name="Programme Steering Group", level=2)


@pytest.fixture
def psg35(psg):
    return MeetingFactory(forum=psg, number=35, date=datetime.date(2024, 8, 7))


@pytest.fixture
def psg36(psg):
    return MeetingFactory(forum=psg, number=36, date=datetime.date(2024, 9, 4))
