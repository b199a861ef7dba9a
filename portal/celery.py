"""The Celery application shared by every app.

Each app declares its periodic tasks in an optional `<app>/schedule.py` holding a
`BEAT_SCHEDULE` dict, so a new schedule never means editing a shared settings file.
"""

import os
from importlib import import_module

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def collect_beat_schedule(app_labels):
    schedule = {}
    for label in app_labels:
        try:
            module = import_module(f"{label}.schedule")
        except ModuleNotFoundError as exc:
            if exc.name != f"{label}.schedule":
                raise
            continue
        schedule.update(module.BEAT_SCHEDULE)
    return schedule


@app.on_after_configure.connect
def _install_beat_schedule(sender, **kwargs):
    from django.conf import settings

    sender.conf.beat_schedule = {
        **collect_beat_schedule(settings.LOCAL_APPS),
        **(sender.conf.beat_schedule or {}),
    }
