from datetime import date, time

import pytest

from meetings.models import Meeting
from tests.factories import ForumFactory


@pytest.fixture
def psg_meetings(db):
    """PSG 35 and 36 as in the demo."""
    forum = ForumFactory(code="PSG", name="Programme Steering Group", level=2)
    return {
        number: Meeting.objects.create(forum=forum, number=number, date=day, start_time=time(10))
        for number, day in [(35, date(2024, 8, 7)), (36, date(2024, 9, 4))]
    }
