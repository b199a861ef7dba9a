import datetime

import pytest
from django.utils import timezone

from change_requests.models import Invitation, Stage
from tests.change_requests.factories import ChangeRequestFactory


@pytest.fixture
def open_cr(world):
    """A CR whose assessment is open, with both participant organisations invited."""
    today = timezone.localdate()
    cr = ChangeRequestFactory(
        stage=Stage.IA_OPEN,
        ia_opened_on=today,
        ia_deadline=today + datetime.timedelta(days=10),
    )
    for organisation in (world.organisation, world.other_organisation):
        Invitation.objects.create(
            change_request=cr,
            organisation=organisation,
            deadline=cr.ia_deadline,
            invited_at=timezone.now(),
        )
    return cr
