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


@pytest.fixture(autouse=True)
def _eager_celery():
    """Run tasks in-process here whatever broker the environment names (mail lands in outbox)."""
    from portal.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
